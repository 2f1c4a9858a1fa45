import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubPrincipal } from '../http.js';
import { type HubUnderTest, hubUnderTest, seedFacility, seedUser } from '../testing.js';
import { hashFeedToken } from './facilities.js';
import { repositoryLinkRoutes } from './repository-link.js';

const OFFICE = '1.2.392.200284.33.9000000000';
const CLINIC = '1.2.392.200284.33.3310101237';
const HOSPITAL = '1.2.392.200284.33.3319800011';
const REPO = 'http://repo.test';
const TOKEN = 'repository-admin-token-for-tests';

describe('the office registers a facility as a repository tenant', () => {
  let hub: HubUnderTest;
  let office: HubPrincipal;
  let clinicAdmin: HubPrincipal;
  const calls: { method: string; path: string; auth: string; body: unknown }[] = [];
  const tenants = new Map<string, { settings: Record<string, unknown> }>();

  beforeAll(async () => {
    // The repository's office API, as far as the hub uses it.
    const repository = (async (input: string | URL, init?: RequestInit) => {
      const url = new URL(String(input));
      const body = init?.body ? JSON.parse(String(init.body)) : undefined;
      const auth = String(((init?.headers ?? {}) as Record<string, string>).authorization);
      calls.push({ method: init?.method ?? 'GET', path: url.pathname, auth, body });
      const json = (status: number, value: unknown) =>
        new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });
      if (auth !== `Bearer ${TOKEN}`) return json(403, { error: { code: 'admin-forbidden' } });
      const m = /^\/admin\/tenants\/([^/]+)(\/status)?$/.exec(url.pathname);
      if (init?.method === 'POST' && url.pathname === '/admin/tenants') {
        tenants.set(body.oid, { settings: {} });
        return json(200, { tenant: body, url: `${REPO}/t/${body.oid}` });
      }
      if (m && init?.method === 'PATCH') {
        tenants.get(m[1]!)!.settings = body.settings;
        return json(200, {});
      }
      if (m?.[2]) {
        const t = tenants.get(m[1]!);
        return t
          ? json(200, { tenant: { oid: m[1], feed: 'feedToken' in t.settings }, counts: { patients: 0 } })
          : json(404, { error: { code: 'tenant-unknown' } });
      }
      return json(404, {});
    }) as typeof fetch;
    hub = await hubUnderTest('sqlite', [repositoryLinkRoutes], {
      fetch: repository,
      settings: { repository: { url: REPO, adminToken: TOKEN } },
    });
    await seedFacility(hub.store, { oid: OFFICE, type: 'network-office', discloses: false, views: false });
    await seedFacility(hub.store, { oid: CLINIC, type: 'clinic', discloses: false, code: '3310101237' });
    await seedFacility(hub.store, { oid: HOSPITAL, gatewayUrl: 'https://gw.example', code: '3319800011' });
    office = await seedUser(hub.store, { facilityOid: OFFICE, profession: 'office' });
    clinicAdmin = await seedUser(hub.store, { facilityOid: CLINIC, profession: 'doctor', role: 'admin' });
  });
  afterAll(() => hub.dispose());

  const req = (who: HubPrincipal, method: 'GET' | 'POST' | 'PUT', path: string, payload?: object) =>
    hub.app.inject({
      method,
      url: `/api/v1/admin/facilities/${path}`,
      headers: hub.as(who),
      ...(payload ? { payload } : {}),
    });

  it('shows an unregistered facility as such, then registers it: tenant, feed token, the directory’s URL', async () => {
    expect((await req(office, 'GET', `${CLINIC}/repository`)).json()).toMatchObject({ registered: false });
    const res = await req(office, 'POST', `${CLINIC}/repository`);
    expect(res.statusCode, res.body).toBe(201);
    expect(calls.find((c) => c.method === 'POST')?.body).toMatchObject({
      oid: CLINIC,
      institutionCode: '3310101237',
      kind: 'clinic',
    });
    const row = await hub.store.db
      .selectFrom('hub_facility')
      .select(['gateway_url', 'discloses', 'feed_token_hash'])
      .where('oid', '=', CLINIC)
      .executeTakeFirstOrThrow();
    expect(row.gateway_url).toBe(`${REPO}/t/${CLINIC}`);
    expect(Number(row.discloses)).toBe(1);
    const fed = tenants.get(CLINIC)!.settings.feedToken as string;
    expect(row.feed_token_hash).toBe(hashFeedToken(fed));
    expect((await req(office, 'GET', `${CLINIC}/repository`)).json()).toMatchObject({
      registered: true,
      counts: { patients: 0 },
    });
  });

  it('keeps the feed token when the ORCA connection is set (the repository replaces settings whole)', async () => {
    const res = await req(office, 'PUT', `${CLINIC}/repository/orca`, {
      url: 'http://orca.clinic:8000',
      username: 'ormaster',
      password: 'secret',
      everyMinutes: 10,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(tenants.get(CLINIC)!.settings).toMatchObject({
      orca: { url: 'http://orca.clinic:8000' },
      feedToken: expect.any(String),
    });
  });

  it('refuses a facility that already has a record server, and anyone but the office', async () => {
    expect((await req(office, 'POST', `${HOSPITAL}/repository`)).statusCode).toBe(409);
    expect((await req(clinicAdmin, 'POST', `${CLINIC}/repository`)).statusCode).toBe(403);
    expect((await req(clinicAdmin, 'GET', `${CLINIC}/repository`)).statusCode).toBe(403);
  });
});
