/**
 * Issue 11, "summary, diagnoses, allergies": the first tab a doctor sees (概要) and the two lists that
 * misled clinicians, in Chromium against the real hub and gateways. What each facility reports is
 * read from the gateways' own stores, so the expectations follow the generated data.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { settled } from './browser';
import { type Harness, skipReason, useHarness } from './harness';

const nfkc = (s: string) => s.normalize('NFKC').replace(/\s+/g, '');

interface Reported {
  facility: string;
  name: string;
  codes: string[];
}

/** What each hospital holds for the person, by resource type (not entered in error). */
async function reported(h: Harness, localIds: Record<string, string>, type: string): Promise<Reported[]> {
  const out: Reported[] = [];
  for (const g of h.network.gateways) {
    const localId = localIds[g.facility.key];
    if (!localId) continue;
    const rows = await g.gateway.store.db
      .selectFrom('gw_resource')
      .select(['json'])
      .where('resource_type', '=', type)
      .where('patient_id', '=', localId)
      .execute();
    for (const row of rows) {
      const r = JSON.parse(row.json) as {
        code?: { text?: string; coding?: { system?: string; code?: string }[] };
        verificationStatus?: { coding?: { code?: string }[] };
        clinicalStatus?: { coding?: { code?: string }[] };
      };
      if (r.verificationStatus?.coding?.[0]?.code === 'entered-in-error') continue;
      if (type === 'AllergyIntolerance' && r.clinicalStatus?.coding?.[0]?.code !== 'active') continue;
      out.push({
        facility: g.facility.name,
        name: nfkc(r.code?.text ?? ''),
        codes: (r.code?.coding ?? []).map((c) => `${c.system}|${c.code}`),
      });
    }
  }
  return out;
}

/**
 * A person consented everywhere with the same allergen on record at two hospitals (the banner used to
 * list it once per hospital), read from the stores; null when the generated network has none.
 */
async function allergyPatient(
  h: Harness,
): Promise<{ personId: string; localIds: Record<string, string> } | null> {
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
  const keyOf = new Map(h.network.gateways.map((g) => [g.oid, g.facility.key]));
  const persons = new Map<string, { localIds: Record<string, string>; consented: boolean }>();
  for (const r of await db
    .selectFrom('mpi_record')
    .select(['person_id', 'facility_oid', 'local_id'])
    .orderBy('person_id')
    .execute()) {
    const key = keyOf.get(r.facility_oid);
    if (!key) continue;
    const p = persons.get(r.person_id) ?? { localIds: {}, consented: true };
    p.localIds[key] = r.local_id;
    p.consented &&= consented.has(`${r.facility_oid}|${r.local_id}`);
    persons.set(r.person_id, p);
  }
  for (const [personId, p] of persons) {
    if (!p.consented || Object.keys(p.localIds).length < 2) continue;
    const allergies = await reported(h, p.localIds, 'AllergyIntolerance');
    const sites = new Map<string, Set<string>>();
    for (const a of allergies) sites.set(a.name, (sites.get(a.name) ?? new Set()).add(a.facility));
    if ([...sites.values()].some((s) => s.size >= 2)) return { personId, localIds: p.localIds };
  }
  return null;
}

async function openPatient(page: Page, personId: string, tab?: string) {
  await page.goto(`/patients/${encodeURIComponent(personId)}${tab ? `?tab=${tab}` : ''}`);
  await page.getByTestId('patient-name').waitFor();
}

const summaryDrawn = (page: Page) =>
  page.locator('[data-testid="summary"][data-rendered="true"]').waitFor({ timeout: 30_000 });

