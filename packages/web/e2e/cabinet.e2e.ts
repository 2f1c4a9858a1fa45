/**
 * ケアキャビネット (issue 14): in もも脳ネット, 桃山 ウメ's team. The visiting nurse writes a 訪問看護記録
 * (SOAP, vitals, a wound photo); the home-visit doctor sees it in the 看護 column of the 4-column
 * timeline with the photo and answers it from the 医師 column; the care manager adds a weekly service to
 * the 予定表; the nurse draws the 仙骨部褥瘡 schema and compares it with the earlier drawings. In 旭 ハル's
 * cabinet a member withdraws the consent: the team sees 同意撤回 instead of the posts. Screenshots at
 * three sizes (and the timeline at a phone's), axe 0 serious.
 */
import { execFileSync } from 'node:child_process';
import { createECDH, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settled } from './browser';
import {
  choose,
  openCabinet,
  openComposer,
  openTab,
  phoneShot,
  segment,
  selectInput,
  setChip,
  shoot,
} from './cabinet-helpers';
import { skipReason, useHarness } from './harness';

const UME = '桃山 ウメ';
const HARU = '旭 ハル';
const REPLY = '創部の写真を確認しました。明日の往診で診察します。';
const SORE = '仙骨部褥瘡';

describe.skipIf(skipReason !== null)('ケアキャビネット (the home-care team of a patient)', () => {
  const h = useHarness();
  let dir: string | undefined;
  let photo = '';
  let umeUrl = '';

  beforeAll(() => {
    return mkdtemp(join(tmpdir(), 'hie-cabinet-')).then((made) => {
      dir = made;
      photo = join(made, 'wound.jpg');
      execFileSync(
        'ffmpeg',
        ['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=640x480', '-frames:v', '1', photo],
        { stdio: 'pipe' },
      );
    });
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the visiting nurse writes a 訪問看護記録 with vitals and a wound photo', async () => {
    const page = await h.session('vn.nurse');
    umeUrl = await openCabinet(page, UME);
    expect(await page.getByTestId('cabinet-patient').textContent()).toContain(UME);
    await page.goto('/cabinets');
    await page.getByTestId('cabinet-card').filter({ hasText: UME }).waitFor();
    expect(await page.getByTestId('cabinet-card').count()).toBe(3);
    await shoot(h, page, 'cabinet-01-list');

    await page.goto(umeUrl);
    await page.getByTestId('timeline-grid').waitFor();
    const form = await openComposer(page);
    await choose(page, form, 'テンプレート', '訪問看護記録');
    await form.getByTestId('template-inputs').waitFor();
    await form.getByRole('textbox', { name: '体温', exact: true }).fill('37.8');
    await form.getByRole('textbox', { name: '収縮期血圧', exact: true }).fill('138');
    await form.getByRole('textbox', { name: '拡張期血圧', exact: true }).fill('82');
    await form.getByRole('textbox', { name: 'SpO2', exact: true }).fill('96');
    await form.getByRole('textbox', { name: 'S（主観）' }).fill('お尻が少し痛いとのこと。');
    await form.getByRole('textbox', { name: 'O（客観）' }).fill('仙骨部に発赤と浅い潰瘍あり。微熱あり。');
    await form.getByRole('textbox', { name: 'A（評価）' }).fill('褥瘡（d2）。発熱の経過観察が必要。');
    await form.getByRole('textbox', { name: 'P（計画）' }).fill('主治医へ報告する。写真を添付。');
    await page.getByTestId('attach-photo-input').setInputFiles(photo);
    await form.locator('[data-testid="upload-item"][data-phase="ready"]').waitFor({ timeout: 30_000 });
    await shoot(h, page, 'cabinet-02-composer', false);
    await form.getByTestId('composer-submit').click();
    await form.waitFor({ state: 'detached' });
    await page.getByRole('status').getByText('投稿しました。').waitFor();

    const mine = page.getByTestId('post-card').filter({ hasText: '体温 37.8 ℃' });
    await mine.waitFor();
    const text = (await mine.textContent()) ?? '';
    // Systolic and diastolic typed apart, read as one blood pressure.
    expect(text).toContain('血圧 138/82 mmHg');
    expect(text).toContain('SpO2 96 %');
    expect(text).toContain('訪問看護記録');
  });

  it('the doctor sees it in the 看護 column with the photo and answers from the 医師 column', async () => {
    const page = await h.session('clinic.doctor');
    await openCabinet(page, UME);
    const grid = page.getByTestId('timeline-grid');
    await grid.waitFor();
    expect(await grid.locator('> div').first().textContent()).toBe('医師看護リハ・薬剤介護');
    const post = grid
      .locator('[data-column="nursing"]')
      .getByTestId('post-card')
      .filter({ hasText: '体温 37.8 ℃' });
    await post.waitFor();
    expect(await post.textContent()).toContain(h.user('vn.nurse').name);
    // The photo's thumbnail is there, and loaded.
    const thumb = post.getByTestId('attachment-image').locator('img');
    await thumb.waitFor();
    await expect
      .poll(() => thumb.evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 15_000 })
      .toBeGreaterThan(0);

    await post.getByRole('button', { name: '返信', exact: true }).click();
    const form = page.getByTestId('composer');
    await form
      .getByTestId('composer-reply-to')
      .getByText(h.user('vn.nurse').name, { exact: false })
      .waitFor();
    await segment(form, '自由記載');
    await form.getByRole('textbox', { name: '本文' }).fill(REPLY);
    await form.getByTestId('composer-submit').click();
    await form.waitFor({ state: 'detached' });
    const reply = grid.locator('[data-column="doctor"]').getByTestId('post-card').filter({ hasText: REPLY });
    await reply.waitFor();
    expect(await reply.getByTestId('post-reply-to').textContent()).toContain(h.user('vn.nurse').name);
    // One reply card (the nurse's post lists it in its thread, collapsed), in the doctor's column.
    const replies = grid.getByTestId('post-card').filter({ has: page.getByTestId('post-reply-to') });
    expect(await replies.filter({ hasText: REPLY }).count()).toBe(1);
    await post.getByTestId('post-replies').waitFor();
    await shoot(h, page, 'cabinet-03-timeline');
    // A phone has the plain feed instead of the columns (what a nurse at the bedside reads).
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId('timeline-grid').waitFor({ state: 'detached' });
    await page
      .getByTestId('post-card')
      .filter({ has: page.getByTestId('post-reply-to'), hasText: REPLY })
      .waitFor();
    await phoneShot(page, 'cabinet-03-timeline');
  });

  it('the care manager adds 訪問介護 every Monday and Thursday to the 予定表', async () => {
    const page = await h.session('caremanager');
    await openCabinet(page, UME);
    await openTab(page, '予定表');
    const grid = page.getByTestId('schedule-grid');
    await grid.getByTestId('schedule-chip').first().waitFor();
    const month = await page.getByRole('heading', { level: 2, name: /^\d{4}年\d{1,2}月$/ }).textContent();
    const [, y, m] = /^(\d{4})年(\d{1,2})月$/.exec(month ?? '') ?? [];
    const first = `${y}-${String(m).padStart(2, '0')}-01`;

    await page.getByTestId('schedule-add').click();
    const form = page.getByTestId('schedule-form');
    await form.waitFor();
    await choose(page, form, '種別', '訪問介護');
    const helper = h.user('helper');
    await choose(page, form, '担当者', new RegExp(`^${helper.name}`));
    await form.getByRole('radio', { name: '毎週' }).check();
    await form.getByLabel('開始日').fill(first);
    await form.getByLabel(/^開始(\s*\*)?$/).fill('13:00');
    await form.getByLabel(/^終了(\s*\*)?$/).fill('13:45');
    for (let w = 0; w < 7; w++)
      await setChip(page, form.getByTestId(`schedule-weekday-${w}`), w === 1 || w === 4);
    await form.getByRole('textbox', { name: 'メモ' }).fill('昼食介助・服薬の声かけ（ケアプラン変更）');
    await form.getByTestId('schedule-save').click();
    await form.waitFor({ state: 'detached' });

    const name = `13:00–13:45 訪問介護 ${helper.name}`;
    const chips = grid.getByRole('button', { name, exact: true });
    await chips.first().waitFor();
    // Every Monday and Thursday of the month (8 or 9 of them), and only those days.
    const weekdays = await chips.evaluateAll((els) =>
      els.map((el) => {
        const cell = el.closest('[role="gridcell"]');
        return cell?.parentElement ? Array.from(cell.parentElement.children).indexOf(cell) : -1;
      }),
    );
    expect(weekdays.length).toBeGreaterThanOrEqual(8);
    expect(new Set(weekdays)).toEqual(new Set([1, 4]));
    await shoot(h, page, 'cabinet-04-schedule');
  });

  it('the nurse draws the 仙骨部褥瘡 schema and compares it with the earlier drawings', async () => {
    const page = await h.session('vn.nurse');
    await page.goto(umeUrl);
    await page.getByTestId('timeline-grid').waitFor();
    const form = await openComposer(page);
    await form.getByTestId('attach-drawing').click();
    const editor = page.getByRole('dialog', { name: 'シェーマを描く' });
    await editor.waitFor();
    expect(await selectInput(editor, '部位の図').inputValue()).toBe('仙骨部・臀部');
    await editor.getByLabel(/^名称（経過を比べる単位）/).fill(SORE);
    await page.keyboard.press('Escape');
    const canvas = editor.getByRole('img', { name: /^仙骨部・臀部 — / });
    await canvas.waitFor();
    await settled(page);
    const box = await canvas.boundingBox();
    if (!box) throw new Error('the schema canvas has no box');
    // A ring around the sacrum, drawn with the mouse.
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height * 0.55;
    const r = Math.min(box.width, box.height) * 0.06;
    await page.mouse.move(cx + r, cy);
    await page.mouse.down();
    for (let k = 1; k <= 24; k++) {
      const a = (k / 24) * 2 * Math.PI;
      await page.mouse.move(cx + r * Math.cos(a), cy + r * 0.8 * Math.sin(a), { steps: 2 });
    }
    await page.mouse.up();
    await expect.poll(() => editor.getByRole('button', { name: '元に戻す' }).isEnabled()).toBe(true);
    await editor.getByRole('button', { name: '保存', exact: true }).click();
    await editor.waitFor({ state: 'detached', timeout: 30_000 });
    await form.getByTestId('composer-drawings').waitFor();

    await segment(form, '自由記載');
    await form.getByRole('textbox', { name: '本文' }).fill('仙骨部の潰瘍は前回と同程度。シェーマに記載。');
    await form.getByTestId('composer-submit').click();
    await form.waitFor({ state: 'detached' });

    await openTab(page, 'シェーマ');
    const series = page.getByTestId('drawing-series').filter({ hasText: SORE });
    await series.getByText('3件').waitFor();
    await series.getByRole('button', { name: '比較' }).click();
    const compare = page.getByRole('dialog', { name: 'シェーマ比較' });
    const drawings = compare.getByRole('img', { name: new RegExp(`^${SORE} `) });
    await drawings.nth(1).waitFor();
    // Side by side, each loaded: today's beside the one of 3 days ago (the newest two).
    await expect
      .poll(() =>
        drawings.evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth > 0).length),
      )
      .toBeGreaterThanOrEqual(2);
    const [a, b] = [await drawings.nth(0).boundingBox(), await drawings.nth(1).boundingBox()];
    if (!a || !b) throw new Error('the compared drawings have no box');
    expect(Math.abs(a.y - b.y)).toBeLessThan(a.height / 2);
    expect(a.x).not.toBe(b.x);
    expect(await compare.getByText('基準').count()).toBe(1);
    await compare.getByText('3日後').waitFor();
    await shoot(h, page, 'cabinet-05-drawing-compare', false);
    await page.keyboard.press('Escape');
    await compare.waitFor({ state: 'detached' });
  });

  it('a withdrawn consent closes the cabinet: the team sees 同意撤回 instead of the posts', async () => {
    const nurse = await h.session('vn.nurse');
    const url = await openCabinet(nurse, HARU);
    await nurse.getByTestId('post-card').first().waitFor();
    await openTab(nurse, 'メンバー・同意');
    await nurse.getByTestId('consent-withdraw').click();
    const dialog = nurse.getByRole('dialog', { name: '同意を撤回する' });
    await dialog.getByRole('textbox', { name: '撤回理由' }).fill('ご家族より電話で撤回の申し出（長女）');
    await dialog.getByRole('checkbox').check();
    await dialog.getByRole('button', { name: '同意を撤回する' }).click();
    await dialog.waitFor({ state: 'detached' });
    await nurse.getByTestId('cabinet-refused').waitFor();
    expect(await nurse.getByTestId('access-reason').textContent()).toBe('同意撤回');

    // The owner (the doctor) sees the refusal, and no post, by the list and by the address.
    const doctor = await h.session('clinic.doctor');
    await doctor.goto('/cabinets');
    // The patient's name is no longer shown either: the card is found by the cabinet's id.
    const id = decodeURIComponent(url.split('/').pop() ?? '');
    const card = doctor.locator(`[data-testid="cabinet-card"][data-cabinet-id="${id}"]`);
    expect(await card.getByTestId('access-reason').textContent()).toBe('同意撤回');
    expect(await card.getByTestId('cabinet-link').count()).toBe(0);
    await doctor.goto(url);
    await doctor.getByTestId('cabinet-refused').waitFor();
    expect(await doctor.getByTestId('access-reason').getAttribute('data-reason')).toBe('consent-withdrawn');
    expect(await doctor.getByTestId('post-card').count()).toBe(0);
    expect(await doctor.getByTestId('timeline-grid').count()).toBe(0);
    await shoot(h, doctor, 'cabinet-06-withdrawn');
    // The other cabinets are untouched.
    await doctor.goto(umeUrl);
    await doctor.getByTestId('timeline-grid').waitFor();
  });

  it('the care manager turns on notifications for her iPad: the device is listed, a push shows only a count', async () => {
    const page = await h.session('caremanager');
    const origin = new URL(h.network.hubUrl).origin;
    await page.context().grantPermissions(['notifications'], { origin });
    // Headless Chromium has no push service to subscribe at offline: the browser's PushManager answers
    // with a subscription at FCM (a real P-256 key), and the rest is real — the service worker, the
    // hub's registration, its attempt to push, the device list.
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    await page.addInitScript(
      ({ p256dh, auth }) => {
        let current: unknown = null;
        const fake = (key: ArrayBuffer) => ({
          endpoint: 'https://fcm.googleapis.com/fcm/send/e2e-care-manager-ipad',
          expirationTime: null,
          options: { applicationServerKey: key, userVisibleOnly: true },
          toJSON: () => ({
            endpoint: 'https://fcm.googleapis.com/fcm/send/e2e-care-manager-ipad',
            expirationTime: null,
            keys: { p256dh, auth },
          }),
          unsubscribe: async () => {
            current = null;
            return true;
          },
        });
        PushManager.prototype.subscribe = async (options) => {
          current = fake(options?.applicationServerKey as ArrayBuffer);
          return current as PushSubscription;
        };
        PushManager.prototype.getSubscription = async () => current as PushSubscription | null;
      },
      { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
    );
    await page.goto('/cabinets');
    const panel = page.getByTestId('cabinet-push');
    await panel.getByText('この端末への通知').waitFor();
    expect(await panel.textContent()).toContain('患者名や投稿の内容は表示されません');
    await panel.getByRole('switch', { name: '新しい投稿をこの端末に通知する' }).click({ force: true });
    await panel.getByTestId('cabinet-push-devices').waitFor();
    expect(await panel.getByTestId('cabinet-push-devices').textContent()).toMatch(
      /Linux \(Chrome\) — この端末/,
    );
    await panel.getByTestId('cabinet-push-test').click();
    // No internet here (and no such FCM token anywhere): the hub tried, and says none was sent.
    await panel.getByTestId('cabinet-push-test-result').waitFor({ timeout: 20_000 });
    expect(await panel.getByTestId('cabinet-push-test-result').textContent()).toBe(
      '1 台中 0 台に送信しました。',
    );
    await panel.getByText('前回は送信できませんでした（プッシュサービスに接続できません）').waitFor();
    await panel.scrollIntoViewIfNeeded();
    await shoot(h, page, 'cabinet-09-push', false);

    // The service worker, as the push service would wake it: a count, shown as a notification.
    const cdp = await page.context().newCDPSession(page);
    const registration = new Promise<string>((resolve) => {
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const found = registrations.find((r: { scopeURL: string; isDeleted: boolean }) => !r.isDeleted);
        if (found) resolve(found.registrationId);
      });
    });
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin,
      registrationId: await registration,
      data: JSON.stringify({ v: 1, type: 'cabinet-unread', unread: 3, urgent: true }),
    });
    let shown: { title: string; body: string; tag: string }[] = [];
    for (let i = 0; i < 50 && shown.length === 0; i++) {
      await page.waitForTimeout(100);
      shown = await page.evaluate(async () =>
        (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
          title: n.title,
          body: n.body,
          tag: n.tag,
        })),
      );
    }
    expect(shown).toEqual([
      {
        title: 'ケアキャビネット：至急またはあなた宛ての投稿',
        body: '未読の投稿が 3 件あります。 / 3 unread',
        tag: 'hie-cabinet',
      },
    ]);
    await cdp.detach();

    await panel.getByRole('switch', { name: '新しい投稿をこの端末に通知する' }).click({ force: true });
    await panel.getByTestId('cabinet-push-devices').waitFor({ state: 'detached' });
  });

  it('has no serious accessibility violation on its screens', async () => {
    await h.expectAccessible('cabinet', 7);
  });
});
