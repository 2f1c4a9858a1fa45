/**
 * Issue 10, findings 4 and 5, written as the attacks: a facility administrator taking over a user
 * shared with another facility, and a care manager office minting a doctor.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubPrincipal } from '../http.js';
import { TEST_ENGINES } from '../testing/store.js';
import { apiCall, type HubUnderTest, hubUnderTest, seedFacility, seedUser } from '../testing.js';
import { credentialAdminRoutes } from './credential-admin.js';
import { directoryRoutes } from './routes.js';

const OFFICE_OID = '1.2.392.200284.33.9999999999';
const OKADAI = '1.2.392.200284.33.3319800011';
const KURASHIKI = '1.2.392.200284.33.3310210012';
const CARE_OFFICE = '1.2.392.200284.33.3390000001';

describe.each(TEST_ENGINES)('facility-scoped administration on %s', (engine) => {
  let hub: HubUnderTest;
  const call = apiCall(() => hub);
  let office: HubPrincipal;
  let okadaiAdmin: HubPrincipal;
  let kurashikiAdmin: HubPrincipal;
  let careAdmin: HubPrincipal;
  /** Admin at 岡山大学病院, member at 倉敷中央病院: the target of the takeover. */
  let shared: HubPrincipal;
  /** Member at 倉敷中央病院 only. */
  let kurashikiNurse: HubPrincipal;
  const codeOf = (r: { statusCode: number; json: () => { error?: { code?: string } } }) => [
    r.statusCode,
    r.json().error?.code,
  ];

  beforeAll(async () => {
    hub = await hubUnderTest(engine, [directoryRoutes, credentialAdminRoutes]);
    await seedFacility(hub.store, { oid: OFFICE_OID, type: 'network-office' });
    await seedFacility(hub.store, { oid: OKADAI, name: '岡山大学病院' });
    await seedFacility(hub.store, { oid: KURASHIKI, name: '倉敷中央病院' });
    await seedFacility(hub.store, {
      oid: CARE_OFFICE,
      name: '旭川ケアプランセンター',
      type: 'care-manager-office',
    });
    office = await seedUser(hub.store, { facilityOid: OFFICE_OID, profession: 'office' });
    okadaiAdmin = await seedUser(hub.store, { facilityOid: OKADAI, profession: 'clerk', role: 'admin' });
    kurashikiAdmin = await seedUser(hub.store, {
      facilityOid: KURASHIKI,
      profession: 'clerk',
      role: 'admin',
    });
    careAdmin = await seedUser(hub.store, {
      facilityOid: CARE_OFFICE,
      profession: 'care-manager',
      role: 'admin',
    });
    shared = await seedUser(hub.store, { facilityOid: OKADAI, profession: 'doctor', role: 'admin' });
    await hub.store.db
      .insertInto('hub_membership')
      .values({
        user_id: shared.userId,
        facility_oid: KURASHIKI,
        role: 'member',
        created_at: new Date().toISOString(),
      })
      .execute();
    kurashikiNurse = await seedUser(hub.store, { facilityOid: KURASHIKI, profession: 'nurse' });
  });
  afterAll(() => hub.dispose());

  it('refuses the other facility’s admin a password or TOTP reset, status, name or membership change of a shared user', async () => {
    const id = shared.userId;
    for (const action of ['reset-password', 'reset-totp', 'unlock', 'revoke-sessions']) {
      expect(codeOf(await call(kurashikiAdmin, 'POST', `/admin/users/${id}/${action}`)), action).toEqual([
        403,
        'shared-user',
      ]);
    }
    expect(
      codeOf(await call(kurashikiAdmin, 'PATCH', `/admin/users/${id}`, { status: 'suspended' })),
    ).toEqual([403, 'shared-user']);
    expect(codeOf(await call(kurashikiAdmin, 'PATCH', `/admin/users/${id}`, { name: '偽名' }))).toEqual([
      403,
      'shared-user',
    ]);
    expect(
      codeOf(await call(kurashikiAdmin, 'PUT', `/admin/users/${id}/memberships`, { memberships: [] })),
    ).toEqual([403, 'shared-user']);
    const after = await hub.store.db
      .selectFrom('hub_user')
      .select(['status', 'name'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(after.status).toBe('active');
    expect(after.name).not.toBe('偽名');
    // The office may; so may a facility's admin for a user wholly of their facility.
    expect((await call(office, 'POST', `/admin/users/${id}/unlock`)).statusCode).toBe(200);
    expect(
      (await call(kurashikiAdmin, 'POST', `/admin/users/${kurashikiNurse.userId}/unlock`)).statusCode,
    ).toBe(200);
  });

  it('lets only the network office change a profession, with a clear error otherwise', async () => {
    const refused = await call(kurashikiAdmin, 'PATCH', `/admin/users/${kurashikiNurse.userId}`, {
      profession: 'doctor',
    });
    expect(codeOf(refused)).toEqual([403, 'office-only']);
    expect(refused.json().error.message).toContain('ネットワーク事務局');
    const ok = await call(office, 'PATCH', `/admin/users/${kurashikiNurse.userId}`, {
      profession: 'midwife',
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().user.profession).toBe('midwife');
  });

  it('refuses a care manager office a doctor, and lets it register a care manager; a hospital may register a doctor', async () => {
    const user = (profession: string, facilityOid: string) => ({
      loginId: `u${randomUUID().slice(0, 8)}`,
      name: '新規 利用者',
      profession,
      memberships: [{ facilityOid }],
    });
    const minted = await call(careAdmin, 'POST', '/admin/users', user('doctor', CARE_OFFICE));
    expect(codeOf(minted)).toEqual([403, 'profession-not-for-facility']);
    expect(minted.json().error.message).toMatch(/居宅介護支援事業所.*医師/);
    expect(
      (await call(careAdmin, 'POST', '/admin/users', user('care-manager', CARE_OFFICE))).statusCode,
    ).toBe(201);
    expect((await call(okadaiAdmin, 'POST', '/admin/users', user('doctor', OKADAI))).statusCode).toBe(201);
    expect((await call(office, 'POST', '/admin/users', user('doctor', CARE_OFFICE))).statusCode).toBe(201);
    // The CSV import is held to the same rule, line by line.
    const csv = `loginId,name,profession\ncsvdoc${randomUUID().slice(0, 6)},医師 花子,doctor\n`;
    const imported = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/admin/users/import',
      headers: { ...hub.as(careAdmin), 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(imported.statusCode).toBe(422);
    expect(JSON.stringify(imported.json())).toContain('profession-not-for-facility');
  });

  it('never lets a facility admin change a credential, status or profession outside their scope (random users)', async () => {
    const facilities = [OKADAI, KURASHIKI, CARE_OFFICE];
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(facilities, { minLength: 1 }),
        fc.constantFrom(okadaiAdmin, kurashikiAdmin, careAdmin),
        fc.constantFrom('reset-password', 'status', 'profession'),
        async (memberOf, admin, action) => {
          const target = await seedUser(hub.store, {
            facilityOid: memberOf[0] as string,
            profession: 'clerk',
          });
          for (const oid of memberOf.slice(1)) {
            await hub.store.db
              .insertInto('hub_membership')
              .values({
                user_id: target.userId,
                facility_oid: oid,
                role: 'member',
                created_at: new Date().toISOString(),
              })
              .execute();
          }
          const answer =
            action === 'reset-password'
              ? await call(admin, 'POST', `/admin/users/${target.userId}/reset-password`)
              : await call(admin, 'PATCH', `/admin/users/${target.userId}`, {
                  ...(action === 'status' ? { status: 'suspended' } : { profession: 'social-worker' }),
                });
          const whollyTheirs = memberOf.every((oid) => oid === admin.facilityOid);
          const allowed = action !== 'profession' && whollyTheirs;
          expect(answer.statusCode < 300, `${action} by ${admin.facilityOid} of ${memberOf.join(',')}`).toBe(
            allowed,
          );
          const row = await hub.store.db
            .selectFrom('hub_user')
            .select(['status', 'profession'])
            .where('id', '=', target.userId)
            .executeTakeFirstOrThrow();
          if (!allowed) expect(row).toEqual({ status: 'active', profession: 'clerk' });
        },
      ),
      { numRuns: 40 },
    );
  });
});