describe.skipIf(skipReason !== null)('summary, diagnoses and allergies in the browser', () => {
  const h = useHarness();
  const { session, screen } = h;
  const DM2 = '2型糖尿病';

  it('opens on the summary: 2型糖尿病 once, with every hospital that reports it, under the default period', async () => {
    const patient = h.patients.consented;
    const conditions = await reported(h, patient.localIds, 'Condition');
    const reporting = [...new Set(conditions.filter((c) => c.name === DM2).map((c) => c.facility))];
    // The showcase diabetic: the diagnosis is on record at several hospitals.
    expect(reporting.length).toBeGreaterThanOrEqual(2);

    const page = await session('clinic.doctor');
    await openPatient(page, patient.personId);
    // The summary is the first tab and the one shown, with the default period (5年).
    const first = await page.locator('[data-testid^="tab-"]').first().getAttribute('data-testid');
    expect(first).toBe('tab-summary');
    await expect.poll(() => page.getByTestId('tab-summary').getAttribute('aria-selected')).toBe('true');
    await summaryDrawn(page);
    const problems = page.getByTestId('summary-problem').filter({ hasText: DM2 });
    const dm2 = problems.filter({ has: page.getByText(DM2, { exact: true }) });
    expect(await dm2.count()).toBe(1);
    const row = (await dm2.first().textContent()) ?? '';
    for (const facility of reporting) expect(row).toContain(facility);
    // Every section a doctor may see, each row naming its facility.
    for (const id of ['problems', 'allergies', 'medications', 'labs', 'admissions', 'documents'])
      await page.getByTestId(`summary-${id}`).waitFor();
    const hba1c = page.getByTestId('summary-lab-hba1c');
    await hba1c.waitFor();
    expect(await hba1c.textContent()).toMatch(/\d/);
    expect(((await hba1c.getByTestId('summary-lab-facility').textContent()) ?? '').length).toBeGreaterThan(0);
    await settled(page);
    await screen(page, 'summary-01-clinic-doctor');
    // Printed, the summary is the record's first page: the sections and the patient, no controls.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByTestId('summary-problems').isVisible()).toBe(true);
    expect(
      await page
        .getByRole('button', { name: /を開く/ })
        .first()
        .isVisible(),
    ).toBe(false);
    await page.emulateMedia({ media: 'screen' });
  });

  it('lists 2型糖尿病 once on the diagnoses tab, every source with its own onset, under every period', async () => {
    const patient = h.patients.consented;
    const conditions = await reported(h, patient.localIds, 'Condition');
    const reporting = [...new Set(conditions.filter((c) => c.name === DM2).map((c) => c.facility))];
    const page = await session('clinic.doctor');
    await openPatient(page, patient.personId, 'diagnoses');
    await page.getByRole('tabpanel').getByRole('table').waitFor();
    await settled(page);
    const dm2Rows = () =>
      page
        .getByRole('tabpanel')
        .locator('tbody tr')
        .filter({ has: page.getByTestId('diagnosis-name').getByText(DM2, { exact: true }) });
    expect(await dm2Rows().count()).toBe(1);
    const sources = dm2Rows().first().getByTestId('diagnosis-source');
    const lines = await sources.allTextContents();
    for (const facility of reporting) expect(lines.some((l) => l.includes(facility))).toBe(true);
    // Each source line carries a date (its own onset).
    for (const line of lines) expect(line).toMatch(/\d{4}\/\d{2}\/\d{2}/);
    await screen(page, 'summary-02-diagnoses');

    // The shortest period still shows the active diagnosis (the period filters ended ones only).
    const periods = page.getByRole('group', { name: '絞り込み' });
    await periods.getByText('1年', { exact: true }).click();
    await settled(page);
    expect(await dm2Rows().count()).toBe(1);
    // 和暦: the dates in the Japanese era.
    await page.getByRole('switch', { name: '和暦で表示' }).click();
    await expect.poll(async () => (await sources.first().textContent()) ?? '').toMatch(/(平成|令和|昭和)/);
    await screen(page, 'summary-03-diagnoses-wareki');
    await page.getByRole('switch', { name: '和暦で表示' }).click();
    await periods.getByText('5年', { exact: true }).click();
  });

  it('shows each allergen once in the banner and the summary, with every reaction and facility', async () => {
    const patient = await allergyPatient(h);
    // The generated network has a consented person with one allergen at two hospitals (seeded data).
    expect(patient).not.toBeNull();
    const allergies = await reported(h, patient!.localIds, 'AllergyIntolerance');
    const page = await session('clinic.doctor');
    await openPatient(page, patient!.personId);
    await page.getByTestId('allergy-banner').waitFor();
    const items = await page.getByTestId('allergy-item').allTextContents();
    const names = items.map((t) => nfkc(t.split(/[：（]/)[0] ?? ''));
    expect(new Set(names).size).toBe(names.length);
    // Every allergen on record is there once, naming every hospital that reports it.
    for (const a of allergies) {
      const line = items.find((t) => nfkc(t.split(/[：（]/)[0] ?? '') === a.name);
      expect(line, a.name).toBeDefined();
      expect(line).toContain(a.facility);
    }
    expect(names.length).toBeLessThan(allergies.length);
    await summaryDrawn(page);
    const rows = await page.getByTestId('summary-allergy').allTextContents();
    expect(rows).toHaveLength(names.length);
    await settled(page);
    await screen(page, 'summary-04-allergies');
  });

  it('a pharmacist’s summary has problems, allergies and medications, and no lab section', async () => {
    const page = await session('pharmacist');
    await openPatient(page, h.patients.consented.personId);
    await summaryDrawn(page);
    await page.getByTestId('summary-problems').waitFor();
    await page.getByTestId('summary-medications').waitFor();
    for (const hidden of ['labs', 'admissions', 'documents'])
      expect(await page.getByTestId(`summary-${hidden}`).count()).toBe(0);
    const text = (await page.locator('main').textContent()) ?? '';
    for (const word of ['検査', '入院', '文書']) expect(text).not.toContain(word);
    await settled(page);
    await screen(page, 'summary-05-pharmacist');
  });

  it('switches to English with the header’s language switch, and back', async () => {
    const page = await session('clinic.doctor');
    await openPatient(page, h.patients.consented.personId);
    await summaryDrawn(page);
    await page.getByText('English', { exact: true }).click();
    await expect.poll(() => page.getByTestId('tab-summary').textContent()).toBe('Summary');
    await page.getByRole('heading', { name: 'Active problems' }).waitFor();
    await page.getByRole('heading', { name: 'Key lab results (latest)' }).waitFor();
    await page.getByText('日本語', { exact: true }).click();
    await expect.poll(() => page.getByTestId('tab-summary').textContent()).toBe('概要');
    await page.getByRole('heading', { name: '継続中の病名' }).waitFor();
  });

  it('has no serious accessibility violation on its screens', async () => {
    await h.expectAccessible('summary', 5);
  });
});
