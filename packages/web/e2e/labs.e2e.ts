/**
 * 検査結果 (issue 11, labs): the clinic doctor opens the consented patient's lab results — the result
 * sheet grouped by panel in clinical order, values with the precision the laboratory sent, units as
 * clinicians write them, at least five days visible at 1280×800, printed a few dates per table — and
 * the chart of the test most hospitals measured (HbA1c when it is followed at two): one series across
 * every hospital, a second test on its own axis. Screenshots at three sizes, axe 0 serious.
 *
 * What the screen should show is read from the gateways' own stores (the text each laboratory sent),
 * not from the web app's code.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { settled } from './browser';
import { patientUrl, skipReason, useHarness } from './harness';
import { HBA1C_JLAC10 } from './network';
import { printed } from './pdf';

const CREATININE = '3C015000002327101';
const WBC = '2A990000001930952';
const PLT = '2A990000001930955';
const EGFR = '8A065000002391901';

/** The panels a result sheet shows, in the order a clinician reads them (ja). */
const PANELS = [
  '血算',
  '凝固',
  '生化学（肝・胆・膵）',
  '腎機能・電解質',
  '脂質',
  '糖代謝',
  '炎症',
  '心筋・心不全',
  '甲状腺',
  '腫瘍マーカー',
  '尿',
  'その他',
];

const values = (page: Page, jlac10: string) =>
  page
    .locator(`[data-testid="lab-row-${jlac10}"] [data-value]`)
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-value') ?? ''));

