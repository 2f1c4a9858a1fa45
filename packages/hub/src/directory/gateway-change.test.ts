import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubPrincipal } from '../http.js';
import { TEST_ENGINES } from '../testing/store.js';
import { apiCall, type HubUnderTest, hubUnderTest, seedFacility, seedUser } from '../testing.js';
import { getFacility } from './facilities.js';
import { directoryRoutes } from './routes.js';
import { adminEvents, codeOf, csvPost, KURASHIKI, OFFICE_OID, OKADAI } from './testing.js';

const REAL = 'https://gw.okadai.example:8443';
const ROGUE = 'https://listener.attacker.example';
const PIN = `sha256/${'A'.repeat(43)}=`;

describe.each(TEST_ENGINES)('two-person gateway changes on %s (issue 10, finding 6)', (engine) => {
  let hub: HubUnderTest;
  let clock: Date;
  let office: HubPrincipal;
  let office2: HubPrincipal;
  let okadaiAdmin: HubPrincipal;
  let okadaiDoctor: HubPrincipal;
  let kurashikiAdmin: HubPrincipal;

  beforeEach(async () => {
    clock = new Date('2026-12-01T09:00:00Z');
    hub = await hubUnderTest(engine, [directoryRoutes], { now: () => clock });
    await seedFacility(hub.store, { oid: OFFICE_OID, type: 'network-office', discloses: false });
    await seedFacility(hub.store, { oid: OKADAI, name: '岡山大学病院', gatewayUrl: REAL });
    await seedFacility(hub.store, { oid: KURASHIKI, name: '倉敷中央病院' });
    office = await seedUser(hub.store, { facilityOid: OFFICE_OID, profession: 'office' });
    office2 = await seedUser(hub.store, { facilityOid: OFFICE_OID, profession: 'office' });
    okadaiAdmin = await seedUser(hub.store, { facilityOid: OKADAI, profession: 'clerk', role: 'admin' });
    okadaiDoctor = await seedUser(hub.store, { facilityOid: OKADAI, profession: 'doctor' });
    kurashikiAdmin = await seedUser(hub.store, {
      facilityOid: KURASHIKI,
      profession: 'clerk',
      role: 'admin',
    });
  });
  afterEach(() => hub.dispose());

  const call = apiCall(() => hub);
  const changes = `/admin/facilities/${OKADAI}/gateway-changes`;
  const propose = (who: HubPrincipal | null, body: object = { gatewayUrl: ROGUE, tlsPin: PIN }) =>
    call(who, 'POST', changes, body);
  const decide = (who: HubPrincipal | null, id: string, verb: 'confirm' | 'reject') =>
    call(who, 'POST', `${changes}/${id}/${verb}`);
  const gatewayOf = async () => {
    const f = await getFacility(hub.store, OKADAI);
    return [f?.gatewayUrl, f?.gatewayTlsPin];
  };

  it('refuses the office alone redirecting a gateway: a patch of the URL is 409, nothing moves', async () => {
    const patched = await call(office, 'PATCH', `/admin/facilities/${OKADAI}`, { gatewayUrl: ROGUE });
    expect(codeOf(patched)).toEqual([409, 'two-person-change']);
    expect(patched.json().error.message).toContain('gateway-changes');
    // The other fields still change alone.
    const renamed = await call(office, 'PATCH', `/admin/facilities/${OKADAI}`, { phone: '086-223-7151' });
    expect(renamed.statusCode).toBe(200);
    expect(await gatewayOf()).toEqual([REAL, null]);
  });

  it('refuses a CSV import that would change a gateway URL, naming the line', async () => {
    const csv = ['OID,名称,種別,ゲートウェイURL', `${OKADAI},岡山大学病院,病院,${ROGUE}`].join('\n');
    const refused = await csvPost(() => hub)(office, '/admin/facilities/import', csv);
    expect(codeOf(refused)).toEqual([422, 'csv-invalid']);
    expect(refused.json().error.details.errors).toMatchObject([{ line: 2, code: 'two-person-change' }]);
    expect(await gatewayOf()).toEqual([REAL, null]);
  });

  it('applies a change only when the other side confirms: office proposes, the facility admin confirms', async () => {
    const proposed = await propose(office);
    expect(proposed.statusCode).toBe(201);
    const { id } = proposed.json();
    expect(proposed.json()).toMatchObject({ status: 'pending', proposedSide: 'office', gatewayUrl: ROGUE });
    expect(await gatewayOf()).toEqual([REAL, null]);

    // Not the proposer, not another office user, not a member, not another facility's admin, not anonymous.
    expect(codeOf(await decide(office, id, 'confirm'))).toEqual([403, 'same-side']);
    expect(codeOf(await decide(office2, id, 'confirm'))).toEqual([403, 'same-side']);
    expect(codeOf(await decide(okadaiDoctor, id, 'confirm'))).toEqual([403, 'forbidden']);
    expect(codeOf(await decide(kurashikiAdmin, id, 'confirm'))).toEqual([403, 'forbidden']);
    expect((await decide(null, id, 'confirm')).statusCode).toBe(401);
    expect(await gatewayOf()).toEqual([REAL, null]);

    const confirmed = await decide(okadaiAdmin, id, 'confirm');
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toMatchObject({ status: 'applied', decidedBy: okadaiAdmin.userId });
    expect(await gatewayOf()).toEqual([ROGUE, PIN]);
    expect(codeOf(await decide(okadaiAdmin, id, 'confirm'))).toEqual([409, 'not-pending']);

    const operations = (await adminEvents(hub.store)).map((e) => e.detail?.operation);
    expect(operations).toEqual(
      expect.arrayContaining(['facility-gateway-propose', 'facility-gateway-confirm']),
    );
  });

  it('works the other way round: the facility admin proposes, the office confirms', async () => {
    const { id } = (await propose(okadaiAdmin, { gatewayUrl: 'https://gw2.okadai.example' })).json();
    expect(codeOf(await decide(okadaiAdmin, id, 'confirm'))).toEqual([403, 'same-side']);
    expect((await decide(office, id, 'confirm')).statusCode).toBe(200);
    expect(await gatewayOf()).toEqual(['https://gw2.okadai.example', null]);
  });

  it('only the office and the facility’s own admin may propose or list; pins need https', async () => {
    expect(codeOf(await propose(okadaiDoctor))).toEqual([403, 'forbidden']);
    expect(codeOf(await propose(kurashikiAdmin))).toEqual([403, 'forbidden']);
    expect((await propose(null)).statusCode).toBe(401);
    expect(codeOf(await call(kurashikiAdmin, 'GET', changes))).toEqual([403, 'forbidden']);
    const plain = await propose(office, { gatewayUrl: 'http://gw.okadai.example', tlsPin: PIN });
    expect(plain.statusCode).toBe(400);
    const badPin = await propose(office, { gatewayUrl: ROGUE, tlsPin: 'sha1/abc' });
    expect(badPin.statusCode).toBe(400);
  });

  it('rejects, withdraws, supersedes and expires proposals, none of them applied', async () => {
    const later = () => {
      clock = new Date(clock.getTime() + 60_000);
    };
    const first = (await propose(office)).json();
    expect((await decide(okadaiAdmin, first.id, 'reject')).json()).toMatchObject({ status: 'rejected' });
    later();
    const second = (await propose(office)).json();
    expect((await decide(office2, second.id, 'reject')).json()).toMatchObject({ status: 'withdrawn' });
    later();
    const third = (await propose(office)).json();
    later();
    const fourth = (await propose(okadaiAdmin, { gatewayUrl: 'https://gw3.okadai.example' })).json();
    expect(codeOf(await decide(okadaiAdmin, third.id, 'confirm'))).toEqual([409, 'not-pending']);
    clock = new Date(clock.getTime() + 8 * 86_400_000);
    expect(codeOf(await decide(office, fourth.id, 'confirm'))).toEqual([409, 'not-pending']);
    const listed = (await call(okadaiAdmin, 'GET', changes)).json().changes;
    expect(listed.map((c: { status: string }) => c.status)).toEqual([
      'expired',
      'superseded',
      'withdrawn',
      'rejected',
    ]);
    expect(await gatewayOf()).toEqual([REAL, null]);
  });

  it('lets one person give a facility its first gateway URL, as at registration', async () => {
    const first = await call(office, 'PATCH', `/admin/facilities/${KURASHIKI}`, {
      gatewayUrl: 'https://gw.kchnet.example',
    });
    expect(first.statusCode).toBe(200);
    const moved = await call(office, 'PATCH', `/admin/facilities/${KURASHIKI}`, { gatewayUrl: ROGUE });
    expect(codeOf(moved)).toEqual([409, 'two-person-change']);
    const removed = await call(office, 'PATCH', `/admin/facilities/${KURASHIKI}`, { gatewayUrl: null });
    expect(codeOf(removed)).toEqual([409, 'two-person-change']);
  });
});
