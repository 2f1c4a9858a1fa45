import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubPrincipal } from '../http.js';
import { TEST_ENGINES } from '../testing/store.js';
import { apiCall, type HubUnderTest, hubUnderTest, seedFacility, seedUser } from '../testing.js';
import { createFacility, getFacility } from './facilities.js';
import { directoryRoutes } from './routes.js';
import { adminEvents, codeOf, csvPost, encodeShiftJis, KURASHIKI, OFFICE_OID, OKADAI } from './testing.js';

describe.each(TEST_ENGINES)('directory facilities on %s', (engine) => {
  let hub: HubUnderTest;
  let office: HubPrincipal;
  let doctor: HubPrincipal;
  let okadaiAdmin: HubPrincipal;

  beforeEach(async () => {
    hub = await hubUnderTest(engine, [directoryRoutes]);
    await seedFacility(hub.store, {
      oid: OFFICE_OID,
      name: '晴れやかネット事務局',
      type: 'network-office',
      discloses: false,
    });
    await seedFacility(hub.store, { oid: OKADAI, name: '岡山大学病院', code: '3319800011' });
    office = await seedUser(hub.store, { facilityOid: OFFICE_OID, profession: 'office' });
    doctor = await seedUser(hub.store, { facilityOid: OKADAI, profession: 'doctor' });
    okadaiAdmin = await seedUser(hub.store, { facilityOid: OKADAI, profession: 'clerk', role: 'admin' });
  });
  afterEach(() => hub.dispose());

  const call = apiCall(() => hub);
  const csvCall = csvPost(() => hub);

  it('registers a facility with the OID derived from the institution code, warning on a suspicious check digit', async () => {
    const created = await call(office, 'POST', '/admin/facilities', {
      code: '3310210012',
      name: '倉敷中央病院',
      nameKana: 'クラシキチュウオウビョウイン',
      type: 'hospital',
      discloses: true,
      gatewayUrl: 'https://gw.kchnet.example/fhir',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      facility: {
        oid: KURASHIKI,
        prefecture: '33',
        discloses: true,
        views: true,
        status: 'active',
        typeLabel: { ja: '病院' },
      },
      warnings: [],
    });
    const typo = await call(office, 'POST', '/admin/facilities', {
      code: '3319800012',
      name: '入力誤り',
      type: 'clinic',
    });
    expect(typo.statusCode).toBe(201);
    expect(typo.json().warnings).toEqual([expect.objectContaining({ code: 'check-digit' })]);

    const events = await adminEvents(hub.store);
    expect(events.map((e) => [e.action, e.detail?.operation, e.entities?.[0], e.agent?.userId])).toEqual([
      ['C', 'facility-create', `Organization/${KURASHIKI}`, office.userId],
      ['C', 'facility-create', 'Organization/1.2.392.200284.33.3319800012', office.userId],
    ]);
    expect(JSON.parse(events[0]!.detail!.changes!)).toMatchObject({
      name: '倉敷中央病院',
      code: '3310210012',
    });
  });

  it('refuses duplicates, bad codes and unknown types with precise codes', async () => {
    expect(
      codeOf(
        await call(office, 'POST', '/admin/facilities', { code: '3319800011', name: 'x', type: 'hospital' }),
      ),
    ).toEqual([409, 'duplicate-oid']);
    expect(
      codeOf(
        await call(office, 'POST', '/admin/facilities', {
          oid: '1.2.392.1',
          code: '3319800011',
          name: 'x',
          type: 'hospital',
        }),
      ),
    ).toEqual([409, 'duplicate-code']);
    expect(
      codeOf(
        await call(office, 'POST', '/admin/facilities', { code: '3318800061', name: 'x', type: 'castle' }),
      ),
    ).toEqual([400, 'unknown-facility-type']);
    expect(codeOf(await call(office, 'POST', '/admin/facilities', { name: 'x', type: 'clinic' }))).toEqual([
      400,
      'oid-required',
    ]);
    expect(
      codeOf(await call(office, 'POST', '/admin/facilities', { code: '33198', name: 'x', type: 'clinic' })),
    ).toEqual([400, 'invalid-request']);
    // Prefecture 01 would make an arc with a leading zero: refused unless the OID is given.
    expect(
      codeOf(
        await call(office, 'POST', '/admin/facilities', { code: '0112345678', name: '札幌', type: 'clinic' }),
      ),
    ).toEqual([400, 'invalid-oid']);
    const explicit = await call(office, 'POST', '/admin/facilities', {
      oid: '1.2.392.200284.1.10112345678',
      code: '0112345678',
      name: '札幌',
      type: 'clinic',
    });
    expect(explicit.json().facility).toMatchObject({ oid: '1.2.392.200284.1.10112345678', prefecture: '01' });
  });

  it('derives OIDs from the configured root', async () => {
    const other = await hubUnderTest(engine, [], { settings: { oidRoot: '1.2.392.999' } });
    try {
      const { facility } = await createFacility(other.deps, {
        code: '3418010017',
        name: '広島大学病院',
        type: 'hospital',
      });
      expect(facility.oid).toBe('1.2.392.999.34.3418010017');
      expect((await adminEvents(other.store))[0]?.agent?.userId).toBe('system');
    } finally {
      await other.dispose();
    }
  });

  it('changes a facility, audits what changed, and never changes the OID', async () => {
    const changed = await call(office, 'PATCH', `/admin/facilities/${OKADAI}`, {
      status: 'suspended',
      phone: '086-223-7151',
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().facility).toMatchObject({
      oid: OKADAI,
      status: 'suspended',
      phone: '086-223-7151',
    });
    const last = (await adminEvents(hub.store)).at(-1)!;
    expect([last.action, last.detail?.operation, JSON.parse(last.detail!.changes!)]).toEqual([
      'U',
      'facility-update',
      { status: 'suspended', phone: '086-223-7151' },
    ]);
    expect(codeOf(await call(office, 'PATCH', `/admin/facilities/${OKADAI}`, { oid: '1.2.3' }))).toEqual([
      400,
      'invalid-request',
    ]);
    expect(codeOf(await call(office, 'PATCH', '/admin/facilities/1.2.3.4', { name: 'x' }))).toEqual([
      404,
      'not-found',
    ]);
    const typo = await call(office, 'PATCH', `/admin/facilities/${OKADAI}`, { code: '3319800012' });
    expect(typo.json().warnings).toEqual([expect.objectContaining({ code: 'check-digit' })]);
  });

  it('keeps facility administration to the office; a facility administrator may read their own facility', async () => {
    for (const principal of [doctor, okadaiAdmin]) {
      expect(codeOf(await call(principal, 'GET', '/admin/facilities'))).toEqual([403, 'office-only']);
      expect(
        codeOf(
          await call(principal, 'POST', '/admin/facilities', {
            code: '3318800061',
            name: 'x',
            type: 'hospital',
          }),
        ),
      ).toEqual([403, 'office-only']);
      expect(codeOf(await call(principal, 'PATCH', `/admin/facilities/${OKADAI}`, { name: 'x' }))).toEqual([
        403,
        'office-only',
      ]);
      expect(codeOf(await call(principal, 'POST', `/admin/facilities/${OKADAI}/feed-token`))).toEqual([
        403,
        'office-only',
      ]);
      expect(codeOf(await call(principal, 'GET', '/admin/facilities.csv'))).toEqual([403, 'office-only']);
      expect(
        codeOf(await csvCall(principal, '/admin/facilities/import', 'OID,名称,種別\n1.2.3,x,clinic')),
      ).toEqual([403, 'office-only']);
      expect(codeOf(await call(principal, 'GET', `/admin/facilities/${OFFICE_OID}`))).toEqual([
        403,
        'office-only',
      ]);
    }
    expect(codeOf(await call(doctor, 'GET', `/admin/facilities/${OKADAI}`))).toEqual([403, 'office-only']);
    expect((await call(okadaiAdmin, 'GET', `/admin/facilities/${OKADAI}`)).json()).toMatchObject({
      oid: OKADAI,
      name: '岡山大学病院',
    });
    expect(codeOf(await call(null, 'GET', '/admin/facilities'))).toEqual([401, 'not-authenticated']);
    expect((await adminEvents(hub.store)).length).toBe(0);
  });

  it('issues feed tokens once, storing only their SHA-256', async () => {
    const first = await call(office, 'POST', `/admin/facilities/${OKADAI}/feed-token`);
    expect(first.statusCode).toBe(201);
    const { token } = first.json();
    const stored = async () =>
      (
        await hub.store.db
          .selectFrom('hub_facility')
          .select('feed_token_hash')
          .where('oid', '=', OKADAI)
          .executeTakeFirstOrThrow()
      ).feed_token_hash;
    expect(await stored()).toBe(createHash('sha256').update(token).digest('hex'));
    const second = (await call(office, 'POST', `/admin/facilities/${OKADAI}/feed-token`)).json().token;
    expect(second).not.toBe(token);
    expect(await stored()).toBe(createHash('sha256').update(second).digest('hex'));
    expect((await getFacility(hub.store, OKADAI))?.hasFeedToken).toBe(true);
    expect(JSON.stringify(await adminEvents(hub.store))).not.toContain(token);
    expect(codeOf(await call(office, 'POST', '/admin/facilities/1.2.3.4/feed-token'))).toEqual([
      404,
      'not-found',
    ]);
  });

  it('lists active facilities by role and the code lists to every logged-in user', async () => {
    await seedFacility(hub.store, {
      oid: '1.2.392.200284.33.4310000001',
      name: '薬局',
      type: 'pharmacy',
      discloses: false,
    });
    await seedFacility(hub.store, {
      oid: '1.2.392.200284.33.3310000002',
      name: '退会医院',
      status: 'withdrawn',
    });
    const oids = async (query: string) =>
      (await call(doctor, 'GET', `/directory/facilities${query}`))
        .json()
        .facilities.map((f: { oid: string }) => f.oid)
        .sort();
    expect(await oids('')).toEqual([OFFICE_OID, OKADAI, '1.2.392.200284.33.4310000001'].sort());
    expect(await oids('?role=discloses')).toEqual([OKADAI]);
    expect(await oids('?role=views')).toHaveLength(3);
    const professions = (await call(doctor, 'GET', '/directory/professions')).json().professions;
    expect(professions).toContainEqual(
      expect.objectContaining({ code: 'pharmacist', ja: '薬剤師', en: 'Pharmacist' }),
    );
    const types = (await call(doctor, 'GET', '/directory/facility-types')).json().facilityTypes;
    expect(types).toContainEqual({
      code: 'visiting-nursing',
      ja: '訪問看護ステーション',
      en: 'Visiting nursing station',
    });
    expect(codeOf(await call(null, 'GET', '/directory/facilities'))).toEqual([401, 'not-authenticated']);
  });

  it('exports CSV with a BOM that imports back unchanged', async () => {
    await call(office, 'PATCH', `/admin/facilities/${OKADAI}`, {
      phone: '+81-86-223-7151',
      address: '岡山市北区鹿田町2-5-1',
    });
    const exported = await call(office, 'GET', '/admin/facilities.csv');
    expect(exported.headers['content-type']).toContain('text/csv');
    expect(exported.body.startsWith('\uFEFF医療機関コード') || exported.body.startsWith('\uFEFFOID')).toBe(
      true,
    );
    expect(exported.body).toContain('岡山大学病院');
    const reimported = await csvCall(office, '/admin/facilities/import', Buffer.from(exported.rawPayload));
    expect(reimported.statusCode).toBe(200);
    expect(reimported.json()).toMatchObject({
      ok: true,
      summary: { create: 0, update: 0, unchanged: 2, errors: 0 },
    });
    expect((await getFacility(hub.store, OKADAI))?.phone).toBe('+81-86-223-7151');
  });

  it('imports a Shift_JIS file with English headers: dry run first, then all rows in one go', async () => {
    const csv = [
      'Institution code,Name,Name kana,Type,Discloses,Views,Gateway URL',
      '3310210012,倉敷中央病院,クラシキチュウオウビョウイン,病院,1,1,http://127.0.0.1:8102',
      '3318800061,岡山赤十字病院,オカヤマセキジュウジビョウイン,hospital,はい,はい,',
      '3319800011,岡山大学病院,オカヤマダイガクビョウイン,病院,1,1,http://127.0.0.1:8101',
      '3340000019,入力誤り薬局,,薬局,0,1,',
    ].join('\r\n');
    const body = encodeShiftJis(csv);
    const dry = await csvCall(office, '/admin/facilities/import?dryRun=true', body);
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({
      dryRun: true,
      ok: true,
      summary: { create: 3, update: 1, unchanged: 0 },
      warnings: [{ line: 5, code: 'check-digit' }],
    });
    expect(await getFacility(hub.store, KURASHIKI)).toBeNull();

    const done = await csvCall(office, '/admin/facilities/import', body);
    expect(done.json()).toMatchObject({ dryRun: false, ok: true, summary: { create: 3, update: 1 } });
    expect(await getFacility(hub.store, KURASHIKI)).toMatchObject({
      name: '倉敷中央病院',
      nameKana: 'クラシキチュウオウビョウイン',
      discloses: true,
      gatewayUrl: 'http://127.0.0.1:8102',
    });
    expect(await getFacility(hub.store, '1.2.392.200284.33.3340000019')).toMatchObject({
      type: 'pharmacy',
      discloses: false,
    });
    expect(await getFacility(hub.store, OKADAI)).toMatchObject({ nameKana: 'オカヤマダイガクビョウイン' });
    const operations = (await adminEvents(hub.store)).map((e) => e.detail?.operation);
    expect(operations.filter((o) => o === 'facility-import-create')).toHaveLength(3);
    expect(operations.filter((o) => o === 'facility-import-update')).toHaveLength(1);
  });

  it('imports nothing when any row is wrong, naming each line', async () => {
    const csv = [
      '医療機関コード,名称,種別,開示',
      '3310210012,倉敷中央病院,病院,1',
      '3318800061,岡山赤十字病院,お城,1',
      '3310210012,倉敷中央病院（重複）,病院,1',
      '3318800079,どこか,clinic,たぶん',
      ',名無し,clinic,0',
    ].join('\n');
    const refused = await csvCall(office, '/admin/facilities/import', csv);
    expect(codeOf(refused)).toEqual([422, 'csv-invalid']);
    expect(
      refused.json().error.details.errors.map((e: { line: number; code: string }) => [e.line, e.code]),
    ).toEqual([
      [3, 'unknown-facility-type'],
      [4, 'duplicate-in-file'],
      [5, 'invalid-value'],
      [6, 'oid-required'],
    ]);
    expect(await getFacility(hub.store, KURASHIKI)).toBeNull();
    expect((await adminEvents(hub.store)).length).toBe(0);
    const dry = await csvCall(office, '/admin/facilities/import?dryRun=1', csv);
    expect(dry.json()).toMatchObject({ ok: false, summary: { create: 1, errors: 4 } });
    expect(codeOf(await csvCall(office, '/admin/facilities/import', '名称,種別\nx,clinic'))).toEqual([
      400,
      'csv-header',
    ]);
    expect(codeOf(await csvCall(office, '/admin/facilities/import', '{}', 'application/json'))).toEqual([
      400,
      'csv-empty',
    ]);
  });
});
