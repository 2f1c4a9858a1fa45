/**
 * お薬手帳QR取込 (issue 13): きびだんご薬局's pharmacist scans the お薬手帳 QR codes the pharmacy system
 * printed. Chromium's fake camera shows a notebook split into two codes (Shift_JIS, Kanji + byte mode, as
 * printed): first one code, then both side by side; the screen reads them, says whose notebook it is and
 * that it is complete, and imports it as a new patient of the pharmacy. The same way by text (a pasted
 * code, a 2D-code reader typing) for a patient the pharmacy already has: a hospital doctor then sees that
 * dispensing in the patient's 処方 tab 「調剤（薬局）」. A photo of another pharmacy's notebook and a code
 * that is not JAHIS are refused with the repository's reasons; a doctor is offered no such screen.
 * Screenshots at three sizes, axe 0 serious.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, newContext, settled } from './browser';
import { skipReason, useHarness } from './harness';
import { qrPng, writeY4m } from './qr-camera';

const crlf = (lines: readonly string[]) => lines.join('\r\n');

/** きびだんご薬局 (3340107899 = 33 / 4 / 0107899), as in the demo's notebookFor. */
const PHARMACY = '11,きびだんご薬局,33,4,0107899,,,,1';

interface NotebookPerson {
  name: string;
  kana: string;
  /** YYYYMMDD */
  birth: string;
  sex: 1 | 2;
}

/** A notebook of one dispensing, laid out as packages/demo's notebookFor. */
function notebookLines(p: NotebookPerson, date: string, pharmacy = PHARMACY): string[] {
  return [
    'JAHISTC08,1',
    `1,${p.name},${p.sex},${p.birth},,,,,,,${p.kana}`,
    `5,${date},1`,
    pharmacy,
    '15,吉備 薫,,1',
    '51,ももたろう内科クリニック,33,1,0101237,1',
    '55,桃井 一郎,内科,1',
    '201,1,ｱﾑﾛｼﾞﾋﾟﾝOD錠5mg「ﾄｰﾜ」,1,錠,2,622224101,1,,,',
    '301,1,【分１ 朝食後服用】,28,日分,1,1,,1',
    '201,2,ランソプラゾールＯＤ錠１５ｍｇ,1,錠,4,2329023F2020,1,,,',
    '301,2,【分１ 朝食後服用】,28,日分,1,1,,1',
    '401,グレープフルーツジュースと一緒に飲まないでください。,1',
  ];
}

/** The notebook as two codes (3.2.9(3)): the version record first in each, a 911 last. */
function splitInTwo(lines: readonly string[], dataId: string): [string, string] {
  const [version, ...records] = lines;
  return [
    crlf([version!, ...records.slice(0, 6), `911,${dataId},2,1`]),
    crlf([version!, ...records.slice(6), `911,${dataId},2,2`]),
  ];
}

/** A new patient of the pharmacy: no one in the demo has this name and birth date. */
const NEW_PATIENT: NotebookPerson = { name: '桃山 小春', kana: 'モモヤマ コハル', birth: '19620815', sex: 2 };
const NEW_PARTS = splitInTwo(notebookLines(NEW_PATIENT, '20261120'), '20261120093000');

