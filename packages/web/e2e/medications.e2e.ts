/**
 * 処方・注射 (issue 11, medications): the current list across facilities (one row per drug, every
 * source), the 重複投薬 warning exactly when two facilities prescribe the same drug at the same time,
 * the per-drug timeline and the prescription history — for the clinic doctor and the pharmacist,
 * against the real hub and gateways. Screenshots at three sizes, axe 0 serious.
 *
 * What the screen should show is worked out here from the gateways' own stores with a rule written
 * out plainly (HOT7 = the drug; supply = the start + the days; current = the supply ends ≤ 14 days ago),
 * not with the web app's code.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { settled } from './browser';
import { patientUrl, skipReason, useHarness } from './harness';

const GRACE_DAYS = 14;
const UNKNOWN_DAYS = 30;

const dayPlus = (day: string, n: number) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};
const todayInJapan = () => new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);

interface Supply {
  facility: string;
  start: string;
  end: string;
}

interface Expected {
  /** HOT7 key → facilities with a current prescription. */
  current: Map<string, Set<string>>;
  /** HOT7 keys prescribed at the same time by two facilities. */
  duplicates: Map<string, Set<string>>;
  /** HOT7 key → a HOT9 code and name the stores hold for it. */
  drugs: Map<string, { hot9: string; name: string }>;
}

/** The consented patient's current drugs and duplicates, from the gateways' FHIR projection. */
async function expectedFromStores(h: ReturnType<typeof useHarness>, today: string): Promise<Expected> {
  const byDrug = new Map<string, Supply[]>();
  const drugs = new Map<string, { hot9: string; name: string }>();
  for (const { gateway, facility } of h.network.gateways) {
    const localId = h.patients.consented.localIds[facility.key];
    if (!localId) continue;
    const rows = await gateway.store.db
      .selectFrom('gw_resource')
      .select(['json'])
      .where('patient_id', '=', localId)
      .where('resource_type', '=', 'MedicationRequest')
      .where('category', '=', 'prescription')
      .execute();
    for (const { json } of rows) {
      const r = JSON.parse(json) as {
        status?: string;
        authoredOn?: string;
        medicationCodeableConcept?: { coding?: { system?: string; code?: string }[]; text?: string };
        dispenseRequest?: { expectedSupplyDuration?: { value?: number } };
      };
      if (r.status !== 'active' || !r.authoredOn) continue;
      const hot = r.medicationCodeableConcept?.coding?.find((c) => c.system?.endsWith('master-HOT9'))?.code;
      if (!hot) continue;
      const start = r.authoredOn.slice(0, 10);
      const days = r.dispenseRequest?.expectedSupplyDuration?.value ?? UNKNOWN_DAYS;
      const key = `HOT7:${hot.slice(0, 7)}`;
      drugs.set(key, { hot9: hot, name: r.medicationCodeableConcept?.text ?? '' });
      byDrug.set(key, [
        ...(byDrug.get(key) ?? []),
        { facility: facility.name, start, end: dayPlus(start, days - 1) },
      ]);
    }
  }
  const current = new Map<string, Set<string>>();
  const duplicates = new Map<string, Set<string>>();
  for (const [key, supplies] of byDrug) {
    const now = supplies.filter((s) => s.start <= today && dayPlus(s.end, GRACE_DAYS) >= today);
    if (now.length === 0) continue;
    current.set(key, new Set(now.map((s) => s.facility)));
    for (const a of now)
      for (const b of now)
        if (a.facility !== b.facility && a.start <= b.end && b.start <= a.end)
          duplicates.set(key, new Set([...(duplicates.get(key) ?? []), a.facility, b.facility]));
  }
  return { current, duplicates, drugs };
}

/** The current list as the screen shows it: drug key → facility names. */
async function currentOnScreen(page: Page): Promise<Map<string, string[]>> {
  await page.locator('[data-testid="current-meds"], [data-testid="current-meds-empty"]').first().waitFor();
  const rows = await page.getByTestId('current-med').evaluateAll((els) =>
    els.map((el) => ({
      key: el.getAttribute('data-drug-key') ?? '',
      facilities: Array.from(el.querySelectorAll('[data-testid="current-med-source"] .mantine-Badge-label'))
        .map((b) => b.textContent ?? '')
        .filter((x) => x !== '院内' && x !== '院外'),
    })),
  );
  const keys = rows.map((r) => r.key);
  expect(new Set(keys).size, 'one row per drug').toBe(keys.length);
  return new Map(rows.map((r) => [r.key, r.facilities.sort()]));
}