describe.skipIf(skipReason !== null)('lab results in the browser', () => {
  const h = useHarness();

  /** The text each hospital's laboratory sent for the consented patient's results of one test. */
  async function sentTexts(jlac10: string): Promise<{ texts: Set<string>; facilities: Set<string> }> {
    const texts = new Set<string>();
    const facilities = new Set<string>();
    for (const { gateway, facility, oid } of h.network.gateways) {
      const localId = h.patients.consented.localIds[facility.key];
      if (!localId) continue;
      const rows = await gateway.store.db
        .selectFrom('gw_resource')
        .select(['json'])
        .where('patient_id', '=', localId)
        .where('resource_type', '=', 'Observation')
        .where('code', '=', jlac10)
        .execute();
      for (const { json } of rows) {
        const q = (
          JSON.parse(json) as { valueQuantity?: { value?: number; extension?: { valueString?: string }[] } }
        ).valueQuantity;
        if (q?.value === undefined) continue;
        texts.add(q.extension?.[0]?.valueString ?? String(q.value));
        facilities.add(oid);
      }
    }
    return { texts, facilities };
  }

  it('shows the result sheet by panel, with the precision and units of the laboratory', async () => {
    const page = await h.session('clinic.doctor');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${patientUrl(h.patients.consented)}?tab=labs`);
    await page.getByTestId('patient-name').waitFor();
    await page.locator('[data-testid="lab-table"]').waitFor();
    await settled(page);

    // Panels in clinical order; the diabetic's sheet has at least blood count, chemistry and glucose.
    const groups = await page.getByTestId('lab-group').allTextContents();
    const order = groups.map((g) => PANELS.indexOf(g.trim()));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    for (const panel of ['血算', '生化学（肝・胆・膵）', '腎機能・電解質', '糖代謝'])
      expect(groups).toContain(panel);

    // Every value as the laboratory sent it: HbA1c with one decimal, creatinine with two, trailing
    // zeros kept (a float round trip writes 10 for 10.0 and 0.8 for 0.80).
    const hba1c = await values(page, HBA1C_JLAC10);
    const creatinine = await values(page, CREATININE);
    expect(hba1c.length).toBeGreaterThanOrEqual(5);
    for (const v of hba1c) expect(v).toMatch(/^(\d+\.\d|>14\.0)$/);
    for (const v of creatinine) expect(v).toMatch(/^\d+\.\d\d$/);
    expect([...hba1c, ...creatinine].some((v) => /\.\d*0$/.test(v))).toBe(true);
    const sent = await sentTexts(HBA1C_JLAC10);
    for (const v of hba1c) if (!v.startsWith('>')) expect(sent.texts).toContain(v);

    // Units as clinicians write them; the unit as sent in the tooltip.
    // (A blood count is drawn for everyone; platelets and eGFR where the patient's panels had them.)
    const unit = (jlac10: string) => page.locator(`[data-testid="lab-row-${jlac10}"] .lab-unit`);
    expect(await unit(WBC).textContent()).toBe('千/μL');
    expect(await unit(WBC).locator('span').getAttribute('title')).toContain('10*3/uL');
    for (const [code, shown] of [
      [PLT, '万/μL'],
      [EGFR, 'mL/分/1.73m²'],
    ] as const)
      if ((await unit(code).count()) > 0) expect(await unit(code).textContent()).toBe(shown);

    // H and L are visible and coloured (contrast is checked by axe below).
    const high = page.locator('[data-testid="lab-table"] .abnormal-high').first();
    expect(await high.textContent()).toMatch(/H/);
    expect(await high.evaluate((e) => getComputedStyle(e).color)).toBe('rgb(179, 38, 30)');

    await h.screen(page, 'labs-01-sheet');
    // At 1280×800, at least five days are visible beside the sticky test columns.
    const visibleDays = await page.getByTestId('lab-table-scroll').evaluate((scroll) => {
      const box = scroll.getBoundingClientRect();
      const sticky = scroll.querySelector('thead .lab-range')?.getBoundingClientRect().right ?? box.left;
      return Array.from(scroll.querySelectorAll('thead .lab-day')).filter((th) => {
        const r = th.getBoundingClientRect();
        return r.left >= sticky - 1 && r.right <= box.right + 1;
      }).length;
    });
    expect(visibleDays).toBeGreaterThanOrEqual(5);
    // Newest first.
    const days = await page
      .locator('thead .lab-day')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-day') ?? ''));
    expect(days).toEqual([...days].sort().reverse());
  });

  it('prints every date the sheet shows: a few dates per table, the test columns repeated, none cut at the edge', async () => {
    const page = await h.session('clinic.doctor');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${patientUrl(h.patients.consented)}?tab=labs`);
    await page.locator('[data-testid="lab-table"]').waitFor();
    await settled(page);
    const days = await page
      .locator('thead .lab-day')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-day') ?? ''));
    expect(days.length).toBeGreaterThan(8);
    const pdf = await printed(page, 'labs-sheet');
    if (!pdf) return;
    const text = pdf.pages.join('\n');
    // One part per eight dates, each headed by its range (oldest 〜 newest).
    const parts = text.match(/\d{4}\/\d{2}\/\d{2}\s*〜\s*\d{4}\/\d{2}\/\d{2}\s*の結果/g) ?? [];
    expect(parts).toHaveLength(Math.ceil(days.length / 8));
    // Every date's column made it onto paper (a cut table loses the right-hand dates).
    const body = text.replace(/\d{4}\/\d{2}\/\d{2}\s*〜\s*\d{4}\/\d{2}\/\d{2}\s*の結果/g, '');
    const needed = new Map<string, number>();
    for (const d of days)
      needed.set(d.slice(5).replace('-', '/'), (needed.get(d.slice(5).replace('-', '/')) ?? 0) + 1);
    for (const [md, n] of needed) expect(body.split(md).length - 1, md).toBeGreaterThanOrEqual(n);
    // The test names stand beside every part.
    expect(body.split('HbA1c').length - 1).toBeGreaterThanOrEqual(parts.length);
    expect(text).not.toContain('さらに過去の結果を表示');
  });

  /**
   * The consented patient's test with results from the most hospitals: HbA1c when it is among them
   * (a diabetes followed at two places), else the most results (a blood count of every admission).
   */
  async function sharedTest(): Promise<{ code: string; facilities: number }> {
    const at = new Map<string, { facilities: Set<string>; results: number }>();
    for (const { gateway, facility, oid } of h.network.gateways) {
      const localId = h.patients.consented.localIds[facility.key];
      if (!localId) continue;
      const rows = await gateway.store.db
        .selectFrom('gw_resource')
        .select(['code', (eb) => eb.fn.countAll<string | number>().as('n')])
        .where('patient_id', '=', localId)
        .where('resource_type', '=', 'Observation')
        .where('category', '=', 'lab-result')
        .groupBy('code')
        .execute();
      for (const r of rows) {
        if (!r.code) continue;
        const t = at.get(r.code) ?? { facilities: new Set<string>(), results: 0 };
        t.facilities.add(oid);
        t.results += Number(r.n);
        at.set(r.code, t);
      }
    }
    const [code, t] =
      [...at].sort(
        ([a, x], [b, y]) =>
          y.facilities.size - x.facilities.size ||
          Number(b === HBA1C_JLAC10) - Number(a === HBA1C_JLAC10) ||
          y.results - x.results,
      )[0] ?? [];
    return { code: code ?? '', facilities: t?.facilities.size ?? 0 };
  }

  it('charts a test as one series across every hospital, and overlays a second test', async () => {
    const page = await h.session('clinic.doctor');
    await page.setViewportSize({ width: 1280, height: 800 });
    const shared = await sharedTest();
    expect(shared.facilities).toBeGreaterThanOrEqual(2);
    const button = page.getByTestId(`lab-test-${shared.code}`).first();
    const name = ((await button.textContent()) ?? '').trim();
    await button.click();
    const chart = page.locator('[data-testid="lab-chart"][data-rendered="true"]').first();
    await chart.waitFor();
    expect(await chart.getAttribute('aria-label')).toContain(name);
    expect(await chart.getAttribute('data-series')).toBe('1');
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThanOrEqual(2);
    // Every hospital of the series is in the legend, each with its own marker.
    const legend = await page
      .getByTestId('lab-chart-panel')
      .getByTestId('lab-facility-legend')
      .getByRole('listitem')
      .allTextContents();
    expect(legend.length).toBe(shared.facilities);
    expect(new Set(legend.map((l) => l.slice(0, 1))).size).toBe(legend.length);

    // A second test on its own axis: still one line per test.
    await page.getByTestId('lab-overlay').click();
    await page.getByRole('option').filter({ hasNotText: name }).first().click();
    await expect.poll(() => chart.getAttribute('data-series'), { timeout: 20_000 }).toBe('2');
    await settled(page);
    await h.screen(page, 'labs-02-chart-overlay');

    // On an iPad the chart is its own view (table | chart).
    await page.setViewportSize({ width: 768, height: 1024 });
    await page
      .locator('label')
      .filter({ hasText: /^グラフ$/ })
      .click();
    await page.locator('[data-testid="lab-chart"][data-rendered="true"]').first().waitFor();
    expect(await page.locator('[data-testid="lab-chart"]').getAttribute('data-series')).toBe('2');
    await h.screen(page, 'labs-03-chart-view');
  });

  it('switches to English: panels and the chart speak English, values unchanged', async () => {
    const page = await h.session('clinic.doctor');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByText('English', { exact: true }).click();
    await page.getByTestId('lab-table').getByText('Blood count', { exact: true }).waitFor();
    await settled(page);
    await h.screen(page, 'labs-04-english');
    await page.getByText('日本語', { exact: true }).click();
    await page.getByTestId('lab-table').getByText('血算', { exact: true }).waitFor();
    await h.expectAccessible('labs', 4);
  });
});
