/**
 * 画像ビューア (issue 12) in the browser, against the real hub and gateways with the demo hospitals'
 * DICOM: a clinic doctor opens a consented patient's CT from the 画像 tab, scrolls 100 slices with the
 * keyboard and the wheel, changes the window (presets and drag), measures a length and an angle (the
 * values checked against the pixel spacing the gateway holds), and compares this year's chest X-ray
 * with the previous one side by side, the report beside the images. A pharmacist (no imaging for the
 * profession) gets no images through the viewer's own URL. Screenshots at three sizes, axe 0 serious.
 *
 * The patient is the demo's imaging scenario, found from the gateways' DICOM index (a CT of ≥ 100 images
 * and two chest X-rays a year apart at one hospital, consented for every facility), not from the web app's code.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { settled } from './browser';
import { skipReason, useHarness } from './harness';

interface ImagingPatient {
  personId: string;
  facilityOid: string;
  ct: { studyUid: string; images: number; spacing: number; columns: number };
  /** Chest radiographs, newest first. */
  crs: { studyUid: string; date: string }[];
}

const viewport = (page: Page, slot = 'A') => page.locator(`[data-testid="viewport"][data-slot="${slot}"]`);

/** Waits until the viewport has drawn slice `index` (0-based). */
async function shows(page: Page, index: number, slot = 'A') {
  await page.waitForFunction(
    ([s, i]) => {
      const el = document.querySelector<HTMLElement>(`[data-testid="viewport"][data-slot="${s}"]`);
      return el?.dataset.index === String(i) && Number(el.dataset.rendered ?? 0) > 0;
    },
    [slot, index] as const,
    { timeout: 15_000 },
  );
}

