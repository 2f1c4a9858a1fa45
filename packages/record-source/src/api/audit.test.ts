import { CATEGORIES } from '@hie/contract';
import { verifyAudit } from '@hie/platform';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_ENGINES } from '../testing/store.js';
import {
  type BundleJson,
  type GatewayUnderTest,
  gatewayUnderTest,
  NHO_PATIENT,
  useSampleProjection,
} from './test-kit.js';
import { TEST_FACILITY } from './testing.js';

const rows = useSampleProjection();

const EVERY = Object.keys(CATEGORIES);
const PATIENT = `Patient/${NHO_PATIENT}.ADT-00`;

interface EventJson {
  type: string;
  outcome: string;
  agent?: { userId: string; profession: string; facilityOid: string };
  patient?: { facilityOid: string; localId: string };
  entities?: string[];
  purposeOfUse?: string;
  source: string;
  detail: Record<string, string>;
}

describe.each(TEST_ENGINES)('audit of every disclosure on %s', (engine) => {
  let gw: GatewayUnderTest;
  afterEach(async () => gw?.dispose());

  it('writes one verifiable record per request, naming what was returned and what was refused', async () => {
    gw = await gatewayUnderTest(engine, rows, { disclosure: { categories: ['lab-result', 'prescription'] } });
    const claims = { categories: EVERY, purposeOfUse: 'ETREAT' };
    const search = (
      await gw.get(`/fhir/Observation?patient=${PATIENT}&_count=3`, claims)
    ).json() as BundleJson;
    const readable = rows.find((r) => r.patient_id === NHO_PATIENT && r.category === 'prescription')!;
    expect((await gw.get(`/fhir/${readable.resource_type}/${readable.id}`, claims)).status).toBe(200);
    const hidden = rows.find((r) => r.patient_id === NHO_PATIENT && r.category === 'diagnosis')!;
    expect((await gw.get(`/fhir/${hidden.resource_type}/${hidden.id}`, claims)).status).toBe(404);
    const everything = (await gw.get(`/fhir/${PATIENT}/$everything?_count=4`, claims)).json() as BundleJson;
    expect((await gw.get('/fhir/Observation', 'forged.token.value')).status).toBe(401);
    expect((await gw.get('/fhir/Observation?patient=other', claims)).status).toBe(403);
    await gw.get('/fhir/metadata');
    await gw.get('/health');

    const events = await gw.store.db
      .selectFrom('audit_event')
      .select(['event_json'])
      .orderBy('seq')
      .execute();
    const parsed = events.map((e) => JSON.parse(e.event_json) as EventJson);
    expect(parsed.map((e) => [e.type, e.outcome, e.detail.status])).toEqual([
      ['search', '0', '200'],
      ['read', '0', '200'],
      ['read', '4', '404'],
      ['everything', '0', '200'],
      ['search', '4', '401'],
      ['search', '4', '403'],
    ]);
    const refs = (b: BundleJson) => b.entry.map((e) => `${e.resource.resourceType}/${e.resource.id}`);
    expect(parsed[0]?.entities).toEqual(refs(search));
    expect(parsed[1]?.entities).toEqual([`${readable.resource_type}/${readable.id}`]);
    expect(parsed[2]?.entities).toBeUndefined();
    expect(parsed[2]?.detail.notFound).toBe('not-visible');
    expect(parsed[3]?.entities).toEqual(refs(everything));
    expect(parsed[0]).toMatchObject({
      agent: { userId: 'dr-sato', profession: 'doctor', facilityOid: '1.2.392.200284.33.3311610020' },
      patient: { facilityOid: TEST_FACILITY.oid, localId: NHO_PATIENT },
      purposeOfUse: 'ETREAT',
      source: TEST_FACILITY.oid,
    });
    // A refused token's claims are not trusted: no agent, no patient, only the address and the reason.
    expect(parsed[4]?.agent).toBeUndefined();
    expect(parsed[4]?.patient).toBeUndefined();
    expect(JSON.stringify(parsed)).not.toContain('forged.token.value');
    expect(await verifyAudit(gw.store)).toMatchObject({ ok: true, events: 6 });
  });

  it('keeps one linear chain when many requests finish at once', async () => {
    gw = await gatewayUnderTest(engine, rows, { disclosure: { categories: EVERY } });
    const urls = Array.from({ length: 40 }, (_, i) => `/fhir/${PATIENT}/$everything?_count=${(i % 5) + 1}`);
    const tokens = await Promise.all(urls.map((request) => gw.sign({ categories: EVERY }, { request })));
    const statuses = await Promise.all(tokens.map(async (t, i) => (await gw.get(urls[i]!, t)).status));
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(await verifyAudit(gw.store)).toMatchObject({ ok: true, events: 40 });
  });

  it('counts requests and latency by route in /metrics', async () => {
    gw = await gatewayUnderTest(engine, rows, { disclosure: { categories: EVERY } });
    await gw.get(`/fhir/Observation?patient=${PATIENT}`, { categories: EVERY });
    await gw.get(`/fhir/Observation?patient=${PATIENT}`);
    const text = (await gw.get('/metrics')).body;
    expect(text).toContain('hie_gateway_requests_total{method="GET",route="/fhir/:type",status="200"} 1');
    expect(text).toContain('hie_gateway_requests_total{method="GET",route="/fhir/:type",status="401"} 1');
    expect(text).toMatch(/hie_gateway_request_duration_seconds_bucket\{route="\/fhir\/:type",le="\+Inf"\} 2/);
    expect(text).toContain(`hie_gateway_resources ${rows.length}`);
  });

  it('shows /metrics to this host or the local admin token only, never to a stranger on the network', async () => {
    // Issue 10: the public /metrics told anyone the facility's patient count.
    gw = await gatewayUnderTest(engine, rows, { disclosure: { categories: EVERY } });
    const from = (remoteAddress: string, token?: string) =>
      gw.app.inject({
        method: 'GET',
        url: '/metrics',
        remoteAddress,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
    const stranger = await from('10.20.30.40');
    expect(stranger.statusCode).toBe(403);
    expect(stranger.body).not.toContain('hie_gateway_patients');
    expect((await from('10.20.30.40', 'a-wrong-token-0123456789')).statusCode).toBe(403);
    expect((await from('10.20.30.40', 'local-admin-token-for-tests')).statusCode).toBe(200);
    expect((await from('127.0.0.1')).statusCode).toBe(200);
  });
});
