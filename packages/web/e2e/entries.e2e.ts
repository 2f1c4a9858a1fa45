/**
 * 記録の入力 (issue 13, hand-made entries): ももたろう内科クリニック keeps its records in the network's
 * repository. Its doctor enters an allergy and a diagnosis for a patient who is also a hospital's
 * patient; a hospital doctor then sees both in the merged record with the clinic as their source. The
 * clinic's clerk is offered no clinical entry and the hub refuses a forged one; a correction is a new
 * version and a deletion keeps its reason. 患者登録 registers a new patient of the clinic (and tells a
 * hospital it is not for it). Screenshots at three sizes, axe 0 serious.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { settled } from './browser';
import { type Harness, skipReason, useHarness } from './harness';

interface Target {
  personId: string;
  /** The clinic's patient number of the person. */
  localId: string;
}

/**
 * A clinic patient who is also a patient of 岡山大学病院, consented there for every facility (and at
 * the clinic), read from the network's stores; of those, one the clinic has no 2型糖尿病 or
 * ペニシリン on record for, so what the hospital doctor sees can only be the hand-made entries.
 */
async function pickTarget(h: Harness): Promise<Target> {
  const clinicOid = h.user('clinic.doctor').facilityOid;
  const ouhOid = h.user('ouh.doctor').facilityOid;
  const db = h.network.hub.store.db;
  const consented = new Set(
    (
      await db
        .selectFrom('hub_consent')
        .select(['facility_oid', 'local_id'])
        .where('status', '=', 'active')
        .where('scope', '=', 'all')
        .execute()
    ).map((c) => `${c.facility_oid}|${c.local_id}`),
  );
  const clinicStore = h.network.repository.repository.tenants.storeOf(clinicOid);
  const candidates: (Target & { clean: boolean })[] = [];
  // The clinic's patients who are also the hospitals' (local ids 01001…), as the patient index linked them.
  for (const localId of [...h.network.repository.clinicPeople.keys()].sort()) {
    const clinicRecord = await db
      .selectFrom('mpi_record')
      .select(['person_id'])
      .where('facility_oid', '=', clinicOid)
      .where('local_id', '=', localId)
      .executeTakeFirst();
    if (!clinicRecord) continue;
    const ouh = await db
      .selectFrom('mpi_record')
      .select(['local_id'])
      .where('person_id', '=', clinicRecord.person_id)
      .where('facility_oid', '=', ouhOid)
      .executeTakeFirst();
    if (!ouh) continue;
    if (!consented.has(`${clinicOid}|${localId}`) || !consented.has(`${ouhOid}|${ouh.local_id}`)) continue;
    const rows = await clinicStore.db
      .selectFrom('gw_resource')
      .select(['json'])
      .where('patient_id', '=', localId)
      .where('resource_type', 'in', ['Condition', 'AllergyIntolerance'])
      .execute();
    const clean = !rows.some((r) => /2型糖尿病|ペニシリン/.test(r.json));
    candidates.push({ personId: clinicRecord.person_id, localId, clean });
  }
  const chosen = candidates.find((c) => c.clean) ?? candidates[0];
  if (!chosen)
    throw new Error(
      'no clinic patient is consented at 岡山大学病院 (packages/demo/src/repository.ts sharedPeople)',
    );
  return { personId: chosen.personId, localId: chosen.localId };
}

/** The screen as it stands, at the three sizes: from the top, without transitions (the window is resized). */
async function shoot(h: Harness, page: Page, name: string, top = true) {
  await page.addStyleTag({ content: '*, *::before, *::after { transition: none !important; }' });
  if (top) await page.evaluate(() => window.scrollTo(0, 0));
  await settled(page);
  await h.screen(page, name);
}

const entriesUrl = (t: Target) => `/patients/${encodeURIComponent(t.personId)}/entries`;

async function openEntries(page: Page, t: Target) {
  await page.goto(`/patients/${encodeURIComponent(t.personId)}`);
  await page.getByTestId('patient-name').waitFor();
  await page.getByTestId('open-entries').click();
  await page.getByTestId('entry-form').waitFor();
  await settled(page);
}

/** The entry card of the list whose headline is `text`. */
const card = (page: Page, text: string) =>
  page
    .getByTestId('entry')
    .filter({ has: page.getByTestId('entry-headline').getByText(text, { exact: true }) });

/** The hub's CSRF token of the page's session (what the app sends on every write). */
async function csrf(page: Page): Promise<string> {
  const res = await page.request.get('/api/v1/auth/session');
  return ((await res.json()) as { csrfToken: string }).csrfToken;
}

