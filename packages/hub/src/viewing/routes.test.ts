import { randomUUID } from 'node:crypto';
import { CATEGORIES, withCategoryTag } from '@hie/contract';
import type { GwResourceTable } from '@hie/gateway';
import { useSampleProjection } from '@hie/gateway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubPrincipal } from '../http.js';
import { TEST_ENGINES } from '../testing/store.js';
import {
  type HubUnderTest,
  hubUnderTest,
  seedConsent,
  seedDisclosure,
  seedFacility,
  seedPerson,
  seedUser,
} from '../testing.js';
import type { SourceStatus } from './gateway-client.js';
import { viewingRoutes as viewing } from './routes.js';
import {
  type RunningGateway,
  rowsAs,
  seedMatrix,
  startGateway,
  startHungServer,
  stopGateway,
} from './testing.js';

const rows = useSampleProjection();
const ALL = Object.keys(CATEGORIES);
const A = { oid: '1.2.392.200284.33.3311110001', name: '岡山大学病院' };
const B = { oid: '1.2.392.200284.33.3311110002', name: '倉敷中央病院' };
const H = { oid: '1.2.392.200284.33.3311110003', name: '津山中央病院' };
const CLINIC = '1.2.392.200284.33.3311610020';
const AT_B = 'B77';
// Chosen from the generated data in beforeAll (see there).
let AT_A = '';
let OTHER_AT_A = '';
const B_DISCLOSES = [
  'demographics',
  'allergy',
  'prescription',
  'outpatient-visit',
  'admission',
  'discharge',
  'lab-result',
];
const HBA1C = '3D046000001906202';
const HB = '2A990000001930953';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

