import { CATEGORIES } from '@hie/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_ENGINES } from '../testing/store.js';
import {
  type BundleJson,
  errorCode,
  type GatewayUnderTest,
  gatewayUnderTest,
  NHO_PATIENT,
  useSampleProjection,
} from './test-kit.js';

const rows = useSampleProjection();

const EVERY = Object.keys(CATEGORIES);
const PATIENT = `Patient/${NHO_PATIENT}.ADT-00`;
const EVERYTHING = `/fhir/${PATIENT}/$everything?_count=200`;
const ids = (b: BundleJson) => b.entry.map((e) => `${e.resource.resourceType}/${e.resource.id}`).sort();
const expected = (allowed: readonly string[], type?: string) =>
  rows
    .filter((r) => r.patient_id === NHO_PATIENT && allowed.includes(r.category))
    .filter((r) => type === undefined || r.resource_type === type)
    .map((r) => `${r.resource_type}/${r.id}`)
    .sort();
const rowOf = (category: string, type?: string) =>
  rows.find(
    (r) => r.patient_id === NHO_PATIENT && r.category === category && (!type || r.resource_type === type),
  )!;

describe.each(TEST_ENGINES)('disclosure settings on %s', (engine) => {
  let gw: GatewayUnderTest;
  afterEach(async () => gw?.dispose());

  it('never shows a category the facility does not disclose, whatever the hub allows', async () => {
    const disclosed = ['demographics', 'lab-result', 'prescription'];
    gw = await gatewayUnderTest(engine, rows, { disclosure: { categories: disclosed } });
    const ask = async (url: string) => gw.get(url, { categories: EVERY });

    const endoscopy = await ask(`/fhir/Observation?patient=${PATIENT}&category=endoscopy`);
    expect(endoscopy.json()).toMatchObject({ total: 0, entry: [] });
    const observations = (await ask(`/fhir/Observation?patient=${PATIENT}&_count=200`)).json() as BundleJson;
    expect(ids(observations)).toEqual(expected(disclosed, 'Observation'));
    expect(observations.total).toBe(expected(disclosed, 'Observation').length);

    const hidden = rowOf('endoscopy', 'Observation');
    const read = await ask(`/fhir/Observation/${hidden.id}`);
    expect([read.status, errorCode(read.json())]).toEqual([404, 'not-found']);
    const visible = rowOf('lab-result', 'Observation');
    expect((await ask(`/fhir/Observation/${visible.id}`)).status).toBe(200);

    const everything = (await ask(EVERYTHING)).json() as BundleJson;
    expect(ids(everything)).toEqual(expected(disclosed));
    expect(everything.total).toBe(expected(disclosed).length);
    // The timeline: newest first, undated resources (Patient, allergies) last.
    const dates = everything.entry.map(
      (e) =>
        rows.find((r) => r.id === e.resource.id && r.resource_type === e.resource.resourceType)?.date ?? null,
    );
    const dated = dates.filter((d) => d !== null);
    expect(dated).toEqual([...dated].sort().reverse());
    expect(dates.slice(dated.length).every((d) => d === null)).toBe(true);
  });

  it('never shows a category the assertion does not allow, even where the facility discloses it', async () => {
    gw = await gatewayUnderTest(engine, rows, { disclosure: { categories: EVERY } });
    const ask = async (url: string) => gw.get(url, { categories: ['lab-result'] });
    const diagnosis = rowOf('diagnosis');
    expect((await ask(`/fhir/${diagnosis.resource_type}/${diagnosis.id}`)).status).toBe(404);
    expect((await ask(`/fhir/Condition?patient=${PATIENT}`)).json()).toMatchObject({ total: 0 });
    expect((await ask(`/fhir/Patient/${NHO_PATIENT}.ADT-00`)).status).toBe(404);
    const everything = (await ask(EVERYTHING)).json() as BundleJson;
    expect(ids(everything)).toEqual(expected(['lab-result']));
  });

  it('discloses nothing by default', async () => {
    gw = await gatewayUnderTest(engine, rows);
    const everything = await gw.get(EVERYTHING, { categories: EVERY });
    expect(everything.json()).toMatchObject({ total: 0, entry: [] });
  });

  it('filters by date and code within what is allowed', async () => {
    gw = await gatewayUnderTest(engine, rows, { disclosure: { categories: EVERY } });
    const ask = async (url: string) => (await gw.get(url, { categories: EVERY })).json() as BundleJson;
    const inDecember = rows.filter(
      (r) => r.patient_id === NHO_PATIENT && r.date !== null && r.date >= '2011-12' && r.date < '2011-12~',
    );
    const december = await ask(
      `/fhir/Observation?patient=${PATIENT}&date=ge2011-12-01&date=le2011-12-31&_count=200`,
    );
    expect(ids(december)).toEqual(
      inDecember
        .filter((r) => r.resource_type === 'Observation')
        .map((r) => `Observation/${r.id}`)
        .sort(),
    );
    expect(december.total).toBeGreaterThan(0);
    const timeline = await ask(`/fhir/${PATIENT}/$everything?start=2011-12-01&end=2011-12-31&_count=200`);
    expect(ids(timeline)).toEqual(inDecember.map((r) => `${r.resource_type}/${r.id}`).sort());
    const coded = rows.find(
      (r) => r.patient_id === NHO_PATIENT && r.code && r.resource_type === 'Observation',
    )!;
    const byCode = await ask(`/fhir/Observation?patient=${PATIENT}&code=urn:any|${coded.code}&_count=200`);
    expect(byCode.total).toBeGreaterThan(0);
    for (const e of byCode.entry) {
      expect(rows.find((r) => r.id === e.resource.id && r.resource_type === 'Observation')?.code).toBe(
        coded.code,
      );
    }
  });

  it('applies an admin change at once, keeps it across restarts and audits it', async () => {
    gw = await gatewayUnderTest(engine, rows, { disclosure: { categories: EVERY } });
    const put = (token: string | undefined, body: unknown) =>
      gw.app.inject({
        method: 'PUT',
        url: '/admin/disclosure',
        headers: token ? { authorization: `Bearer ${token}` } : {},
        payload: body as Record<string, unknown>,
      });
    const forbidden = await put('wrong-token-wrong-token', { categories: EVERY });
    expect([forbidden.statusCode, errorCode(forbidden.json())]).toEqual([403, 'admin-forbidden']);
    const hubToken = await gw.sign({ categories: EVERY, purposeOfUse: 'ADMIN' });
    expect((await put(hubToken, { categories: EVERY })).statusCode).toBe(403);
    const unknown = await put('local-admin-token-for-tests', { categories: ['psychiatry'] });
    expect([unknown.statusCode, errorCode(unknown.json())]).toEqual([400, 'bad-parameter']);

    const changed = await put('local-admin-token-for-tests', { categories: ['prescription'] });
    expect(changed.json()).toMatchObject({ categories: ['prescription'], source: 'admin' });
    const everything = (await gw.get(EVERYTHING, { categories: EVERY })).json() as BundleJson;
    expect(ids(everything)).toEqual(expected(['prescription']));

    const { buildGatewayApp } = await import('./app.js');
    const restarted = await buildGatewayApp({
      store: gw.store,
      facility: (await import('./testing.js')).TEST_FACILITY,
      hubKeys: [],
      disclosure: { categories: EVERY },
      storageRoots: [],
      adminToken: 'local-admin-token-for-tests',
    });
    const after = await restarted.inject({
      url: '/admin/disclosure',
      headers: { authorization: 'Bearer local-admin-token-for-tests' },
    });
    expect(after.json()).toMatchObject({ categories: ['prescription'], source: 'admin' });
    await restarted.close();

    const audit = await gw.store.db
      .selectFrom('audit_event')
      .select(['type', 'outcome', 'event_json'])
      .execute();
    const admin = audit.filter((a) => a.type === 'admin');
    expect(admin.map((a) => a.outcome)).toEqual(['4', '4', '4', '0']);
    expect(JSON.parse(admin[3]!.event_json).detail).toMatchObject({ disclosureAfter: 'prescription' });
  });
});
