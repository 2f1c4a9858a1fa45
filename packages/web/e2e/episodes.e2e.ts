/**
 * 入退院・受診歴・画像・生理検査 (issue 11, episodes): the clinic doctor opens the consented patient —
 * one row per hospital stay with its admission and discharge dates and length; no inpatient day listed
 * as an outpatient visit; one row per imaging or physiology study, in Japanese, with units — against
 * the real hub and gateways. Screenshots at three sizes, axe 0 serious.
 *
 * What the screen should show is worked out here from the gateways' own stores with rules written out
 * plainly (a stay = the inpatient messages of one facility sharing their admission day, PV1-44; an
 * outpatient visit = an outpatient reception, ADT-12; a study = an ImagingStudy, or a physiology report),
 * not with the web app's code.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { settled } from './browser';
import { patientUrl, skipReason, useHarness } from './harness';

interface Row {
  resource_type: string;
  category: string;
  code: string | null;
  date: string | null;
  json: string;
}

interface Expected {
  /** `facility|admission day` → the discharge day (null: still in hospital or not recorded), and
   * whether the admission happened (not only planned, ADT-21). */
  stays: Map<string, { discharged: string | null; happened: boolean }>;
  /** `facility|day` of every outpatient reception. */
  visits: Set<string>;
  /** `facility|day` of every inpatient day (admission … discharge). */
  inpatientDays: Set<string>;
  studies: number;
  /** Orders with no study or result (yet). */
  notPerformed: number;
  ecgs: number;
  weights: number;
  /** 読影レポート whose header names a study in view (its accession number or UID). */
  linkedReports: number;
  /** Studies whose images the hospital's DICOM export holds (an ImagingStudy with series). */
  withImages: number;
}

const nextDay = (day: string) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
};
/** FHIR dates here are written in Japan time (+09:00) or as days: the day is the first ten characters. */
const dayOf = (value: string | null | undefined) => (value ? value.slice(0, 10) : null);
const slash = (day: string) => day.replaceAll('-', '/');

/** The screen's default period, 5 years back from today in Japan; the gateways compare dates as text. */
const today = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
const FROM = `${Number(today.slice(0, 4)) - 5}${today.slice(4)}`;