describe.each(TEST_ENGINES)('viewing routes against real gateways on %s', (engine) => {
  let hub: HubUnderTest;
  let a: RunningGateway;
  let b: RunningGateway;
  let hung: Awaited<ReturnType<typeof startHungServer>>;
  let doctor: HubPrincipal;
  let pharmacist: HubPrincipal;
  let person: string;
  let hidden: string;
  let bRows: GwResourceTable[];

  beforeAll(async () => {
    hub = await hubUnderTest(engine, [viewing], { settings: { gatewayTimeoutMs: 1500 } });
    // The person with the most HbA1c results is at A, and at B as B77 (B reports the same history:
    // a diabetes followed at two hospitals); a third person of A must stay hidden.
    const hba1c = new Map<string, number>();
    for (const r of rows)
      if (/^\d+$/.test(r.patient_id))
        hba1c.set(r.patient_id, (hba1c.get(r.patient_id) ?? 0) + (r.code === HBA1C ? 1 : 0));
    [AT_A = '', OTHER_AT_A = ''] = [...hba1c]
      .sort(([p, x], [q, y]) => y - x || (p < q ? -1 : 1))
      .map(([p]) => p);
    expect(hba1c.get(AT_A)).toBeGreaterThanOrEqual(3);
    expect(OTHER_AT_A).not.toBe('');
    bRows = rowsAs(rows, AT_A, AT_B);
    const binary: GwResourceTable = {
      resource_type: 'Binary',
      id: `${AT_A}.DOC.1`,
      patient_id: AT_A,
      category: 'document',
      date: '2026-01-05',
      code: null,
      record_key: `${AT_A}.DOC.`,
      file_path: 'doc/1.pdf',
      version_id: 1,
      last_updated: '2026-11-01T00:00:00.000Z',
      json: JSON.stringify(
        withCategoryTag(
          {
            resourceType: 'Binary',
            id: `${AT_A}.DOC.1`,
            contentType: 'application/pdf',
            data: PDF.toString('base64'),
          },
          'document',
        ),
      ),
    };
    a = await startGateway(engine, hub.deps, { ...A, rows: [...rows, binary], categories: ALL });
    b = await startGateway(engine, hub.deps, { ...B, rows: bRows, categories: B_DISCLOSES });
    hung = await startHungServer();
    await seedFacility(hub.store, { ...A, gatewayUrl: a.url, views: false });
    await seedFacility(hub.store, { ...B, gatewayUrl: `${b.url}/fhir` });
    await seedFacility(hub.store, { ...H, gatewayUrl: hung.url });
    await seedFacility(hub.store, {
      oid: CLINIC,
      name: 'さくらクリニック',
      type: 'clinic',
      discloses: false,
    });
    await seedMatrix(hub.store);
    await seedDisclosure(hub.store, A.oid, ALL);
    await seedDisclosure(hub.store, B.oid, ALL);
    await seedDisclosure(hub.store, H.oid, ALL);
    doctor = await seedUser(hub.store, { facilityOid: CLINIC, profession: 'doctor' });
    pharmacist = await seedUser(hub.store, { facilityOid: CLINIC, profession: 'pharmacist' });
    const identity = {
      nameKanji: '岡山 花子',
      nameKana: 'オカヤマ ハナコ',
      birthDate: '1950-04-02',
      sex: 'F',
    };
    person = await seedPerson(hub.store, [
      { facilityOid: A.oid, localId: AT_A, ...identity },
      { facilityOid: B.oid, localId: AT_B, ...identity },
      { facilityOid: H.oid, localId: 'H1', ...identity },
    ]);
    hidden = await seedPerson(hub.store, [
      {
        facilityOid: A.oid,
        localId: OTHER_AT_A,
        nameKanji: '岡山 次郎',
        nameKana: 'オカヤマ ジロウ',
        birthDate: '1960-01-01',
        sex: 'M',
      },
    ]);
    await seedConsent(hub.store, { facilityOid: A.oid, localId: AT_A, viewers: [CLINIC] });
    await seedConsent(hub.store, { facilityOid: B.oid, localId: AT_B, viewers: 'all' });
    await seedConsent(hub.store, { facilityOid: H.oid, localId: 'H1', viewers: 'all' });
    await seedConsent(hub.store, {
      facilityOid: A.oid,
      localId: OTHER_AT_A,
      viewers: [CLINIC],
      status: 'withdrawn',
    });
  });
  afterAll(async () => {
    await Promise.all([stopGateway(a), stopGateway(b), hung.close()]);
    await hub.dispose();
  });

  const get = (url: string, who: HubPrincipal) =>
    hub.app.inject({ url: `/api/v1${url}`, headers: hub.as(who) });
  const ids = (list: { resourceType: string; id: string }[]) => list.map((e) => `${e.resourceType}/${e.id}`);
  const expected = (source: readonly GwResourceTable[], patient: string, categories: readonly string[]) =>
    source.filter((r) => r.patient_id === patient && categories.includes(r.category));
  const statusOf = (sources: SourceStatus[], oid: string) =>
    sources.find((s) => s.facilityOid === oid)?.status;
  const audits = async (type: string) =>
    (
      await hub.store.db.selectFrom('audit_event').select(['event_json']).where('type', '=', type).execute()
    ).map(
      (r) =>
        JSON.parse(r.event_json) as {
          entities?: string[];
          patient?: { personId?: string };
          detail?: Record<string, string>;
          outcome: string;
          purposeOfUse?: string;
        },
    );

  it('lists only the persons and records the policy lets the user see, and audits the search', async () => {
    const list = await get('/patients?kana=おかやま', doctor);
    expect(list.statusCode).toBe(200);
    const body = list.json();
    expect(body.total).toBe(1);
    expect(body.persons.map((p: { personId: string }) => p.personId)).toEqual([person]);
    expect(body.persons[0].records.map((r: { facilityName: string }) => r.facilityName).sort()).toEqual(
      [A.name, B.name, H.name].sort(),
    );
    const search = (await audits('search')).find((e) => e.entities?.includes(person));
    expect(search?.detail?.total).toBe('1');
    const openapi = (await hub.app.inject({ url: '/api/v1/openapi.json' })).json();
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/api/v1/patients', '/api/v1/patients/{personId}/timeline']),
    );
    const byCard = await get('/patients?cardNumber=NO-SUCH-CARD', doctor);
    expect(byCard.json().total).toBe(0);
    await hub.store.db
      .updateTable('hub_consent')
      .set({ card_number: 'OKY-0001' })
      .where('local_id', '=', AT_B)
      .execute();
    await hub.store.db
      .updateTable('hub_consent')
      .set({ card_number: 'OKY-0002' })
      .where('local_id', '=', OTHER_AT_A)
      .execute();
    const card = (await get('/patients?cardNumber=OKY-0001', doctor)).json();
    expect([card.total, card.persons[0]?.personId]).toEqual([1, person]);
    // A card of a patient the user may not see finds nothing.
    expect((await get('/patients?cardNumber=OKY-0002', doctor)).json().total).toBe(0);
  });

  it('answers the header with ids, age and an allergy banner, reporting the hung gateway', async () => {
    const response = await get(`/patients/${person}`, doctor);
    expect(response.statusCode).toBe(200);
    const header = response.json();
    expect(header.name).toEqual({ kanji: '岡山 花子', kana: 'オカヤマ ハナコ' });
    expect(header.sex).toBe('F');
    expect(typeof header.age).toBe('number');
    expect(header.identifiers.map((i: { localId: string }) => i.localId).sort()).toEqual(
      [AT_A, AT_B, 'H1'].sort(),
    );
    const allergies = expected(rows, AT_A, ['allergy']).map((r) => r.id);
    expect(header.allergies.allowed).toBe(true);
    expect(
      header.allergies.items
        .filter((i: { facilityOid: string }) => i.facilityOid === A.oid)
        .map((i: { id: string }) => i.id)
        .sort(),
    ).toEqual(allergies.sort());
    // Each line names its allergen's codes (the viewer merges the same allergen across facilities).
    for (const row of expected(rows, AT_A, ['allergy'])) {
      const coding = (JSON.parse(row.json).code?.coding ?? []) as { system?: string; code?: string }[];
      const item = header.allergies.items.find((i: { id: string }) => i.id === row.id);
      expect(item?.codes).toEqual(
        coding.filter((c) => c.code).map((c) => ({ system: c.system ?? null, code: c.code })),
      );
    }
    expect(statusOf(header.allergies.sources, H.oid)).toBe('timeout');
    expect(statusOf(header.allergies.sources, A.oid)).toBe('ok');
  });

  it('refuses a person without consent exactly like an unknown one, and audits the refusal', async () => {
    const hiddenResponse = await get(`/patients/${hidden}`, doctor);
    const unknownResponse = await get(`/patients/${randomUUID()}`, doctor);
    expect(hiddenResponse.statusCode).toBe(404);
    expect(hiddenResponse.json()).toEqual(unknownResponse.json());
    for (const path of ['visits', 'timeline', 'records', 'labs/summary', `binary/${A.oid}/${AT_A}.DOC.1`]) {
      expect((await get(`/patients/${hidden}/${path}`, doctor)).statusCode).toBe(404);
    }
    const refusals = (await audits('view')).filter((e) => e.patient?.personId === hidden);
    expect(refusals.length).toBeGreaterThanOrEqual(6);
    expect(refusals.every((e) => e.outcome === '4')).toBe(true);
    const list = await get('/patients?kana=オカヤマジ', doctor);
    expect(list.json().total).toBe(0);
  });

  it('merges the visit history of every facility, newest first, and says the profession may not see it', async () => {
    const response = await get(`/patients/${person}/visits`, doctor);
    const { visits, sources } = response.json();
    const visitCategories = ['outpatient-visit', 'admission', 'leave', 'transfer', 'discharge'];
    expect(visits.filter((v: { facilityOid: string }) => v.facilityOid === A.oid)).toHaveLength(
      expected(rows, AT_A, visitCategories).length,
    );
    expect(visits.filter((v: { facilityOid: string }) => v.facilityOid === B.oid)).toHaveLength(
      expected(
        bRows,
        AT_B,
        visitCategories.filter((c) => B_DISCLOSES.includes(c)),
      ).length,
    );
    expect(visits[0].label).toBeTruthy();
    expect(statusOf(sources, H.oid)).toBe('timeout');
    const seen = await audits('view');
    const audit = seen.find((e) => e.detail?.view === 'visits' && e.patient?.personId === person);
    expect(audit?.entities).toHaveLength(visits.length);
    expect(audit?.purposeOfUse).toBe('TREAT');
    // The default matrix gives pharmacists no visit categories: nothing is asked of any gateway.
    const asPharmacist = (await get(`/patients/${person}/visits`, pharmacist)).json();
    expect(asPharmacist.visits).toEqual([]);
    expect(asPharmacist.sources.every((s: SourceStatus) => s.status === 'denied')).toBe(true);
  });

  it('pages the merged timeline consistently and filters records by category and facility', async () => {
    const firstResponse = await get(`/patients/${person}/timeline?limit=30`, doctor);
    expect(firstResponse.statusCode, firstResponse.body).toBe(200);
    const first = firstResponse.json();
    const second = (await get(`/patients/${person}/timeline?limit=30&offset=30`, doctor)).json();
    const both = (await get(`/patients/${person}/timeline?limit=60`, doctor)).json();
    expect([...ids(first.entries), ...ids(second.entries)]).toEqual(ids(both.entries));
    const totalA = expected(rows, AT_A, ALL).length + 1; // + the Binary row
    const totalB = expected(bRows, AT_B, B_DISCLOSES).length;
    expect(both.total).toBe(totalA + totalB);
    expect(both.complete).toBe(false);
    expect(new Set(both.entries.map((e: { facilityName: string }) => e.facilityName))).toEqual(
      new Set([A.name, B.name]),
    );
    const records = (
      await get(`/patients/${person}/records?category=prescription&facility=${B.oid}&limit=500`, doctor)
    ).json();
    expect(ids(records.entries).sort()).toEqual(
      expected(bRows, AT_B, ['prescription'])
        .map((r) => `${r.resource_type}/${r.id}`)
        .sort(),
    );
    expect(records.sources.map((s: SourceStatus) => s.facilityOid)).toEqual([B.oid]);
    expect(records.complete).toBe(true);
    const bad = await get(`/patients/${person}/records?category=nonsense`, doctor);
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'invalid-request']);
  });

  it('narrows records to one resource type and code through the gateways’ search, never past the policy', async () => {
    const labs = (source: readonly GwResourceTable[], patient: string, codes?: readonly string[]) =>
      source.filter(
        (r) =>
          r.patient_id === patient &&
          r.resource_type === 'Observation' &&
          r.category === 'lab-result' &&
          (codes === undefined || codes.includes(r.code ?? '')),
      );
    const refs = (list: readonly GwResourceTable[]) => list.map((r) => `Observation/${r.id}`).sort();
    const hba1c = await get(`/patients/${person}/records?type=Observation&code=${HBA1C}&limit=500`, doctor);
    expect(hba1c.statusCode, hba1c.body).toBe(200);
    const series = hba1c.json();
    const wanted = [...labs(rows, AT_A, [HBA1C]), ...labs(bRows, AT_B, [HBA1C])];
    expect(wanted.length).toBeGreaterThanOrEqual(6);
    expect(ids(series.entries).sort()).toEqual(refs(wanted));
    expect(series.total).toBe(wanted.length);
    expect(new Set(series.entries.map((e: { facilityOid: string }) => e.facilityOid))).toEqual(
      new Set([A.oid, B.oid]),
    );
    // Merged newest first across the two facilities.
    const dates = series.entries.map((e: { date: string }) => e.date);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(statusOf(series.sources, H.oid)).toBe('timeout');
    const audit = (await audits('view')).find((e) => e.detail?.code === HBA1C);
    expect(audit?.entities?.sort()).toEqual(
      series.entries
        .map((e: { facilityOid: string; id: string }) => `${e.facilityOid}/Observation/${e.id}`)
        .sort(),
    );
    expect(audit?.detail?.type).toBe('Observation');

    // Two codes (comma = or), one facility, a period: exactly those rows.
    const two = (
      await get(
        `/patients/${person}/records?type=Observation&code=${HBA1C},${HB}&facility=${A.oid}&limit=500`,
        doctor,
      )
    ).json();
    expect(ids(two.entries).sort()).toEqual(refs(labs(rows, AT_A, [HBA1C, HB])));
    const day = labs(rows, AT_A, [HBA1C])[0]?.date?.slice(0, 10) ?? '';
    const oneDay = (
      await get(
        `/patients/${person}/records?type=Observation&code=${HBA1C}&facility=${A.oid}&from=${day}&to=${day}`,
        doctor,
      )
    ).json();
    expect(ids(oneDay.entries).sort()).toEqual(
      refs(labs(rows, AT_A, [HBA1C]).filter((r) => r.date?.slice(0, 10) === day)),
    );

    // A type alone: every Observation of the categories asked for, and no other type.
    const observations = (
      await get(`/patients/${person}/records?type=Observation&category=lab-result&limit=500`, doctor)
    ).json();
    expect(observations.total).toBe(labs(rows, AT_A).length + labs(bRows, AT_B).length);
    expect(
      observations.entries.every((e: { resourceType: string }) => e.resourceType === 'Observation'),
    ).toBe(true);

    // The pharmacist's policy has no lab results: the code filter asks nothing of any gateway, and a
    // type alone returns only what the pharmacist's categories hold.
    const refused = (
      await get(`/patients/${person}/records?type=Observation&code=${HBA1C}&category=lab-result`, pharmacist)
    ).json();
    expect(refused.entries).toEqual([]);
    expect(refused.sources.every((s: SourceStatus) => s.status === 'denied')).toBe(true);
    const asPharmacist = (
      await get(`/patients/${person}/records?type=Observation&code=${HBA1C}`, pharmacist)
    ).json();
    expect(asPharmacist.entries).toEqual([]);

    for (const bad of [`code=${HBA1C}`, 'type=Binary', 'type=Nonsense', 'type=Observation&code=a%20b']) {
      const response = await get(`/patients/${person}/records?${bad}`, doctor);
      expect([bad, response.statusCode, response.json().error.code]).toEqual([bad, 400, 'invalid-request']);
    }
  });

  it('summarises the tests of the period with counts and the latest result, audited', async () => {
    const response = await get(`/patients/${person}/labs/summary`, doctor);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    const labRows = [
      ...rows.filter((r) => r.patient_id === AT_A),
      ...bRows.filter((r) => r.patient_id === AT_B),
    ].filter((r) => r.resource_type === 'Observation' && r.category === 'lab-result');
    const byCode = new Map<string, GwResourceTable[]>();
    for (const r of labRows) byCode.set(r.code ?? '', [...(byCode.get(r.code ?? '') ?? []), r]);
    const tests = body.tests as {
      key: string;
      jlac10: string | null;
      codes: string[];
      count: number;
      facilities: string[];
      latest: { id: string; date: string; facilityOid: string };
      previous: { id: string; date: string; facilityOid: string } | null;
    }[];
    expect(tests.reduce((n, t) => n + t.count, 0)).toBe(labRows.length);
    const a1c = tests.find((t) => t.jlac10 === HBA1C);
    expect(a1c).toMatchObject({ key: `jlac:${HBA1C}`, codes: [HBA1C], count: byCode.get(HBA1C)?.length });
    expect(a1c?.facilities).toEqual([A.oid, B.oid].sort());
    for (const test of tests) {
      const own = test.codes.flatMap((c) => byCode.get(c) ?? []);
      expect(test.count).toBe(own.length);
      const newest = own.reduce((x, y) => ((y.date ?? '') > (x.date ?? '') ? y : x));
      expect(test.latest.date?.slice(0, 19)).toBe(newest.date?.slice(0, 19));
      // The previous result: the newest of the others (a trend needs two), across facilities.
      const others = own.filter((r) => r.id !== test.latest.id);
      const before = others.reduce<GwResourceTable | null>(
        (x, y) => (x === null || (y.date ?? '') > (x.date ?? '') ? y : x),
        null,
      );
      expect(test.previous?.date?.slice(0, 19) ?? null).toBe(before?.date?.slice(0, 19) ?? null);
    }
    expect(statusOf(body.sources, H.oid)).toBe('timeout');
    expect(body.complete).toBe(false);
    const audit = (await audits('view')).find((e) => e.detail?.view === 'lab-summary');
    expect(audit?.entities?.sort()).toEqual(
      tests
        .flatMap((t) => [t.latest, ...(t.previous ? [t.previous] : [])])
        .map((r) => `${r.facilityOid}/Observation/${r.id}`)
        .sort(),
    );
    // A period with no results, and a profession without lab results: no tests.
    const empty = (
      await get(`/patients/${person}/labs/summary?from=1900-01-01&to=1900-12-31`, doctor)
    ).json();
    expect(empty.tests).toEqual([]);
    const asPharmacist = (await get(`/patients/${person}/labs/summary`, pharmacist)).json();
    expect(asPharmacist.tests).toEqual([]);
    expect(asPharmacist.sources.every((s: SourceStatus) => s.status === 'denied')).toBe(true);
    expect((await get(`/patients/${hidden}/labs/summary`, doctor)).statusCode).toBe(404);
  });

  it('passes a document through inline, only to a profession that may see documents', async () => {
    const response = await get(`/patients/${person}/binary/${A.oid}/${AT_A}.DOC.1`, doctor);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/pdf');
    expect(response.headers['content-disposition']).toBe('inline');
    expect(response.rawPayload.equals(PDF)).toBe(true);
    expect((await get(`/patients/${person}/binary/${A.oid}/${AT_A}.DOC.1`, pharmacist)).statusCode).toBe(404);
    expect((await get(`/patients/${person}/binary/${A.oid}/nothing`, doctor)).statusCode).toBe(404);
    expect((await get(`/patients/${person}/binary/${B.oid}/${AT_A}.DOC.1`, doctor)).statusCode).toBe(404);
  });

  it('opens a person without consent only under an active break-the-glass grant with ETREAT', async () => {
    const now = hub.deps.now();
    const grant = randomUUID();
    await hub.store.db
      .insertInto('hub_break_glass')
      .values({
        id: grant,
        user_id: doctor.userId,
        facility_oid: CLINIC,
        person_id: hidden,
        reason: '救急搬送、意識障害のため',
        started_at: now.toISOString(),
        expires_at: new Date(now.getTime() + 3600_000).toISOString(),
        review_status: 'open',
        reviewed_by: null,
        reviewed_at: null,
        review_note: null,
      })
      .execute();
    expect((await get(`/patients/${hidden}?purpose=TREAT`, doctor)).statusCode).toBe(404);
    const opened = await get(`/patients/${hidden}?purpose=ETREAT`, doctor);
    expect(opened.statusCode).toBe(200);
    expect(opened.json().identifiers).toEqual([
      expect.objectContaining({ localId: OTHER_AT_A, basis: 'break-glass' }),
    ]);
    expect(opened.json().breakGlass.id).toBe(grant);
    const timeline = (await get(`/patients/${hidden}/timeline?purpose=ETREAT&limit=5`, doctor)).json();
    expect(timeline.entries).toHaveLength(5);
    const audit = (await audits('view')).find(
      (e) => e.detail?.view === 'timeline' && e.patient?.personId === hidden,
    );
    expect(audit).toMatchObject({ purposeOfUse: 'ETREAT', detail: { breakGlassId: grant } });
    // Without a grant for the person, ETREAT shows what consent shows and is recorded as TREAT.
    const consented = await get(`/patients/${person}?purpose=ETREAT`, doctor);
    expect([consented.statusCode, consented.json().purpose]).toEqual([200, 'TREAT']);
    // A pharmacist cannot break the glass, whatever the request says.
    expect((await get(`/patients/${hidden}?purpose=ETREAT`, pharmacist)).statusCode).toBe(404);
  });

  it('keeps one user to a budget of viewing requests in flight: the rest get 429 at once, others are unaffected', async () => {
    // Issue 10, finding 9: one user pulled 100 parallel 500-entry timelines. Each of these waits for
    // the hung gateway, so they are all in flight together.
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => get(`/patients/${person}/visits`, doctor)),
    );
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
    expect(answers.find((a) => a.statusCode === 429)?.json().error.code).toBe('too-many-requests');
    expect(Date.now() - started).toBeLessThan(10_000);
    // The budget is given back: the same user is served again, and another user was never limited.
    expect((await get(`/patients/${person}/visits`, doctor)).statusCode).toBe(200);
    expect((await get(`/patients/${person}/visits`, pharmacist)).statusCode).toBe(200);
  });
});