/** Sends a paste event with this text to the element (what the clipboard gives the page). */
async function pasteInto(page: Page, testId: string, text: string) {
  await page.getByTestId(testId).evaluate((el, value) => {
    const data = new DataTransfer();
    data.setData('text/plain', value);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

describe.skipIf(skipReason !== null)('お薬手帳QR取込 (a pharmacist scans お薬手帳 QR codes)', () => {
  const h = useHarness();
  let dir: string | undefined;
  let camera: Browser | undefined;
  let page: Page | undefined;
  const pharmacist = () => {
    if (!page) throw new Error('the pharmacist’s page is not open');
    return page;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hie-notebook-'));
    const video = join(dir, 'notebook.y4m');
    // 6 s of the first code alone (the screen says the second is missing), then both side by side.
    await writeY4m(video, [
      { codes: [NEW_PARTS[0]], frames: 30 },
      { codes: NEW_PARTS, frames: 10 },
    ]);
    camera = await launch([
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ]);
    const context = await newContext(camera, h.network.hubUrl);
    await context.grantPermissions(['camera']);
    page = await context.newPage();
    await login(page, h.user('pharmacist'));
  });

  afterAll(async () => {
    await camera?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const pharmacyOid = () => h.user('pharmacist').facilityOid;
  const pharmacyStore = () => h.network.repository.repository.tenants.storeOf(pharmacyOid());
  const dispensesOf = async (patientId: string) =>
    (
      await pharmacyStore()
        .db.selectFrom('gw_resource')
        .select(['id'])
        .where('resource_type', '=', 'MedicationDispense')
        .where('patient_id', '=', patientId)
        .execute()
    ).length;

  it('the camera reads a split notebook (one code, then both side by side) and imports it as a new patient', async () => {
    const p = pharmacist();
    // The menu offers the screen to the pharmacist.
    await p
      .getByRole('navigation', { name: 'メインメニュー' })
      .getByRole('link', { name: 'お薬手帳QR取込' })
      .click();
    await p.getByRole('heading', { name: 'お薬手帳QR取込', level: 1 }).waitFor();
    await expect.poll(() => p.getByTestId('notebook-count').textContent()).toBe('0 枚読取済');
    await settled(p);
    await h.screen(p, 'notebook-01-start');

    await p.getByRole('button', { name: 'カメラで読み取る' }).click();
    await p.getByTestId('notebook-scanning').waitFor();
    // The first code alone: whose notebook, and what is still missing.
    await p.getByTestId('notebook-state').and(p.locator('[data-state="incomplete"]')).waitFor();
    expect(await p.getByTestId('notebook-state').textContent()).toContain('2 枚のうち 2 枚目がまだです');
    // Shift_JIS read right: the patient's name in kanji, the reading in katakana.
    expect(await p.getByTestId('notebook-patient').textContent()).toContain('桃山 小春（モモヤマ コハル）');
    expect(await p.getByTestId('notebook-patient').textContent()).toContain(
      '1962/08/15（昭和37年8月15日）生',
    );
    await h.screen(p, 'notebook-02-camera-first-code');

    // Then both codes at once: complete, and the camera stops by itself.
    await p
      .getByTestId('notebook-state')
      .and(p.locator('[data-state="complete"]'))
      .waitFor({ timeout: 30_000 });
    expect(await p.getByTestId('notebook-count').textContent()).toBe('2 枚読取済');
    await p.getByText('QRコードがそろったのでカメラを止めました。').waitFor();
    expect(await p.getByText('2026/11/20　きびだんご薬局').count()).toBe(1);
    await h.screen(p, 'notebook-03-complete');

    await p.getByTestId('notebook-import').click();
    const done = p.getByTestId('notebook-done');
    await done.getByText('取り込みました: 調剤 1 件').waitFor();
    const text = (await done.textContent()) ?? '';
    expect(text).toContain('新しい患者さんとして登録しました');
    const patientId = /患者番号 ([0-9A-Za-z-]+)/.exec(text)?.[1];
    expect(patientId).toBeTruthy();
    expect(await p.getByTestId('notebook-count').textContent()).toBe('0 枚読取済');
    await h.screen(p, 'notebook-04-imported');
    // In the pharmacy's tenant: the patient and the dispensing's two drugs.
    expect(await dispensesOf(patientId!)).toBe(2);
    const patient = await pharmacyStore()
      .db.selectFrom('gw_patient')
      .select(['name_kanji', 'birth_date'])
      .where('patient_id', '=', patientId!)
      .executeTakeFirstOrThrow();
    expect(patient.name_kanji?.replace(/[\s\u3000]/g, '')).toBe('桃山小春');
    expect(patient.birth_date).toBe('1962-08-15');
  });

  it('by text (a pasted code, a 2D-code reader typing): a patient the pharmacy has; a hospital doctor sees the dispensing', async () => {
    const p = pharmacist();
    // One of the pharmacy's consented patients (the demo imported their notebooks), as the index knows them.
    const hubDb = h.network.hub.store.db;
    const records = await hubDb
      .selectFrom('mpi_record')
      .innerJoin('hub_consent', (j) =>
        j
          .onRef('hub_consent.facility_oid', '=', 'mpi_record.facility_oid')
          .onRef('hub_consent.local_id', '=', 'mpi_record.local_id'),
      )
      .select(['mpi_record.person_id', 'mpi_record.local_id', 'mpi_record.name_kana'])
      .where('mpi_record.facility_oid', '=', pharmacyOid())
      .where('hub_consent.status', '=', 'active')
      .where('hub_consent.scope', '=', 'all')
      .orderBy('mpi_record.local_id')
      .execute();
    const withDispenses = [];
    for (const r of records) if ((await dispensesOf(r.local_id)) > 0) withDispenses.push(r);
    const chosen = withDispenses[0];
    if (!chosen) throw new Error('the demo pharmacy has no consented patient with dispensings');
    const row = await pharmacyStore()
      .db.selectFrom('gw_patient')
      .select(['name_kanji', 'birth_date', 'sex'])
      .where('patient_id', '=', chosen.local_id)
      .executeTakeFirstOrThrow();
    const person: NotebookPerson = {
      name: (row.name_kanji ?? '').replace(/\u3000/g, ' '),
      kana: (chosen.name_kana ?? '').replace(/\u3000/g, ' '),
      birth: (row.birth_date ?? '').replaceAll('-', ''),
      sex: row.sex === 'female' || row.sex === 'F' ? 2 : 1,
    };
    const before = await dispensesOf(chosen.local_id);
    const [first, second] = splitInTwo(notebookLines(person, '20261125'), '20261125101500');

    await p.getByRole('tab', { name: 'テキスト入力' }).click();
    // Pasted: added at once. The second part typed by a reader (LF line ends), added with the button.
    await pasteInto(p, 'notebook-paste', first);
    await expect.poll(() => p.getByTestId('notebook-count').textContent()).toBe('1 枚読取済');
    await p.getByTestId('notebook-paste').fill(second.replaceAll('\r\n', '\n'));
    await p.getByRole('button', { name: '追加', exact: true }).click();
    await expect.poll(() => p.getByTestId('notebook-count').textContent()).toBe('2 枚読取済');
    // The same code pasted again is not counted twice.
    await pasteInto(p, 'notebook-paste', first);
    expect(await p.getByTestId('notebook-count').textContent()).toBe('2 枚読取済');
    await p.getByTestId('notebook-state').and(p.locator('[data-state="complete"]')).waitFor();
    await p.getByTestId('notebook-import').click();
    const done = p.getByTestId('notebook-done');
    await done.getByText('取り込みました: 調剤 1 件').waitFor();
    expect(await done.textContent()).toContain(
      `登録済みの患者さん（患者番号 ${chosen.local_id}）に取り込みました`,
    );
    expect(await dispensesOf(chosen.local_id)).toBe(before + 2);

    // A hospital doctor: the patient's 処方 tab, 「調剤（薬局）」, has the dispensing of 2026-11-25.
    const doctor = await h.session('ouh.doctor');
    await doctor.goto(`/patients/${encodeURIComponent(chosen.person_id)}?tab=medications`);
    await doctor.getByTestId('patient-name').waitFor();
    await doctor.getByTestId('meds-view').getByText('調剤（薬局）').click();
    const card = doctor.getByTestId('dispensing-card').filter({ hasText: '2026/11/25' });
    await card.waitFor();
    expect(await card.textContent()).toContain('きびだんご薬局');
    expect(await card.textContent()).toContain('ランソプラゾール');
  });

  it('two patients match the notebook: the pharmacist chooses whose it is', async () => {
    const p = pharmacist();
    // The front desk registered the same person twice (two chart numbers).
    const twin: NotebookPerson = { name: '吉備 双葉', kana: 'キビ フタバ', birth: '19880303', sex: 2 };
    const csrf = ((await (await p.request.get('/api/v1/auth/session')).json()) as { csrfToken: string })
      .csrfToken;
    for (const patientId of ['NB-TWIN-1', 'NB-TWIN-2']) {
      const res = await p.request.post(`/api/v1/entries/${encodeURIComponent(pharmacyOid())}/patients`, {
        headers: { 'x-csrf-token': csrf },
        data: {
          patientId,
          familyName: '吉備',
          givenName: '双葉',
          familyKana: 'キビ',
          givenKana: 'フタバ',
          birthDate: '1988-03-03',
          sex: 'female',
        },
      });
      expect(res.status(), await res.text()).toBe(200);
    }
    await p.getByRole('button', { name: '次の手帳を読み取る' }).click();
    await pasteInto(p, 'notebook-paste', crlf(notebookLines(twin, '20261201')));
    await p.getByTestId('notebook-import').click();
    const ambiguous = p.getByTestId('notebook-ambiguous');
    await ambiguous.getByText('どの患者さんの手帳か選んでください').waitFor();
    await h.screen(p, 'notebook-07-choose-patient');
    await ambiguous.getByRole('radio', { name: 'NB-TWIN-2' }).check();
    await ambiguous.getByRole('button', { name: 'この患者に取り込む' }).click();
    const done = p.getByTestId('notebook-done');
    await done.getByText('取り込みました: 調剤 1 件').waitFor();
    expect(await done.textContent()).toContain('登録済みの患者さん（患者番号 NB-TWIN-2）に取り込みました');
    expect(await dispensesOf('NB-TWIN-2')).toBe(2);
    expect(await dispensesOf('NB-TWIN-1')).toBe(0);
  });

  it('refuses another pharmacy’s notebook (a photo) and a code that is not JAHIS, with the reasons', async () => {
    const p = pharmacist();
    await p.getByRole('button', { name: '次の手帳を読み取る' }).click();
    // A photo of a notebook whose dispensing is by another pharmacy: nothing of it is this pharmacy's.
    const elsewhere = crlf(
      notebookLines(NEW_PATIENT, '20261118', '11,はれやか薬局 駅前店,33,4,0100001,,,,1'),
    );
    const photo = join(dir!, 'elsewhere.png');
    await writeFile(photo, await qrPng(elsewhere));
    await p.getByRole('tab', { name: '写真から' }).click();
    const chooser = p.waitForEvent('filechooser');
    await p.getByTestId('notebook-photo').click();
    await (await chooser).setFiles(photo);
    await p.getByText('elsewhere.png: QRコード 1 個を読み取りました').waitFor();
    expect(await p.getByTestId('notebook-count').textContent()).toBe('1 枚読取済');
    await p.getByTestId('notebook-import').click();
    const refused = p.getByTestId('notebook-refused');
    await refused.getByText('取り込めませんでした（何も取り込んでいません）').waitFor();
    expect(await refused.locator('[data-code="otc-other-facility"]').textContent()).toContain(
      'この手帳にはきびだんご薬局（3340107899）の調剤がありません',
    );
    await h.screen(p, 'notebook-05-other-pharmacy');

    // A web address pasted (what a reader gives for the pharmacy's own QR code): marked, then refused.
    await p.getByRole('button', { name: 'すべて消去' }).click();
    await p.getByRole('tab', { name: 'テキスト入力' }).click();
    await pasteInto(p, 'notebook-paste', 'https://kibidango.example.jp/');
    await p.getByTestId('notebook-state').and(p.locator('[data-state="not-jahis"]')).waitFor();
    await p.getByTestId('notebook-import').click();
    await refused.locator('[data-code="otc-not-jahis"]').waitFor();
    expect(await refused.textContent()).toContain('JAHIS電子版お薬手帳のQRコードではありません');
    await h.screen(p, 'notebook-06-not-jahis');

    // In English: the screen, and the repository's reason in its English words.
    await p.locator('label', { hasText: 'English' }).click();
    await p.getByRole('heading', { name: 'Scan お薬手帳 QR codes', level: 1 }).waitFor();
    expect(await refused.textContent()).toContain('Not imported (nothing was imported)');
    expect(await refused.locator('[data-code="otc-not-jahis"]').textContent()).toContain(
      'not a JAHIS 電子版お薬手帳 code',
    );
    await p.getByRole('tab', { name: 'Camera' }).waitFor();
    await p.locator('label', { hasText: '日本語' }).click();
    await p.getByRole('heading', { name: 'お薬手帳QR取込', level: 1 }).waitFor();
  });

  it('is not offered to a doctor, and says so when opened by its address', async () => {
    const doctor = await h.session('ouh.doctor');
    await doctor.goto('/okusuri-techo');
    await doctor.getByText('お薬手帳の取込は、この薬局の薬剤師のみ行えます。').waitFor();
    expect(await doctor.getByRole('link', { name: 'お薬手帳QR取込' }).count()).toBe(0);
  });

  it('has no serious accessibility violation on its screens', async () => {
    await h.expectAccessible('notebook', 7);
  });
});