async function openMedications(page: Page, personPath: string) {
  await page.goto(`${personPath}?tab=medications`);
  await page.getByTestId('patient-name').waitFor();
  await page.getByTestId('meds-view').waitFor();
  await settled(page);
}

/** Scrolls the tabs to the top of the window, just below whatever stays fixed there (the patient header). */
async function showPanel(page: Page) {
  // The screenshots resize the window: without transitions the layout is final when they are taken.
  await page.addStyleTag({ content: '*, *::before, *::after { transition: none !important; }' });
  await page.getByRole('tablist').evaluate((list) => {
    list.scrollIntoView({ block: 'start' });
    for (let i = 0; i < 40; i++) {
      const r = list.getBoundingClientRect();
      const on = document.elementFromPoint(r.left + 4, r.top + 4);
      if (on && list.contains(on)) break;
      window.scrollBy(0, -10);
    }
  });
  await settled(page);
}

describe.skipIf(skipReason !== null)('処方・注射 (medications)', () => {
  const h = useHarness();
  const today = todayInJapan();
  let doctorList: Map<string, string[]> | undefined;
  let doctorWarning = -1;

  it('the clinic doctor sees one row per current drug with every source, and the duplicate warning exactly when two facilities prescribe the same drug at once', async () => {
    const expected = await expectedFromStores(h, today);
    const page = await h.session('clinic.doctor');
    await openMedications(page, patientUrl(h.patients.consented));
    const shown = await currentOnScreen(page);
    doctorList = shown;
    expect(new Map([...shown].map(([k, v]) => [k, v]))).toEqual(
      new Map([...expected.current].map(([k, v]) => [k, [...v].sort()])),
    );
    // The warning: present iff the stores hold a current duplicate, naming each drug and its facilities.
    const warning = page.getByTestId('duplicate-warning');
    if (expected.duplicates.size === 0) {
      expect(await warning.count()).toBe(0);
      expect(await page.locator('[data-testid="current-med"][data-duplicate="true"]').count()).toBe(0);
    } else {
      await warning.waitFor();
      expect(await warning.getAttribute('role')).toBe('alert');
      const findings = await page
        .getByTestId('duplicate-finding')
        .evaluateAll((els) =>
          els.map((e) => ({ key: e.getAttribute('data-ingredient'), text: e.textContent })),
        );
      expect(findings.map((f) => f.key).sort()).toEqual([...expected.duplicates.keys()].sort());
      for (const f of findings)
        for (const name of expected.duplicates.get(f.key ?? '') ?? []) expect(f.text).toContain(name);
      const flagged = await page
        .locator('[data-testid="current-med"][data-duplicate="true"]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-drug-key')));
      expect(flagged.sort()).toEqual([...expected.duplicates.keys()].sort());
    }
    doctorWarning = await warning.count();
    console.info(
      `[medications] current drugs: ${shown.size}, duplicates: ${[...expected.duplicates.keys()].join(', ') || 'none'}`,
    );
    await showPanel(page);
    await h.screen(page, 'medications-01-current');
  });

  it('the per-drug timeline shows a row per drug with bars coloured by facility, current drugs first', async () => {
    const page = await h.session('clinic.doctor');
    await page.getByText('薬剤別', { exact: true }).click();
    const timeline = page.getByTestId('med-timeline');
    await timeline.waitFor();
    const rows = await page.getByTestId('timeline-row').evaluateAll((els) =>
      els.map((e) => ({
        key: e.getAttribute('data-drug-key') ?? '',
        bars: e.querySelectorAll('[data-testid="timeline-bar"]').length,
        label: e.querySelector('[data-testid="timeline-bar"]')?.getAttribute('aria-label') ?? '',
      })),
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.bars, r.key).toBeGreaterThan(0);
    for (const r of rows) expect(r.label).toMatch(/\d{4}\/\d{2}\/\d{2}/);
    // The drugs taken now lead the list (default period: 5 years reaches them all).
    const current = [...(doctorList ?? new Map()).keys()];
    expect(
      rows
        .slice(0, current.length)
        .map((r) => r.key)
        .sort(),
    ).toEqual(current.sort());
    await showPanel(page);
    await h.screen(page, 'medications-02-by-drug');
  });

  it('the history keeps every prescription with its Rp groups; injections have their own switch', async () => {
    const page = await h.session('clinic.doctor');
    await page.getByText('処方歴', { exact: true }).click();
    await page.getByTestId('prescription-card').first().waitFor();
    const first = page.getByTestId('prescription-card').first();
    expect(await first.textContent()).toMatch(/Rp\d/);
    // The demo's outpatient prescriptions are mostly 院外 (RXE-21 OHO), some 院内 (OHI); inpatient ones 入院.
    const setting = (text: RegExp) => page.getByTestId('prescription-card').filter({ hasText: text }).count();
    expect(await setting(/院外/)).toBeGreaterThan(0);
    expect(await setting(/院外|院内|入院/)).toBe(await page.getByTestId('prescription-card').count());
    await showPanel(page);
    await h.screen(page, 'medications-03-history');
    const injections = page.getByText('注射', { exact: true });
    if ((await injections.count()) > 0) {
      await injections.click();
      await page.getByTestId('prescription-card').first().waitFor();
      expect(await page.getByTestId('prescription-card').first().textContent()).toMatch(/経路|静脈/);
      await showPanel(page);
      await h.screen(page, 'medications-04-injections');
    }
  });

  it('the pharmacist sees the same current list and warning', async () => {
    const page = await h.session('pharmacist');
    await openMedications(page, patientUrl(h.patients.consented));
    const shown = await currentOnScreen(page);
    expect(shown).toEqual(doctorList);
    expect(await page.getByTestId('duplicate-warning').count()).toBe(doctorWarning);
    await showPanel(page);
    await h.screen(page, 'medications-05-pharmacist');
  });

  it('when another hospital prescribes the same drug today, the warning appears for doctor and pharmacist, naming both facilities; when it stops the order, the warning goes', async () => {
    const before = await expectedFromStores(h, today);
    // A current drug, and a hospital holding a record of the patient that does not prescribe it now.
    const pick = [...before.current]
      .flatMap(([key, facilities]) =>
        h.network.gateways
          .filter((g) => h.patients.consented.localIds[g.facility.key] && !facilities.has(g.facility.name))
          .map((g) => ({ key, facilities, g, drug: before.drugs.get(key)! })),
      )
      .find((x) => !before.duplicates.has(x.key));
    expect(pick, 'a current drug and another hospital of the patient').toBeDefined();
    const { key, facilities, g, drug } = pick!;
    // The hospital's order system sends an outpatient prescription of the same drug (HL7 v2 in).
    const order: Order = {
      facilityCode: g.facility.code ?? '',
      facilityName: g.facility.name,
      patientId: h.patients.consented.localIds[g.facility.key]!,
      drug,
      orderNo: `9${String(Date.now()).slice(-14)}`,
      ts: hl7Now(),
      control: 'NW',
    };
    const result = await g.gateway.receiver.receive(new TextEncoder().encode(prescriptionMessage(order)));
    expect(result.outcome).toBe('stored');
    const after = await waitFor(
      () => expectedFromStores(h, today),
      (e) => e.duplicates.has(key),
    );
    expect([...(after.duplicates.get(key) ?? [])].sort()).toEqual([...facilities, g.facility.name].sort());

    for (const login of ['clinic.doctor', 'pharmacist']) {
      const page = await h.session(login);
      await openMedications(page, patientUrl(h.patients.consented));
      const warning = page.getByTestId('duplicate-warning');
      await warning.waitFor();
      const finding = page.locator(`[data-testid="duplicate-finding"][data-ingredient="${key}"]`);
      expect(await finding.count()).toBe(1);
      for (const name of [...facilities, g.facility.name])
        expect(await finding.textContent()).toContain(name);
      expect(await finding.textContent()).toContain(drug.name);
      // Still one row for the drug, now with both sources, marked 重複; the new source says 院外 (OHO).
      const row = page.locator(`[data-testid="current-med"][data-drug-key="${key}"]`);
      expect(await row.count()).toBe(1);
      expect(await row.getAttribute('data-duplicate')).toBe('true');
      expect((await currentOnScreen(page)).get(key)).toEqual([...facilities, g.facility.name].sort());
      expect(await row.textContent()).toContain('院外');
      await showPanel(page);
      await h.screen(
        page,
        `medications-0${login === 'pharmacist' ? 7 : 6}-duplicate-${login.replace('.', '-')}`,
      );
    }
    // The per-drug timeline marks the overlap on the drug's row.
    const page = await h.session('clinic.doctor');
    await page.getByText('薬剤別', { exact: true }).click();
    const row = page.locator(`[data-testid="timeline-row"][data-drug-key="${key}"]`);
    await row.waitFor();
    expect(await row.getByTestId('timeline-duplicate').count()).toBeGreaterThan(0);

    // The hospital stops its order (ORC-1 DC): the warning goes, the history shows the order as 中止.
    const stop = await g.gateway.receiver.receive(
      new TextEncoder().encode(prescriptionMessage({ ...order, control: 'DC' })),
    );
    expect(stop.outcome).toBe('stored');
    const stopped = await waitFor(
      () => expectedFromStores(h, today),
      (e) => !e.duplicates.has(key),
    );
    expect(stopped.duplicates.has(key)).toBe(false);
    await openMedications(page, patientUrl(h.patients.consented));
    expect((await currentOnScreen(page)).get(key)).toEqual([...facilities].sort());
    expect(await page.getByTestId('duplicate-warning').count()).toBe(0);
    await page.getByText('処方歴', { exact: true }).click();
    const card = page.getByTestId('prescription-card').filter({ hasText: g.facility.name }).first();
    await card.waitFor();
    expect(await card.locator('[data-status="stopped"]').count()).toBe(1);
    expect(await card.locator('[data-status="stopped"]').textContent()).toContain('中止');
    await showPanel(page);
    await h.screen(page, 'medications-08-stopped-history');

    // The English switch: the same views, labelled in English.
    await page.getByText('English', { exact: true }).click();
    await page.getByText('Current', { exact: true }).click();
    await page.locator('[data-testid="current-meds"]').waitFor();
    expect(await page.getByRole('columnheader', { name: 'Prescribed by' }).count()).toBe(1);
    await showPanel(page);
    await h.screen(page, 'medications-09-english');
    await page.getByText('日本語', { exact: true }).click();
    await page.getByText('現在の処方', { exact: true }).waitFor();
  });

  it('has no serious accessibility violation', async () => {
    await h.expectAccessible('medications', 8);
  });
});

