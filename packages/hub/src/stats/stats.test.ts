import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentOf, auditHub } from '../audit-record.js';
import type { HubPrincipal } from '../http.js';
import { TEST_ENGINES } from '../testing/store.js';
import {
  type HubUnderTest,
  hubUnderTest,
  seedConsent,
  seedFacility,
  seedPerson,
  seedUser,
} from '../testing.js';
import { statsRoutes } from './routes.js';

const oid = (code: string) => `1.2.392.200284.33.${code}`;
const A = oid('3319800011');
const B = oid('3310100012');
const C = oid('3311610020');
const D = oid('3311610038');
const E = oid('3340100017');
const O = oid('9999999999');
const W = oid('3319800029');

describe.each(TEST_ENGINES)('statistics on %s', (engine) => {
  let hub: HubUnderTest;
  let office: HubPrincipal;
  let doctor: HubPrincipal;

  beforeAll(async () => {
    // 1 April 2025, 00:30 in Japan: still 31 March in UTC.
    hub = await hubUnderTest(engine, [statsRoutes], { now: () => new Date('2025-03-31T15:30:00.000Z') });
    const s = hub.store;
    await seedFacility(s, { oid: A, name: '岡山大学病院', type: 'hospital' });
    await seedFacility(s, { oid: B, name: '倉敷中央病院', type: 'hospital' });
    await seedFacility(s, { oid: C, name: '氏平医院', type: 'clinic', discloses: false });
    await seedFacility(s, { oid: D, name: '小塚内科', type: 'clinic' });
    await seedFacility(s, { oid: E, name: '東山薬局', type: 'pharmacy', discloses: false });
    await seedFacility(s, { oid: O, name: '事務局', type: 'network-office', discloses: false, views: false });
    await seedFacility(s, { oid: W, name: '退会病院', type: 'hospital', status: 'withdrawn' });
    doctor = await seedUser(s, { facilityOid: A, profession: 'doctor' });
    const nurse = await seedUser(s, { facilityOid: A, profession: 'nurse' });
    // The nurse also works at hospital B: still one ID for hospitals.
    await s.db
      .insertInto('hub_membership')
      .values({
        user_id: nurse.userId,
        facility_oid: B,
        role: 'member',
        created_at: '2025-01-01T00:00:00.000Z',
      })
      .execute();
    await seedUser(s, { facilityOid: C, profession: 'doctor' });
    const pharmacist = await seedUser(s, { facilityOid: E, profession: 'pharmacist' });
    office = await seedUser(s, { facilityOid: O, profession: 'office' });
    await seedUser(s, { facilityOid: B, profession: 'doctor', status: 'retired' });
    await seedUser(s, { facilityOid: W, profession: 'doctor' });

    // Consents in force on 1 April (Japan): P1 at A and B (one person), P5 at D from today, and one
    // for a local id the index does not know yet. Not in force: withdrawn, ended 31 March, starts tomorrow.
    await seedPerson(s, [
      { facilityOid: A, localId: 'a1' },
      { facilityOid: B, localId: 'b1' },
    ]);
    await seedPerson(s, [{ facilityOid: D, localId: 'd2' }]);
    await seedPerson(s, [{ facilityOid: A, localId: 'a3' }]);
    await seedPerson(s, [{ facilityOid: B, localId: 'b4' }]);
    await seedPerson(s, [{ facilityOid: D, localId: 'd5' }]);
    await seedConsent(s, { facilityOid: A, localId: 'a1', viewers: [C] });
    await seedConsent(s, { facilityOid: B, localId: 'b1', viewers: 'all' });
    await seedConsent(s, { facilityOid: D, localId: 'd2', viewers: 'all', status: 'withdrawn' });
    await seedConsent(s, { facilityOid: A, localId: 'a3', viewers: 'all', endDate: '2025-03-31' });
    await seedConsent(s, { facilityOid: B, localId: 'b4', viewers: 'all', startDate: '2025-04-02' });
    await seedConsent(s, { facilityOid: D, localId: 'd5', viewers: 'all', startDate: '2025-04-01' });
    await seedConsent(s, { facilityOid: A, localId: 'x9', viewers: 'all' });

    const at = (iso: string, type: 'view' | 'search' | 'break-glass' | 'login', outcome: '0' | '4' = '0') =>
      auditHub({ store: s, now: () => new Date(iso) }, [
        {
          type,
          action: type === 'view' ? 'R' : 'E',
          outcome,
          agent: agentOf(type === 'search' ? pharmacist : doctor),
        },
      ]);
    await at('2025-01-31T14:59:59.000Z', 'view'); // 31 January, 23:59:59 in Japan
    await at('2025-01-31T15:00:00.000Z', 'view'); // 1 February, 00:00 in Japan
    await at('2025-02-14T03:00:00.000Z', 'view', '4'); // denied: not a view
    await at('2025-02-14T03:00:00.000Z', 'search');
    await at('2025-03-10T03:00:00.000Z', 'break-glass');
    await at('2025-03-10T03:00:00.000Z', 'login');
  });
  afterAll(() => hub.dispose());

  const get = (url: string, who: HubPrincipal = office) =>
    hub.app.inject({ url: `/api/v1${url}`, headers: hub.as(who) });

  it('counts facilities by type with their share, disclosing and viewing facilities, and IDs', async () => {
    const stats = (await get('/admin/stats')).json();
    expect(stats.asOf).toBe('2025-04-01');
    expect(stats.facilities).toEqual({
      total: 6,
      disclosing: 3,
      viewing: 5,
      byType: [
        {
          type: 'hospital',
          label: { ja: '病院', en: 'Hospital' },
          facilities: 2,
          share: 33.3,
          disclosing: 2,
          viewing: 2,
          users: 2,
        },
        {
          type: 'clinic',
          label: { ja: '診療所', en: 'Clinic' },
          facilities: 2,
          share: 33.3,
          disclosing: 1,
          viewing: 2,
          users: 1,
        },
        {
          type: 'pharmacy',
          label: { ja: '薬局', en: 'Pharmacy' },
          facilities: 1,
          share: 16.7,
          disclosing: 0,
          viewing: 1,
          users: 1,
        },
        {
          type: 'network-office',
          label: { ja: 'ネットワーク事務局', en: 'Network office' },
          facilities: 1,
          share: 16.7,
          disclosing: 0,
          viewing: 0,
          users: 1,
        },
      ],
    });
    expect(stats.users).toEqual({
      total: 6,
      byProfession: [
        { profession: 'doctor', label: { ja: '医師', en: 'Doctor' }, users: 3 },
        { profession: 'pharmacist', label: { ja: '薬剤師', en: 'Pharmacist' }, users: 1 },
        { profession: 'nurse', label: { ja: '看護師', en: 'Nurse' }, users: 1 },
        { profession: 'office', label: { ja: 'ネットワーク事務局', en: 'Network office' }, users: 1 },
      ],
    });
  });

  it('counts consented patients on the Japanese day: distinct persons with a consent in force', async () => {
    const stats = (await get('/admin/stats')).json();
    expect([stats.consentedPatients, stats.activeConsents]).toEqual([2, 4]);
  });

  it('counts successful views, searches and break-the-glass per month in Japan time', async () => {
    const stats = (await get('/admin/stats')).json();
    expect(stats.perMonth).toEqual([
      { month: '2025-01', views: 1, searches: 0, breakGlass: 0 },
      { month: '2025-02', views: 1, searches: 1, breakGlass: 0 },
      { month: '2025-03', views: 0, searches: 0, breakGlass: 1 },
    ]);
    const february = (await get('/admin/stats?from=2025-02&to=2025-02')).json();
    expect(february.perMonth).toEqual([{ month: '2025-02', views: 1, searches: 1, breakGlass: 0 }]);
  });

  it('serves the tables as CSV with a BOM and Japanese headers', async () => {
    const facilities = await get('/admin/stats.csv?table=facilities');
    expect(facilities.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(facilities.headers['content-disposition']).toBe(
      'attachment; filename="stats-facilities-2025-04-01.csv"',
    );
    expect(facilities.body.split('\r\n')).toEqual([
      '\uFEFF施設種別,種別コード,施設数,割合(%),開示施設数,閲覧施設数,ID数',
      '病院,hospital,2,33.3,2,2,2',
      '診療所,clinic,2,33.3,1,2,1',
      '薬局,pharmacy,1,16.7,0,1,1',
      'ネットワーク事務局,network-office,1,16.7,0,0,1',
      '計,total,6,100,3,5,6',
      '',
    ]);
    const users = (await get('/admin/stats.csv?table=users')).body.split('\r\n');
    expect(users[0]).toBe('\uFEFF職種,職種コード,ID数');
    expect(users).toContain('医師,doctor,3');
    expect(users.at(-2)).toBe('計,total,6');
    const views = (await get('/admin/stats.csv?table=views&from=2025-02')).body.split('\r\n');
    expect(views).toEqual([
      '\uFEFF年月,閲覧件数,検索件数,緊急時閲覧（ブレイクグラス）件数',
      '2025-02,1,1,0',
      '2025-03,0,0,1',
      '',
    ]);
  });

  it('is for the network office only, and checks its parameters', async () => {
    const refused = await get('/admin/stats', doctor);
    expect([refused.statusCode, refused.json().error.code]).toEqual([403, 'office-only']);
    expect((await get('/admin/stats.csv?table=facilities', doctor)).statusCode).toBe(403);
    expect((await get('/admin/stats.csv?table=patients')).json().error.code).toBe('invalid-request');
    expect((await get('/admin/stats?from=2025-13')).statusCode).toBe(400);
    expect((await hub.app.inject({ url: '/api/v1/admin/stats' })).statusCode).toBe(401);
  });
});
