import type { AssertionClaims } from '@hie/contract';
import { generateSigningKey, signAssertion } from '@hie/platform';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_ENGINES } from '../testing/store.js';
import {
  type BundleJson,
  errorCode,
  type GatewayUnderTest,
  gatewayUnderTest,
  HUB,
  NHO_PATIENT,
  type OutcomeJson,
  operationOfRequest,
  useSampleProjection,
} from './test-kit.js';
import { TEST_FACILITY } from './testing.js';

const rows = useSampleProjection();

const ALL = ['demographics', 'allergy', 'diagnosis', 'prescription', 'injection', 'lab-result', 'lab-order'];
const SEARCH = `/fhir/Observation?patient=Patient/${NHO_PATIENT}.ADT-00`;

describe.each(TEST_ENGINES)('gateway API authentication on %s', (engine) => {
  let gw: GatewayUnderTest;
  afterEach(async () => gw?.dispose());

  const refusal = async (auth: string | undefined | Partial<AssertionClaims>, url = SEARCH) => {
    const r = await gw.get(url, auth);
    return { status: r.status, code: errorCode(r.json()), outcome: r.json() as OutcomeJson };
  };

  it('answers metadata and health without an assertion', async () => {
    gw = await gatewayUnderTest(engine, rows, { disclosure: { categories: ALL } });
    const metadata = await gw.get('/fhir/metadata');
    expect(metadata.status).toBe(200);
    expect(metadata.json()).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1' });
    const health = await gw.get('/health');
    expect(health.json()).toEqual({ status: 'ok', db: 'ok', engine, facility: TEST_FACILITY.oid });
  });

  it('refuses every bad assertion with 401 and its stable code, in Japanese and English', async () => {
    gw = await gatewayUnderTest(engine, rows, { disclosure: { categories: ALL } });
    const good = await gw.sign({ categories: ALL }, { request: SEARCH });
    const [h, p, s] = good.split('.') as [string, string, string];
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), patient_id: 'someone-else' }),
    ).toString('base64url');
    const stranger = await generateSigningKey();
    const now = Math.floor(Date.now() / 1000);
    const cases: [string | undefined, string][] = [
      [undefined, 'missing'],
      ['garbage', 'malformed'],
      [`${h}.${forged}.${s}`, 'bad-signature'],
      [
        await signAssertion(stranger, {
          ...claimsOf(gw),
          categories: ALL,
          operation: operationOfRequest(SEARCH),
        }),
        'unknown-key',
      ],
      [await gw.sign({ expiresAt: now - 100 }, { now: now - 200, request: SEARCH }), 'expired'],
      [await gw.sign({}, { now: now + 3600, request: SEARCH }), 'not-yet-valid'],
      [await gw.sign({ audience: '1.2.392.200284.33.3311610020' }, { request: SEARCH }), 'wrong-audience'],
      [await gw.sign({ categories: ALL }, { request: `${SEARCH}&_count=5` }), 'wrong-operation'],
    ];
    for (const [token, code] of cases) {
      const r = await refusal(token);
      expect([r.status, r.code], code).toEqual([401, code]);
      expect(r.outcome.issue[0]?.details.text, code).toMatch(/[ぁ-んァ-ン一-龥].* \/ [A-Za-z]/);
    }
    const basic = await gw.app.inject({ url: SEARCH, headers: { authorization: 'Basic dXNlcjpwdw==' } });
    expect([basic.statusCode, errorCode(basic.json())]).toEqual([401, 'malformed']);
    expect(basic.headers['www-authenticate']).toContain('malformed');
  });

  it('refuses a replayed assertion', async () => {
    gw = await gatewayUnderTest(engine, rows, { disclosure: { categories: ALL } });
    const token = await gw.sign({ categories: ALL }, { request: SEARCH });
    expect((await gw.get(SEARCH, token)).status).toBe(200);
    const again = await refusal(token, SEARCH);
    expect([again.status, again.code]).toEqual([401, 'replayed']);
  });

  it('refuses an unused assertion captured from one request on any other (issue 10, finding 6)', async () => {
    gw = await gatewayUnderTest(engine, rows, { disclosure: { categories: ALL } });
    // The attack: a doctor's assertion for a lab search, captured at a listener the hub was pointed
    // to, is presented unused at the real gateway on $everything, on another page and date range.
    const captured = () => gw.sign({ categories: ALL }, { request: SEARCH });
    for (const url of [
      `/fhir/Patient/${NHO_PATIENT}.ADT-00/$everything`,
      `/fhir/Patient/${NHO_PATIENT}.ADT-00/$everything?_count=200`,
      `/fhir/DocumentReference?patient=Patient/${NHO_PATIENT}.ADT-00`,
      `${SEARCH}&_count=200`,
      `${SEARCH}&date=ge2000`,
      `/fhir/Observation?patient=Patient/${NHO_PATIENT}.ADT-00&patient=Patient/${NHO_PATIENT}.ADT-00`,
    ]) {
      const r = await refusal(await captured(), url);
      expect([r.status, r.code], url).toEqual([401, 'wrong-operation']);
    }
    // The same request with its query in another order and encoding is still the one it names.
    const token = await gw.sign({ categories: ALL }, { request: `${SEARCH}&_count=3&date=ge2000` });
    const reordered = `/fhir/Observation?date=ge2000&_count=3&patient=Patient%2F${NHO_PATIENT}.ADT-00`;
    expect((await gw.get(reordered, token)).status).toBe(200);
  });

  it('answers 403 for another patient than the assertion names, whether that patient exists or not', async () => {
    gw = await gatewayUnderTest(engine, rows, { disclosure: { categories: ALL } });
    const other = rows.find((r) => r.patient_id !== NHO_PATIENT)!.patient_id;
    for (const url of [
      `/fhir/Observation?patient=Patient/${other}.ADT-00`,
      `/fhir/Observation?patient=${other}`,
      '/fhir/Observation?patient=Patient/no-such-patient',
      `/fhir/Patient/${other}.ADT-00/$everything`,
      `/fhir/Patient/${other}.ADT-00`,
    ]) {
      const r = await refusal({ categories: ALL }, url);
      expect([r.status, r.code], url).toEqual([403, 'patient-mismatch']);
    }
  });

  it('answers 404 alike for an unknown id and for another patient’s resource', async () => {
    gw = await gatewayUnderTest(engine, rows, { disclosure: { categories: ALL } });
    const foreign = rows.find((r) => r.patient_id !== NHO_PATIENT && r.resource_type === 'Observation')!;
    const unknown = await gw.get('/fhir/Observation/no-such-id', { categories: ALL });
    const hidden = await gw.get(`/fhir/Observation/${foreign.id}`, { categories: ALL });
    expect(unknown.status).toBe(404);
    expect(hidden.status).toBe(404);
    const shape = (body: string, id: string) => body.replace(id, 'X');
    expect(shape(hidden.body, foreign.id)).toBe(shape(unknown.body, 'no-such-id'));
  });

  it('reads nothing for a purpose of use that is not clinical', async () => {
    gw = await gatewayUnderTest(engine, rows, { disclosure: { categories: ALL } });
    const r = await refusal({ categories: ALL, purposeOfUse: 'ADMIN' });
    expect([r.status, r.code]).toEqual([403, 'purpose-not-accepted']);
  });

  it('refuses unknown search parameters and bad values with 400', async () => {
    gw = await gatewayUnderTest(engine, rows, { disclosure: { categories: ALL } });
    for (const [query, code] of [
      ['categry=lab-result', 'unknown-parameter'],
      ['category=psychiatry', 'bad-parameter'],
      ['date=2024-13-01', 'bad-parameter'],
      ['_count=1000', 'bad-parameter'],
    ]) {
      const r = await refusal({ categories: ALL }, `/fhir/Observation?${query}`);
      expect([r.status, r.code], query).toEqual([400, code]);
    }
    const unsupported = await refusal({ categories: ALL }, '/fhir/Account?patient=x');
    expect([unsupported.status, unsupported.code]).toEqual([404, 'unsupported-type']);
    const search = await gw.get(SEARCH, { categories: ALL });
    expect((search.json() as BundleJson).resourceType).toBe('Bundle');
  });
});

function claimsOf(gw: GatewayUnderTest) {
  void gw;
  return {
    issuer: HUB,
    audience: TEST_FACILITY.oid,
    userId: 'dr-sato',
    profession: 'doctor',
    facilityOid: '1.2.392.200284.33.3311610020',
    patientId: NHO_PATIENT,
    purposeOfUse: 'TREAT',
  };
}