/** Polls `read` until `done` (the gateway projects a received message within moments). */
async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The JST wall clock as HL7 TS (YYYYMMDDHHMMSS). */
const hl7Now = () => new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 19).replace(/[-T:]/g, '');

interface Order {
  facilityCode: string;
  facilityName: string;
  patientId: string;
  drug: { hot9: string; name: string };
  orderNo: string;
  /** ORC-9 (its day is the care date: the same for the order and its stop). */
  ts: string;
  /** ORC-1: NW a new order, DC its stop (中止). */
  control: 'NW' | 'DC';
}

/** An OMP-01 (RDE^O11) outpatient prescription of one drug for 28 days from ORC-9, 院外 (OHO), in UTF-8. */
function prescriptionMessage(o: Order): string {
  const doctor = '901^処方^医師^^^^^^^L^^^^^I';
  return [
    `MSH|^~\\&|HIS|${o.facilityCode}|GW|RCV|${hl7Now()}||RDE^O11^RDE_O11|E2E${o.orderNo}${o.control}|P|2.5||||||UNICODE UTF-8|||SS-MIX2_1.20^SS-MIX2^1.2.392.200250.2.1.100.1.2.120^ISO`,
    `PID|0001||${o.patientId}^^^^PI`,
    `PV1|0001|O|01^^^^^C||||${doctor}|||01`,
    `ORC|${o.control}|${o.orderNo}||1|||||${o.ts}|||${doctor}|||||01^内科^HL70069||||${o.facilityName}||||||||O^外来患者オーダ^HL70482`,
    `RXE||${o.drug.hot9}^${o.drug.name}^HOT9|1||TAB^錠^MR9P|||||28|TAB^錠^MR9P||||||||1^TAB&錠&MR9P||OHP^外来処方^MR9P~OHO^院外処方^MR9P`,
    `TQ1|1||1011000400000000&内服・経口・１日１回朝食後&JAMISDP01|||28^d|${o.ts.slice(0, 8)}`,
    'RXR|PO^口^HL70162',
  ].join('\r');
}