describe.skipIf(skipReason !== null)('記録の入力 (hand-made entries)', () => {
  const h = useHarness();
  let target: Target | undefined;
  const need = () => {
    if (!target) throw new Error('the first scenario did not run');
    return target;
  };

  it('the clinic doctor enters an allergy and a diagnosis, each checked in the browser and by the server', async () => {
    target = await pickTarget(h);
    const page = await h.session('clinic.doctor');
    await openEntries(page, target);
    await page.getByTestId('entries-record').getByText(target.localId).waitFor();
    // A doctor is offered アレルギー, 病名, 服薬中の薬, 診療メモ; not 服薬指導 (pharmacists).
    const tabs = await page.getByRole('tablist', { name: '入力する項目' }).getByRole('tab').allTextContents();
    expect(tabs).toEqual(['アレルギー', '病名', '服薬中の薬', '診療メモ']);

    // アレルギー: nothing typed → the substance is asked for beside its field.
    const form = page.getByRole('form', { name: 'アレルギー' });
    await form.getByRole('button', { name: '登録する' }).click();
    await expect
      .poll(() => form.getByRole('textbox', { name: '原因物質' }).getAttribute('aria-invalid'))
      .toBe('true');
    expect(await form.getByText('入力してください', { exact: true }).count()).toBe(1);
    await form.getByRole('textbox', { name: '原因物質' }).fill('ペニシリン');
    await form.getByRole('textbox', { name: '症状' }).fill('発疹');
    await form.getByRole('radio', { name: '高', exact: true }).check();
    await form.getByRole('button', { name: '登録する' }).click();
    await page.getByTestId('entry-saved').getByText('アレルギーを登録しました。').waitFor();
    await card(page, 'ペニシリン').waitFor();
    expect(await card(page, 'ペニシリン').textContent()).toContain('発疹');
    expect(await card(page, 'ペニシリン').textContent()).toContain('重症度 高');
    // The patient's allergy banner on this page has it at once.
    await page.getByTestId('allergy-item').filter({ hasText: 'ペニシリン' }).waitFor();

    // 病名: 治癒 without its end date, and no name → both said beside their fields.
    await page.getByRole('tab', { name: '病名' }).click();
    const dx = page.getByRole('form', { name: '病名' });
    await dx.getByRole('radio', { name: '治癒' }).check();
    await dx.getByRole('button', { name: '登録する' }).click();
    await dx.getByText('治癒の場合は終了日を入力してください').waitFor();
    await dx.getByText('入力してください', { exact: true }).waitFor();
    await shoot(h, page, 'entries-02-diagnosis-problems', false);
    await dx.getByRole('textbox', { name: 'ICD-10コード' }).fill('E11,9');
    await dx.getByRole('textbox', { name: '病名' }).fill('2型糖尿病');
    await dx.getByRole('radio', { name: '継続' }).check();
    await dx.getByRole('button', { name: '登録する' }).click();
    await dx.getByText('ICD-10コードの形式で入力してください（例：E11、E11.9）').waitFor();
    await dx.getByRole('textbox', { name: 'ICD-10コード' }).fill('E11.9');
    await dx.getByRole('button', { name: '登録する' }).click();
    await card(page, '2型糖尿病').waitFor();
    expect(await card(page, '2型糖尿病').textContent()).toContain('ICD-10 E11.9');

    // 服薬中の薬: where it comes from is asked, never assumed.
    await page.getByRole('tab', { name: '服薬中の薬' }).click();
    const med = page.getByRole('form', { name: '服薬中の薬' });
    await med.getByRole('textbox', { name: '薬剤名' }).fill('ロキソプロフェンNa錠60mg');
    await med.getByRole('textbox', { name: '用法・用量' }).fill('頭痛時 1回1錠');
    await med.getByRole('button', { name: '登録する' }).click();
    await med.getByText('選んでください').waitFor();
    await med.getByRole('radio', { name: '市販薬' }).check();
    await med.getByRole('button', { name: '登録する' }).click();
    await card(page, 'ロキソプロフェンNa錠60mg').waitFor();
    expect(await card(page, 'ロキソプロフェンNa錠60mg').textContent()).toContain('市販薬');

    // What the server refuses is shown beside its field too: a date the browser would not send,
    // slipped into the request on its way.
    await page.getByRole('tab', { name: '診療メモ' }).click();
    const note = page.getByRole('form', { name: '診療メモ' });
    await note.getByRole('textbox', { name: '題' }).fill('電話相談');
    await note.getByRole('textbox', { name: '本文' }).fill('血糖手帳を持参するよう説明した。');
    await page.route('**/api/v1/entries/**/note', (route) =>
      route.continue({
        postData: JSON.stringify({ ...(route.request().postDataJSON() as object), date: '2026/12/01' }),
      }),
    );
    await note.getByRole('button', { name: '登録する' }).click();
    await note.getByText('日付を YYYY/MM/DD で入力してください').waitFor();
    await page.unroute('**/api/v1/entries/**/note');
    await note.getByRole('button', { name: '登録する' }).click();
    await page.getByTestId('entry').filter({ hasText: '電話相談' }).waitFor();

    // The server itself answers 422 with the field (what the form relies on).
    const refused = await page.request.post(
      `/api/v1/entries/${encodeURIComponent(h.user('clinic.doctor').facilityOid)}/${target.localId}/allergy`,
      { headers: { 'x-csrf-token': await csrf(page) }, data: { substance: '', category: 'medication' } },
    );
    expect(refused.status()).toBe(422);
    expect(((await refused.json()) as { issues: { field: string }[] }).issues.map((i) => i.field)).toContain(
      'substance',
    );
    await shoot(h, page, 'entries-01-doctor');
  });

  it('a correction is a new version, a deletion asks for its reason and stays in the list, marked', async () => {
    const page = await h.session('clinic.doctor');
    await page.goto(entriesUrl(need()));
    await card(page, 'ペニシリン').waitFor();
    // 修正: the form is filled with the entry.
    await card(page, 'ペニシリン').getByRole('button', { name: '修正' }).click();
    const form = page.getByRole('form', { name: 'アレルギー' });
    await expect.poll(() => form.getByRole('textbox', { name: '原因物質' }).inputValue()).toBe('ペニシリン');
    expect(await page.getByTestId('entry-form').getAttribute('data-editing')).toBe('true');
    await form.getByRole('textbox', { name: '症状' }).fill('発疹、蕁麻疹');
    await form.getByRole('button', { name: '修正を保存' }).click();
    await page.getByTestId('entry-saved').getByText('アレルギーを修正しました。').waitFor();
    await expect
      .poll(async () => (await card(page, 'ペニシリン').textContent()) ?? '')
      .toContain('発疹、蕁麻疹');
    expect(await card(page, 'ペニシリン').textContent()).toContain('最終修正');

    // 削除: the note, with its reason (required).
    const noteCard = page.getByTestId('entry').filter({ hasText: '電話相談' });
    await noteCard.getByRole('button', { name: '削除' }).click();
    const dialog = page.getByRole('dialog', { name: '記録の削除' });
    await dialog.getByRole('button', { name: '削除する' }).click();
    await dialog.getByText('入力してください', { exact: true }).waitFor();
    await dialog.getByRole('textbox', { name: '削除の理由' }).fill('別の患者さんの内容を入力したため');
    await shoot(h, page, 'entries-03-delete', false);
    await dialog.getByRole('button', { name: '削除する' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => noteCard.getAttribute('data-deleted')).toBe('true');
    expect(await noteCard.getByTestId('entry-deleted-reason').textContent()).toContain(
      '別の患者さんの内容を入力したため',
    );
    // No 修正 / 削除 on a deleted entry; its history has the creation and the deletion with the reason.
    expect(await noteCard.getByRole('button', { name: '修正' }).count()).toBe(0);
    await noteCard.getByRole('button', { name: /履歴/ }).click();
    const history = page.getByRole('dialog', { name: /^履歴：/ });
    const versions = history.getByTestId('entry-version');
    await expect
      .poll(() => versions.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action'))))
      .toEqual(['delete', 'create']);
    expect(await versions.first().textContent()).toContain('別の患者さんの内容を入力したため');
    expect(await versions.first().textContent()).toContain('医師（あなた）');
    await shoot(h, page, 'entries-04-history', false);
    await page.keyboard.press('Escape');
    await history.waitFor({ state: 'detached' });
  });

  it('a hospital doctor sees the allergy and the diagnosis in the merged record, from the clinic', async () => {
    const t = need();
    const clinic = h.user('clinic.doctor').facilityName;
    const page = await h.session('ouh.doctor');
    await page.goto(`/patients/${encodeURIComponent(t.personId)}`);
    await page.getByTestId('patient-name').waitFor();
    const banner = page.getByTestId('allergy-item').filter({ hasText: 'ペニシリン' });
    await banner.waitFor();
    expect(await banner.textContent()).toContain(clinic);
    expect(await banner.textContent()).toContain('蕁麻疹');
    await page.locator('[data-testid="summary"][data-rendered="true"]').waitFor({ timeout: 30_000 });
    const allergy = page.getByTestId('summary-allergy').filter({ hasText: 'ペニシリン' });
    expect(await allergy.textContent()).toContain(clinic);
    const dm2 = page
      .getByTestId('summary-problem')
      .filter({ has: page.getByText('2型糖尿病', { exact: true }) })
      .filter({ hasText: clinic });
    expect(await dm2.count()).toBeGreaterThanOrEqual(1);
    // The deleted note is nowhere in the record.
    expect((await page.locator('main').textContent()) ?? '').not.toContain('電話相談');
    // The hospital keeps its records in its own system: its doctor's 記録の入力 says so.
    await page.goto(entriesUrl(t));
    await page.getByTestId('entries-not-tenant').waitFor();
  });

  it('the clerk is offered no clinical entry, and the hub refuses a forged diagnosis', async () => {
    const t = need();
    const page = await h.session('clinic.clerk');
    await page.goto(entriesUrl(t));
    await page.getByTestId('entries-not-offered').waitFor();
    expect(await page.getByRole('tab', { name: '病名' }).count()).toBe(0);
    expect(await page.getByTestId('entry-form').count()).toBe(0);
    const clinicOid = h.user('clinic.clerk').facilityOid;
    const forged = await page.request.post(
      `/api/v1/entries/${encodeURIComponent(clinicOid)}/${t.localId}/diagnosis`,
      {
        headers: { 'x-csrf-token': await csrf(page) },
        data: { name: '2型糖尿病', icd10: 'E11.9' },
      },
    );
    expect(forged.status()).toBe(403);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('entry-profession');
    await shoot(h, page, 'entries-05-clerk');
  });

  it('患者登録: the clinic registers a new patient, who reaches the patient index; a hospital is told it is not for it', async () => {
    const page = await h.session('clinic.doctor');
    await page.goto('/patients');
    await page.getByTestId('register-patient').click();
    const form = page.getByRole('form', { name: '患者登録' });
    await form.waitFor();
    await form.getByRole('textbox', { name: '姓' }).fill('吉備');
    await form.getByRole('textbox', { name: '名', exact: true }).fill('桃子');
    await form.getByRole('textbox', { name: 'セイ' }).fill('きび');
    await form.getByRole('textbox', { name: 'メイ' }).fill('ももこ');
    await form.getByRole('textbox', { name: '生年月日' }).fill('S45.6.7');
    await form.getByRole('button', { name: '登録する' }).click();
    // The reading was typed in hiragana: written in katakana; the sex is asked for.
    await form.getByText('選んでください').waitFor();
    expect(await form.getByRole('textbox', { name: 'セイ' }).inputValue()).toBe('キビ');
    await form.getByRole('radio', { name: '女性' }).check();
    await form.getByRole('textbox', { name: '郵便番号' }).fill('７００－００２４');
    await form.getByRole('textbox', { name: '電話番号' }).fill('086-000-1234');
    await shoot(h, page, 'entries-06-register');
    await form.getByRole('button', { name: '登録する' }).click();
    const done = page.getByTestId('register-done');
    await done.waitFor();
    const id = /カルテ番号 ([0-9A-Za-z-]+)/.exec((await done.textContent()) ?? '')?.[1];
    expect(id).toMatch(/^M\d{6}$/);
    await shoot(h, page, 'entries-07-registered');
    // The repository feeds the patient index on its poll (2 s in the demo).
    const clinicOid = h.user('clinic.doctor').facilityOid;
    await expect
      .poll(
        async () =>
          (
            await h.network.hub.store.db
              .selectFrom('mpi_record')
              .select(['name_kana', 'birth_date'])
              .where('facility_oid', '=', clinicOid)
              .where('local_id', '=', id!)
              .executeTakeFirst()
          )?.birth_date ?? null,
        { timeout: 30_000, interval: 500 },
      )
      .toBe('1970-06-07');

    const hospital = await h.session('ouh.doctor');
    await hospital.goto('/patients/register');
    const other = hospital.getByRole('form', { name: '患者登録' });
    await other.getByRole('textbox', { name: '姓' }).fill('岡山');
    await other.getByRole('textbox', { name: '名', exact: true }).fill('花子');
    await other.getByRole('textbox', { name: 'セイ' }).fill('オカヤマ');
    await other.getByRole('textbox', { name: 'メイ' }).fill('ハナコ');
    await other.getByRole('textbox', { name: '生年月日' }).fill('1980/01/02');
    await other.getByRole('radio', { name: '女性' }).check();
    await other.getByRole('button', { name: '登録する' }).click();
    await hospital.getByTestId('register-not-tenant').waitFor();
  });

  it('has no serious accessibility violation on its screens', async () => {
    await h.expectAccessible('entries', 7);
  });
});