describe.skipIf(skipReason !== null)('the image viewer in the browser', () => {
  const h = useHarness();
  const { session, screen } = h;
  let found: ImagingPatient | undefined;

  /**
   * The demo's imaging patient (consented everywhere; at one hospital a CT of ≥ 100 images and two chest
   * X-rays a year apart: @hie/demo showcase), with the CT's matrix and pixel spacing from the gateway.
   */
  async function imagingPatient(): Promise<ImagingPatient> {
    if (found) return found;
    const chosen = h.network.showcase.imaging;
    if (!chosen) throw new Error('the demo network has no imaging patient (showcase.imaging)');
    const gateway = h.network.gateways.find((g) => g.oid === chosen.imagingFacility)!.gateway;
    const row = await gateway.store.db
      .selectFrom('gw_dicom_instance')
      .select('json')
      .where('study_uid', '=', chosen.ct.studyUid)
      .executeTakeFirstOrThrow();
    const tags = JSON.parse(row.json) as Record<string, { Value?: unknown[] }>;
    found = {
      personId: chosen.personId,
      facilityOid: chosen.imagingFacility,
      ct: {
        studyUid: chosen.ct.studyUid,
        images: chosen.ct.images,
        spacing: Number(tags['00280030']?.Value?.[0]),
        columns: Number(tags['00280011']?.Value?.[0]),
      },
      crs: [...chosen.cr].reverse(),
    };
    return found;
  }

  async function openFromTab(page: Page, patient: ImagingPatient, studyUid: string) {
    await page.goto(`/patients/${encodeURIComponent(patient.personId)}?tab=imaging&period=all`);
    await page.getByRole('tabpanel').waitFor();
    const row = page.getByTestId('study').filter({ has: page.locator(`a[href*="${studyUid}"]`) });
    await row.getByTestId('study-view-images').click();
    await page.getByTestId('image-viewer').waitFor();
    await shows(page, 0);
  }

  it('opens the CT from the 画像 tab and scrolls 100 slices with the keyboard and the wheel', async () => {
    const patient = await imagingPatient();
    const page = await session('clinic.doctor');
    await openFromTab(page, patient, patient.ct.studyUid);
    const vp = viewport(page);
    await expect.poll(() => vp.getAttribute('data-count')).toBe(String(patient.ct.images));
    expect(await vp.getAttribute('data-study')).toBe(patient.ct.studyUid);
    await page.waitForFunction(
      () => document.querySelector<HTMLElement>('[data-testid="viewport"]')?.dataset.loaded === 'true',
      null,
      { timeout: 60_000 },
    );
    await vp.focus();
    for (let i = 1; i < 100; i++) {
      await page.keyboard.press('ArrowDown');
      await shows(page, i);
    }
    await expect
      .poll(() => page.getByTestId('viewport-slice').first().textContent())
      .toBe(`100 / ${patient.ct.images}`);
    await page.keyboard.press('Home');
    await shows(page, 0);
    await page.keyboard.press('End');
    await shows(page, patient.ct.images - 1);
    await page.keyboard.press('PageUp');
    await shows(page, patient.ct.images - 11);
    // The wheel scrolls the stack (one slice per notch), never the page.
    const box = (await vp.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -120);
    await shows(page, patient.ct.images - 12);
  });

  it('changes the window by preset and by dragging, the values shown on the image', async () => {
    const patient = await imagingPatient();
    const page = await session('clinic.doctor');
    await openFromTab(page, patient, patient.ct.studyUid);
    const windowText = () => page.getByTestId('viewport-window').first().textContent();
    await page.getByTestId('preset-lung').click();
    await expect.poll(windowText).toContain('WL -600 / WW 1500');
    await screen(page, 'viewer-ct-lung');
    await page.getByTestId('preset-mediastinum').click();
    await expect.poll(windowText).toContain('WL 40 / WW 400');
    await page.getByTestId('preset-bone').click();
    await expect.poll(windowText).toContain('WL 400 / WW 1800');
    await page.getByTestId('preset-brain').click();
    await expect.poll(windowText).toContain('WL 40 / WW 80');
    // Dragging with the window tool (the default) changes it from there.
    await page.getByTestId('tool-windowLevel').click();
    const box = (await viewport(page).boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2 + 40, { steps: 8 });
    await page.mouse.up();
    await expect.poll(windowText).not.toContain('WL 40 / WW 80');
    await page.getByTestId('preset-default').click();
    await expect.poll(windowText).toContain('WL 40 / WW 400');
  });

  it('measures a length in mm and an angle in degrees, as the pixel spacing says', async () => {
    const patient = await imagingPatient();
    const page = await session('clinic.doctor');
    await openFromTab(page, patient, patient.ct.studyUid);
    const box = (await viewport(page).boundingBox())!;
    // The square image fits the shorter side of the viewport: one screen pixel is columns/side image pixels.
    const side = Math.min(box.width, box.height);
    const mmPerScreenPx = (patient.ct.spacing * patient.ct.columns) / side;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.getByTestId('tool-length').click();
    await page.mouse.move(cx - 100, cy);
    await page.mouse.down();
    await page.mouse.move(cx + 99, cy, { steps: 10 });
    // The viewer handles drags once per frame: on a busy machine the last moves of a quick drag can be
    // folded together, so the pointer rests, then makes the last step, and rests again before release.
    await page.waitForTimeout(150);
    await page.mouse.move(cx + 100, cy);
    await page.waitForTimeout(150);
    await page.mouse.up();
    const length = page.getByTestId('measurement').first();
    await expect.poll(() => length.textContent()).toMatch(/距離 [0-9.]+ mm/);
    const mm = Number(/([0-9.]+) mm/.exec((await length.textContent()) ?? '')?.[1]);
    expect(mm).toBeGreaterThan(200 * mmPerScreenPx * 0.97);
    expect(mm).toBeLessThan(200 * mmPerScreenPx * 1.03);
    // A right angle: three clicks (arm, vertex, arm).
    await page.getByTestId('tool-angle').click();
    await page.mouse.click(cx - 80, cy + 60);
    await page.mouse.click(cx, cy + 60);
    await page.mouse.click(cx, cy - 20);
    await expect.poll(() => page.getByTestId('measurement').count()).toBe(2);
    const angle = Number(
      /角度 ([0-9.]+)/.exec((await page.getByTestId('measurement').nth(1).textContent()) ?? '')?.[1],
    );
    expect(angle).toBeGreaterThan(88);
    expect(angle).toBeLessThan(92);
    await screen(page, 'viewer-ct-measured');
    await page.getByRole('button', { name: '計測を消す' }).click();
    await expect.poll(() => page.getByTestId('measurement').count()).toBe(0);
  });

  it("compares this year's chest X-ray with the previous one, each with its report", async () => {
    const patient = await imagingPatient();
    const page = await session('clinic.doctor');
    const [latest, previous] = patient.crs;
    await openFromTab(page, patient, latest!.studyUid);
    await page.getByTestId('compare-select').click();
    await page
      .getByRole('option', {
        name: new RegExp(`^${previous!.date.replaceAll('-', '/')} 単純X線`),
      })
      .click();
    await shows(page, 0, 'B');
    expect(await viewport(page, 'A').getAttribute('data-study')).toBe(latest!.studyUid);
    expect(await viewport(page, 'B').getAttribute('data-study')).toBe(previous!.studyUid);
    // The reports of both studies beside them (the demo writes a 読影レポート for each).
    await expect.poll(() => page.getByTestId('viewer-study-report').count()).toBe(2);
    await page.getByTestId('cda-document').nth(1).waitFor();
    // The URL names both: a colleague who may see them opens the same comparison.
    expect(decodeURIComponent(page.url())).toContain(`compare=${patient.facilityOid}~${previous!.studyUid}`);
    await settled(page);
    await screen(page, 'viewer-compare-cr');
  });

  it('on a touch screen (iPad), a pinch zooms and one finger scrolls with the scroll tool', async () => {
    const patient = await imagingPatient();
    const page = await session('clinic.doctor');
    await openFromTab(page, patient, patient.ct.studyUid);
    const box = (await viewport(page).boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const cdp = await page.context().newCDPSession(page);
    const touch = (type: string, points: [number, number][]) =>
      cdp.send('Input.dispatchTouchEvent', {
        type: type as 'touchStart',
        touchPoints: points.map(([x, y], id) => ({ x, y, id })),
      });
    const zoomText = () => page.getByTestId('viewport-window').first().textContent();
    expect(await zoomText()).toContain('拡大 1.00倍');
    await touch('touchStart', [
      [cx - 30, cy],
      [cx + 30, cy],
    ]);
    for (let i = 1; i <= 10; i++) {
      await touch('touchMove', [
        [cx - 30 - i * 10, cy],
        [cx + 30 + i * 10, cy],
      ]);
      await page.waitForTimeout(16);
    }
    await touch('touchEnd', []);
    await expect.poll(zoomText).not.toContain('拡大 1.00倍');
    await page.getByTestId('tool-scroll').click();
    await touch('touchStart', [[cx, cy - 100]]);
    for (let i = 1; i <= 10; i++) {
      await touch('touchMove', [[cx, cy - 100 + i * 20]]);
      await page.waitForTimeout(16);
    }
    await touch('touchEnd', []);
    await expect.poll(async () => Number(await viewport(page).getAttribute('data-index'))).toBeGreaterThan(0);
    await cdp.detach();
  });

  it("gives a pharmacist no images, even through the viewer's own address", async () => {
    const patient = await imagingPatient();
    const page = await session('pharmacist');
    const frames: number[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/dicomweb/')) frames.push(r.status());
    });
    await page.goto(
      `/patients/${encodeURIComponent(patient.personId)}/images?study=${patient.facilityOid}~${patient.ct.studyUid}`,
    );
    await page.getByTestId('image-viewer').waitFor();
    await expect.poll(() => page.getByRole('alert').count()).toBeGreaterThan(0);
    expect(await viewport(page).getAttribute('data-rendered')).toBeNull();
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.every((s) => s === 404 || s === 403)).toBe(true);
  });

  it('is accessible', async () => {
    await h.expectAccessible('images', 3);
  });
});