async function expectedFromStores(h: ReturnType<typeof useHarness>): Promise<Expected> {
  const out: Expected = {
    stays: new Map(),
    visits: new Set(),
    inpatientDays: new Set(),
    studies: 0,
    notPerformed: 0,
    ecgs: 0,
    weights: 0,
    linkedReports: 0,
    withImages: 0,
  };
  for (const { gateway, facility } of h.network.gateways) {
    const localId = h.patients.inpatient.localIds[facility.key];
    if (!localId) continue;
    const rows: Row[] = await gateway.store.db
      .selectFrom('gw_resource')
      .select(['resource_type', 'category', 'code', 'date', 'json'])
      .where('patient_id', '=', localId)
      .where('category', 'in', [
        'outpatient-visit',
        'admission',
        'transfer',
        'leave',
        'discharge',
        'radiology',
        'endoscopy',
        'physiology',
        'radiology-order',
        'endoscopy-order',
        'physiology-order',
      ])
      .where('date', '>=', FROM)
      .execute();
    const discharges = new Map<string, { discharged: string | null; happened: boolean }>();
    const studyUids = new Set<string>();
    const ordered = new Set<string>();
    const done = new Set<string>();
    for (const r of rows) {
      const json = JSON.parse(r.json) as {
        identifier?: { value?: string }[];
        requisition?: { value?: string };
        basedOn?: { identifier?: { value?: string } }[];
        period?: { start?: string; end?: string };
        code?: { text?: string };
        valueQuantity?: { unit?: string };
      };
      if (r.resource_type === 'Encounter' && r.code === 'ADT-12')
        out.visits.add(`${facility.name}|${dayOf(r.date)}`);
      else if (r.resource_type === 'Encounter') {
        const admitted = dayOf(json.period?.start);
        if (!admitted) continue; // a transfer sent without PV1-44: it belongs to a stay, it is not one
        const key = `${facility.name}|${admitted}`;
        const stay = discharges.get(key) ?? { discharged: null, happened: false };
        if (r.code !== 'ADT-21') stay.happened = true;
        if (r.code === 'ADT-52') stay.discharged = dayOf(json.period?.end);
        discharges.set(key, stay);
      }
      // An order (its parent ServiceRequest) nothing was done for is a row of its own (未実施).
      if (r.resource_type === 'ServiceRequest' && !json.requisition)
        for (const id of json.identifier ?? []) if (id.value) ordered.add(id.value);
      if (r.resource_type === 'ImagingStudy')
        for (const b of json.basedOn ?? []) if (b.identifier?.value) done.add(b.identifier.value);
      if (r.resource_type === 'DiagnosticReport')
        for (const id of json.identifier ?? []) if (id.value) done.add(id.value);
      // One row per study: the order's ImagingStudy and the images' (DICOM) share the Study UID.
      if (r.resource_type === 'ImagingStudy') {
        const uid = (
          JSON.parse(r.json) as { identifier?: { system?: string; value?: string }[] }
        ).identifier?.find((i) => i.system === 'urn:dicom:uid')?.value;
        if (!uid || !studyUids.has(uid)) out.studies++;
        if (Array.isArray((JSON.parse(r.json) as { series?: unknown }).series)) out.withImages++;
        if (uid) studyUids.add(uid);
      }
      if (r.resource_type === 'DiagnosticReport' && r.category === 'physiology') {
        out.studies++;
        out.ecgs++;
      }
      if (r.resource_type === 'Observation' && json.code?.text === '体重' && r.category === 'radiology')
        out.weights++;
    }
    out.notPerformed += [...ordered].filter((o) => !done.has(o)).length;
    // Reports whose header names a study in view (the documents' own period is the same).
    const studyIds = new Set<string>();
    for (const r of rows)
      if (r.resource_type === 'ImagingStudy')
        for (const id of (JSON.parse(r.json) as { identifier?: { value?: string }[] }).identifier ?? [])
          if (id.value) studyIds.add(id.value.replace(/^urn:oid:/, ''));
    const reports = await gateway.store.db
      .selectFrom('gw_resource')
      .select(['json'])
      .where('patient_id', '=', localId)
      .where('resource_type', '=', 'DocumentReference')
      .where('category', '=', 'document-radiology-report')
      .where('date', '>=', FROM)
      .execute();
    for (const { json } of reports) {
      const related =
        (JSON.parse(json) as { context?: { related?: { identifier?: { value?: string } }[] } }).context
          ?.related ?? [];
      if (related.some((x) => studyIds.has((x.identifier?.value ?? '').replace(/^urn:oid:/, ''))))
        out.linkedReports++;
    }
    for (const [key, stay] of discharges) {
      out.stays.set(key, stay);
      const discharged = stay.discharged;
      const [, admitted] = key.split('|') as [string, string];
      for (let d = nextDay(admitted); discharged && d <= discharged; d = nextDay(d))
        out.inpatientDays.add(`${facility.name}|${d}`);
    }
  }
  return out;
}

async function openTab(page: Page, personPath: string, tab: string) {
  // The default period (5年), as a doctor opens the record.
  await page.goto(`${personPath}?tab=${tab}`);
  await page.getByTestId('patient-name').waitFor();
  await page.getByRole('tabpanel').waitFor();
  await settled(page);
}

/** Opens every page of the tab's table ("show more"). */
async function showAll(page: Page) {
  for (;;) {
    const more = page.getByRole('tabpanel').getByRole('button', { name: /さらに表示|Show more|もっと見る/ });
    if ((await more.count()) === 0) return;
    await more.first().click();
    await settled(page);
  }
}

