import { type AccessAssertion, pathBelowRoot } from '@hie/contract';
import { hubKeyFrom, operationOf, verifyAssertion } from '@hie/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubPrincipal } from '../http.js';
import { type HubUnderTest, hubUnderTest, seedFacility, seedUser } from '../testing.js';
import { entryRoutes } from './routes.js';

const CLINIC = '1.2.392.200284.33.3310000101';
const HOSPITAL = '1.2.392.200284.33.3310000999';
const NO_REPO = '1.2.392.200284.33.3310000555';
const REPO = 'http://repo.test/t/';

describe('entries forwarded to the facility’s repository tenant', () => {
  let hub: HubUnderTest;
  let doctor: HubPrincipal;
  let clerk: HubPrincipal;
  let hospitalDoctor: HubPrincipal;
  let lonely: HubPrincipal;
  const seen: { url: string; method: string; body: string; assertion: AccessAssertion | null }[] = [];

  beforeAll(async () => {
    // The repository, as far as the hub can tell: it checks the assertion the hub sent as a tenant would.
    const fakeFetch = (async (input: string | URL, init?: RequestInit) => {
      const url = new URL(String(input));
      const token = String(((init?.headers ?? {}) as Record<string, string>).authorization).replace(
        /^Bearer /,
        '',
      );
      const root = `/t/${CLINIC}`;
      const verified = await verifyAssertion(
        token,
        [hubKeyFrom(hub.deps.signingKey, hub.deps.settings.issuer)],
        {
          audience: CLINIC,
          operation: operationOf(
            init?.method ?? 'GET',
            pathBelowRoot(url.pathname.slice(root.length), '/fhir') ?? url.pathname.slice(root.length),
            url.search,
          ),
        },
      );
      seen.push({
        url: url.pathname,
        method: init?.method ?? 'GET',
        body: String(init?.body ?? ''),
        assertion: verified.ok ? verified.assertion : null,
      });
      return new Response(
        JSON.stringify(
          verified.ok ? { id: 'man.allergy.x', version: 1 } : { error: { code: verified.reason } },
        ),
        {
          status: verified.ok ? 200 : 401,
          headers: { 'content-type': 'application/json' },
        },
      );
    }) as typeof fetch;
    hub = await hubUnderTest('sqlite', [entryRoutes], {
      fetch: fakeFetch,
      settings: { repository: { url: 'http://repo.test', adminToken: 'repository-admin-token-for-tests' } },
    });
    await seedFacility(hub.store, { oid: CLINIC, type: 'clinic', gatewayUrl: `${REPO}${CLINIC}` });
    await seedFacility(hub.store, { oid: HOSPITAL, gatewayUrl: 'http://gw.test' });
    await seedFacility(hub.store, { oid: NO_REPO, type: 'clinic', discloses: false });
    doctor = await seedUser(hub.store, { facilityOid: CLINIC, profession: 'doctor' });
    clerk = await seedUser(hub.store, { facilityOid: CLINIC, profession: 'clerk' });
    hospitalDoctor = await seedUser(hub.store, { facilityOid: HOSPITAL, profession: 'doctor' });
    lonely = await seedUser(hub.store, { facilityOid: NO_REPO, profession: 'doctor' });
  });
  afterAll(() => hub.dispose());

  const post = (who: HubPrincipal | null, url: string, payload: object) =>
    hub.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: who ? hub.as(who) : {}, payload });

  it('signs an assertion for the one write, for the user’s own facility and the patient, and passes the body', async () => {
    const res = await post(doctor, `/entries/${CLINIC}/01001/allergy`, {
      substance: 'ペニシリン',
      category: 'medication',
    });
    expect(res.statusCode, res.body).toBe(200);
    const last = seen.at(-1)!;
    expect(last.url).toBe(`/t/${CLINIC}/entries/01001/allergy`);
    expect(last.method).toBe('POST');
    expect(JSON.parse(last.body)).toMatchObject({ substance: 'ペニシリン' });
    expect(last.assertion).toMatchObject({
      audience: CLINIC,
      facilityOid: CLINIC,
      patientId: '01001',
      profession: 'doctor',
    });
  });

  it('refuses another facility’s staff, a profession that may not enter the kind, nobody, and a facility without a repository', async () => {
    const before = seen.length;
    expect(
      (await post(hospitalDoctor, `/entries/${CLINIC}/01001/allergy`, { substance: 'x', category: 'food' }))
        .statusCode,
    ).toBe(403);
    expect((await post(clerk, `/entries/${CLINIC}/01001/diagnosis`, { name: '肺炎' })).statusCode).toBe(403);
    expect(
      (await post(null, `/entries/${CLINIC}/01001/allergy`, { substance: 'x', category: 'food' })).statusCode,
    ).toBe(401);
    expect(
      (await post(lonely, `/entries/${NO_REPO}/1/allergy`, { substance: 'x', category: 'food' })).statusCode,
    ).toBe(409);
    expect(seen.length).toBe(before);
  });

  it('lets a clerk register a patient of the facility', async () => {
    const res = await post(clerk, `/entries/${CLINIC}/patients`, { patientId: 'A-1', familyName: '岡山' });
    expect(res.statusCode).toBe(200);
    expect(seen.at(-1)!.assertion).toMatchObject({ patientId: 'A-1', profession: 'clerk' });
  });

  it('audits every write at the hub, refused ones too', async () => {
    const rows = await hub.store.db
      .selectFrom('audit_event')
      .select(['outcome'])
      .where('type', '=', 'entry')
      .execute();
    expect(rows.filter((r) => r.outcome === '0').length).toBeGreaterThanOrEqual(2);
    expect(rows.filter((r) => r.outcome === '4').length).toBeGreaterThanOrEqual(3);
  });
});