const cellTexts = (page: Page, testId: string) =>
  page
    .getByTestId(testId)
    .evaluateAll((els) =>
      els.map((el) => Array.from(el.querySelectorAll('td')).map((td) => (td.textContent ?? '').trim())),
    );

/** Scrolls the tab list to just under the patient's sticky header, so the screenshot shows the table. */
async function showPanel(page: Page) {
  await page.getByRole('tablist').evaluate((el) => {
    const header = document.querySelector('.patient-sticky');
    const below = header ? header.getBoundingClientRect().height : 0;
    window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - below - 8);
  });
  await settled(page);
}

describe.skipIf(skipReason !== null)('入退院・受診歴・画像 (episodes)', () => {
  const h = useHarness();
  let expected: Expected;

  it('入退院: one row per stay, with its admission and discharge dates and length of stay', async () => {
    expected = await expectedFromStores(h);
    console.info(
      `[episodes] stays ${expected.stays.size}, outpatient days ${expected.visits.size}, inpatient days ${expected.inpatientDays.size}, studies ${expected.studies} (ECG ${expected.ecgs}), orders not performed ${expected.notPerformed}`,
    );
    expect(expected.stays.size, 'the consented patient has been in hospital').toBeGreaterThan(0);
    const page = await h.session('clinic.doctor');
    await openTab(page, patientUrl(h.patients.inpatient), 'admissions');
    await showAll(page);
    const rows = await page.getByTestId('stay').evaluateAll((els) =>
      els.map((el) => ({
        admitted: el.querySelector('[data-testid="stay-admitted"]')?.textContent ?? '',
        discharged: el.querySelector('[data-testid="stay-discharged"]')?.textContent ?? '',
        length: el.querySelector('[data-testid="stay-length"]')?.textContent ?? '',
        facility: el.querySelector('td:last-child')?.textContent ?? '',
      })),
    );
    expect(rows.length).toBe(expected.stays.size);
    const shown = rows.map((r) => `${r.facility}|${r.admitted}|${r.discharged}|${r.length}`).sort();
    const wanted = [...expected.stays]
      .map(([key, { discharged, happened }]) => {
        const [facility, admitted] = key.split('|') as [string, string];
        if (!happened) return `${facility}|${slash(admitted)}||—`;
        if (!discharged) return `${facility}|${slash(admitted)}|入院中|`;
        const nights = Math.round((Date.parse(discharged) - Date.parse(admitted)) / 86_400_000);
        return `${facility}|${slash(admitted)}|${slash(discharged)}|${nights}泊${nights + 1}日`;
      })
      .sort();
    // A stay still in progress shows 入院中 and its day count: compare the discharged ones exactly.
    expect(shown.filter((s) => !s.includes('入院中'))).toEqual(wanted.filter((s) => !s.includes('入院中')));
    expect(shown.filter((s) => s.includes('入院中')).length).toBe(
      wanted.filter((s) => s.includes('入院中')).length,
    );
    // No row per message any more: the event names of the messages are not listed.
    const text = (await page.getByRole('tabpanel').textContent()) ?? '';
    for (const word of ['入院実施', '退院実施', '退院予定', '入院予定実施', 'Encounter'])
      expect(text).not.toContain(word);
    await showPanel(page);
    await h.screen(page, 'episodes-01-admissions');
  });

  it('受診歴: outpatient visits are outpatient receptions; no inpatient day is listed as an outpatient visit', async () => {
    const page = await h.session('clinic.doctor');
    await openTab(page, patientUrl(h.patients.inpatient), 'visits');
    await page
      .getByTestId(/^visit-/)
      .first()
      .waitFor();
    await showPanel(page);
    await h.screen(page, 'episodes-02-visits');
    await showAll(page);
    const outpatient = await cellTexts(page, 'visit-outpatient');
    const shown = outpatient.map(
      ([date, , facility]) => `${facility}|${(date ?? '').slice(0, 10).replaceAll('/', '-')}`,
    );
    expect(new Set(shown).size, 'one row per facility and day').toBe(shown.length);
    expect(new Set(shown)).toEqual(expected.visits);
    // An inpatient day is an outpatient visit only when the hospital sent an outpatient reception that day.
    const inpatientVisits = shown.filter((v) => expected.inpatientDays.has(v) && !expected.visits.has(v));
    expect(inpatientVisits).toEqual([]);
    const stays = await cellTexts(page, 'visit-stay');
    expect(stays.length).toBe([...expected.stays.values()].filter((x) => x.happened).length);
    for (const [, kind] of stays) expect(kind).toMatch(/入院/);
    // The timeline: the same rows, stays as bars.
    await page.getByText('タイムライン', { exact: true }).click();
    const chart = page.locator('[data-testid="visits-timeline"][data-rendered="true"]');
    await chart.waitFor();
    await showPanel(page);
    await h.screen(page, 'episodes-03-visits-timeline');
  });

  it('画像・生理検査: one row per study, Japanese labels, measurements with their units', async () => {
    expect(expected.studies, 'the consented patient has studies').toBeGreaterThan(0);
    const page = await h.session('clinic.doctor');
    await openTab(page, patientUrl(h.patients.inpatient), 'imaging');
    await showAll(page);
    const rows = await page.getByTestId('study').count();
    expect(rows).toBe(expected.studies + expected.notPerformed);
    expect(await page.getByTestId('study-not-performed').count()).toBe(expected.notPerformed);
    // A study whose images the hospital exported says how many (one row still, with its order).
    expect(await page.getByTestId('study-images').count()).toBe(expected.withImages);
    // The order of each study joined its row: when it was ordered.
    expect(await page.getByTestId('study-order').count()).toBeGreaterThan(0);
    const kinds = await page.getByTestId('study-kind').allTextContents();
    for (const k of kinds) expect(['画像検査', '内視鏡検査', '生理検査']).toContain(k);
    const text = (await page.getByRole('tabpanel').textContent()) ?? '';
    for (const word of ['ImagingStudy', 'DiagnosticReport', 'Observation']) expect(text).not.toContain(word);
    if (expected.ecgs > 0) {
      const ecg = page.getByTestId('study').filter({ hasText: '生理検査' }).first();
      const measured = (await ecg.getByTestId('study-measurements').textContent()) ?? '';
      expect(measured).toMatch(/心拍数 \d+ bpm/);
      expect(measured).toMatch(/\d+ msec/);
      expect(measured).toMatch(/-?\d+ °/);
    }
    if (expected.weights > 0) {
      const info = await page.getByTestId('study-information').allTextContents();
      expect(info.some((i) => /体重 \d+(\.\d+)? kg/.test(i))).toBe(true);
    }
    // Each 読影レポート that names its study stands on that study's row, and opens as text there.
    const reports = page.getByTestId('study-report').filter({ hasText: '読影レポート' });
    expect(
      expected.linkedReports,
      'the consented patient has reports that name their studies',
    ).toBeGreaterThan(0);
    expect(await reports.count()).toBe(expected.linkedReports);
    await reports.first().getByRole('button', { name: /本文/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('所見', { exact: true }).first().waitFor();
    expect(await dialog.textContent()).toMatch(/診断/);
    await h.screen(page, 'episodes-06-imaging-report');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await showPanel(page);
    await h.screen(page, 'episodes-04-imaging');
    // The English switch: the same rows, English labels.
    await page.locator('label', { hasText: 'English' }).click();
    await page.getByRole('columnheader', { name: 'Result / findings' }).waitFor();
    const english = await page.getByTestId('study-kind').allTextContents();
    for (const k of english) expect(['Imaging', 'Endoscopy', 'Physiology']).toContain(k);
    await h.screen(page, 'episodes-05-imaging-en');
    await page.locator('label', { hasText: '日本語' }).click();
    await page.getByRole('columnheader', { name: '結果・所見' }).waitFor();
  });

  it('has no serious accessibility violation on its screens', async () => {
    await h.expectAccessible('episodes', 6);
  });
});
