import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../auth/password.js';
import type { HubPrincipal } from '../http.js';
import { TEST_ENGINES } from '../testing/store.js';
import { apiCall, type HubUnderTest, hubUnderTest, seedFacility, seedUser } from '../testing.js';
import { directoryRoutes } from './routes.js';
import { adminEvents, codeOf, csvPost, encodeShiftJis, KURASHIKI, OFFICE_OID, OKADAI } from './testing.js';
import { createUser, findUserByLoginId, getUser } from './users.js';

describe.each(TEST_ENGINES)('directory users on %s', (engine) => {
  let hub: HubUnderTest;
  let office: HubPrincipal;
  let okadaiAdmin: HubPrincipal;
  let okadaiDoctor: HubPrincipal;
  let kurashikiNurse: HubPrincipal;

  beforeEach(async () => {
    hub = await hubUnderTest(engine, [directoryRoutes]);
    await seedFacility(hub.store, { oid: OFFICE_OID, name: '晴れやかネット事務局', type: 'network-office' });
    await seedFacility(hub.store, { oid: OKADAI, name: '岡山大学病院' });
    await seedFacility(hub.store, { oid: KURASHIKI, name: '倉敷中央病院' });
    office = await seedUser(hub.store, { facilityOid: OFFICE_OID, profession: 'office' });
    okadaiAdmin = await seedUser(hub.store, { facilityOid: OKADAI, profession: 'clerk', role: 'admin' });
    okadaiDoctor = await seedUser(hub.store, { facilityOid: OKADAI, profession: 'doctor' });
    kurashikiNurse = await seedUser(hub.store, { facilityOid: KURASHIKI, profession: 'nurse' });
  });
  afterEach(() => hub.dispose());

  const call = apiCall(() => hub);
  const csvCall = csvPost(() => hub);
  const credential = (userId: string) =>
    hub.store.db
      .selectFrom('hub_credential')
      .selectAll()
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();

  it('registers a user with an argon2id initial password that must be changed', async () => {
    const created = await call(office, 'POST', '/admin/users', {
      loginId: 'Sato.Hanako',
      name: '佐藤 花子',
      nameKana: 'サトウ ハナコ',
      profession: 'pharmacist',
      memberships: [{ facilityOid: KURASHIKI, role: 'admin' }],
    });
    expect(created.statusCode).toBe(201);
    const { user, initialPassword } = created.json();
    expect(user).toMatchObject({
      loginId: 'sato.hanako',
      professionLabel: { ja: '薬剤師' },
      status: 'active',
      memberships: [{ facilityOid: KURASHIKI, facilityName: '倉敷中央病院', role: 'admin' }],
    });
    const stored = await credential(user.id);
    expect(stored).toMatchObject({ must_change: 1, failed_count: 0, totp_secret: null, locked_until: null });
    expect(stored.password_hash.startsWith('$argon2id$')).toBe(true);
    expect(await verifyPassword(stored.password_hash, initialPassword)).toBe(true);

    const given = await call(office, 'POST', '/admin/users', {
      loginId: 'yamada',
      name: '山田 太郎',
      profession: 'doctor',
      password: 'correct horse battery',
      memberships: [{ facilityOid: OKADAI }],
    });
    expect(given.json().initialPassword).toBeUndefined();
    expect(
      await verifyPassword((await credential(given.json().user.id)).password_hash, 'correct horse battery'),
    ).toBe(true);

    const last = (await adminEvents(hub.store)).at(-1)!;
    expect([last.action, last.detail?.operation, last.agent?.userId]).toEqual([
      'C',
      'user-create',
      office.userId,
    ]);
    expect(last.detail?.changes).not.toContain('correct horse');
    expect((await findUserByLoginId(hub.store, 'YAMADA'))?.name).toBe('山田 太郎');
  });

  it('refuses duplicate login IDs, unknown professions and facilities with precise codes', async () => {
    const base = { name: 'x', profession: 'nurse', memberships: [{ facilityOid: OKADAI }] };
    expect((await call(office, 'POST', '/admin/users', { ...base, loginId: 'suzuki' })).statusCode).toBe(201);
    expect(codeOf(await call(office, 'POST', '/admin/users', { ...base, loginId: 'SUZUKI' }))).toEqual([
      409,
      'duplicate-login-id',
    ]);
    expect(codeOf(await call(office, 'POST', '/admin/users', { ...base, loginId: 'b1' }))).toEqual([
      400,
      'invalid-request',
    ]);
    expect(
      codeOf(await call(office, 'POST', '/admin/users', { ...base, loginId: 'b12', profession: 'wizard' })),
    ).toEqual([400, 'unknown-profession']);
    expect(
      codeOf(
        await call(office, 'POST', '/admin/users', {
          ...base,
          loginId: 'b13',
          memberships: [{ facilityOid: '1.2.3.4' }],
        }),
      ),
    ).toEqual([400, 'unknown-facility']);
    expect(
      codeOf(await call(office, 'POST', '/admin/users', { ...base, loginId: 'b14', password: 'short' })),
    ).toEqual([400, 'invalid-request']);
    expect(
      codeOf(await call(office, 'POST', '/admin/users', { ...base, loginId: 'b15', memberships: [] })),
    ).toEqual([400, 'invalid-request']);
  });

  it('lets a facility administrator manage only their own facility’s users', async () => {
    const listed = (await call(okadaiAdmin, 'GET', '/admin/users')).json();
    expect(listed.users.map((u: { id: string }) => u.id).sort()).toEqual(
      [okadaiAdmin.userId, okadaiDoctor.userId].sort(),
    );
    expect(listed.total).toBe(2);
    expect((await call(office, 'GET', '/admin/users')).json().total).toBe(4);

    // Another facility's user looks exactly like an unknown id.
    for (const id of [kurashikiNurse.userId, 'no-such-user']) {
      expect(codeOf(await call(okadaiAdmin, 'GET', `/admin/users/${id}`))).toEqual([404, 'not-found']);
      expect(codeOf(await call(okadaiAdmin, 'PATCH', `/admin/users/${id}`, { name: 'x' }))).toEqual([
        404,
        'not-found',
      ]);
      expect(
        codeOf(await call(okadaiAdmin, 'PUT', `/admin/users/${id}/memberships`, { memberships: [] })),
      ).toEqual([404, 'not-found']);
    }
    expect(codeOf(await call(okadaiAdmin, 'GET', `/admin/users/${office.userId}`))).toEqual([
      404,
      'not-found',
    ]);

    const base = { name: '研修医', profession: 'doctor' };
    const own = await call(okadaiAdmin, 'POST', '/admin/users', {
      ...base,
      loginId: 'resident',
      memberships: [{ facilityOid: OKADAI }],
    });
    expect(own.statusCode).toBe(201);
    expect(
      codeOf(
        await call(okadaiAdmin, 'POST', '/admin/users', {
          ...base,
          loginId: 'res2',
          memberships: [{ facilityOid: KURASHIKI }],
        }),
      ),
    ).toEqual([403, 'own-facility-only']);
    expect(
      codeOf(
        await call(okadaiAdmin, 'POST', '/admin/users', {
          ...base,
          loginId: 'res3',
          profession: 'office',
          memberships: [{ facilityOid: OKADAI }],
        }),
      ),
    ).toEqual([403, 'office-only']);
    expect(
      codeOf(
        await call(okadaiAdmin, 'PATCH', `/admin/users/${okadaiDoctor.userId}`, { profession: 'office' }),
      ),
    ).toEqual([403, 'office-only']);
    const renamed = await call(okadaiAdmin, 'PATCH', `/admin/users/${okadaiDoctor.userId}`, {
      status: 'suspended',
    });
    expect(renamed.json().user.status).toBe('suspended');

    // Plain members administer nothing.
    for (const [method, url] of [
      ['GET', '/admin/users'],
      ['GET', `/admin/users/${okadaiAdmin.userId}`],
      ['GET', '/admin/users.csv'],
    ] as const) {
      expect(codeOf(await call(okadaiDoctor, method, url))).toEqual([403, 'office-only']);
    }
    expect(
      codeOf(
        await call(okadaiDoctor, 'POST', '/admin/users', {
          ...base,
          loginId: 'res4',
          memberships: [{ facilityOid: OKADAI }],
        }),
      ),
    ).toEqual([403, 'office-only']);
    expect(codeOf(await csvCall(okadaiDoctor, '/admin/users/import', 'ログインID\nabc'))).toEqual([
      403,
      'office-only',
    ]);
  });

  it('replaces memberships: all for the office; a facility administrator only for users wholly of their facility', async () => {
    const both = await call(office, 'PUT', `/admin/users/${okadaiDoctor.userId}/memberships`, {
      memberships: [
        { facilityOid: OKADAI, role: 'member' },
        { facilityOid: KURASHIKI, role: 'member' },
      ],
    });
    expect(both.json().user.memberships).toHaveLength(2);
    // Shared with 倉敷中央病院 now: the person's memberships are the office's to change (issue 10, finding 4).
    expect(
      codeOf(
        await call(okadaiAdmin, 'PUT', `/admin/users/${okadaiDoctor.userId}/memberships`, {
          memberships: [{ facilityOid: OKADAI, role: 'admin' }],
        }),
      ),
    ).toEqual([403, 'shared-user']);
    const promoted = await call(office, 'PUT', `/admin/users/${okadaiDoctor.userId}/memberships`, {
      memberships: [
        { facilityOid: OKADAI, role: 'admin' },
        { facilityOid: KURASHIKI, role: 'member' },
      ],
    });
    expect(promoted.statusCode).toBe(200);
    expect(
      (await getUser(hub.store, okadaiDoctor.userId))?.memberships.map((m) => [m.facilityOid, m.role]),
    ).toEqual(
      [
        [KURASHIKI, 'member'],
        [OKADAI, 'admin'],
      ].sort(),
    );
    expect(
      codeOf(
        await call(okadaiAdmin, 'PUT', `/admin/users/${okadaiDoctor.userId}/memberships`, {
          memberships: [{ facilityOid: KURASHIKI, role: 'admin' }],
        }),
      ),
    ).toEqual([403, 'own-facility-only']);
    expect(
      codeOf(
        await call(okadaiAdmin, 'PUT', `/admin/users/${okadaiAdmin.userId}/memberships`, {
          memberships: [{ facilityOid: OKADAI, role: 'member' }],
        }),
      ),
    ).toEqual([409, 'self-lockout']);
    expect(
      codeOf(await call(okadaiAdmin, 'PATCH', `/admin/users/${okadaiAdmin.userId}`, { status: 'retired' })),
    ).toEqual([409, 'self-lockout']);
    // The office detaches the user from 岡山大学病院, leaving the other membership.
    await call(office, 'PUT', `/admin/users/${okadaiDoctor.userId}/memberships`, {
      memberships: [{ facilityOid: KURASHIKI, role: 'member' }],
    });
    expect((await getUser(hub.store, okadaiDoctor.userId))?.memberships.map((m) => m.facilityOid)).toEqual([
      KURASHIKI,
    ]);
    expect(codeOf(await call(okadaiAdmin, 'GET', `/admin/users/${okadaiDoctor.userId}`))).toEqual([
      404,
      'not-found',
    ]);

    const operations = (await adminEvents(hub.store)).map((e) => [e.detail?.operation, e.agent?.userId]);
    expect(operations).toEqual([
      ['user-memberships', office.userId],
      ['user-memberships', office.userId],
      ['user-memberships', office.userId],
    ]);
  });

  it('round-trips users through CSV, importing Excel’s Shift_JIS with generated passwords', async () => {
    const csv = [
      'ログインID,氏名,氏名カナ,職種,メールアドレス,所属',
      `tanaka,田中 一郎,タナカ イチロウ,医師,tanaka@example.jp,${OKADAI}:施設管理者;${KURASHIKI}`,
      `kimura,木村 薫,キムラ カオル,薬剤師,,${KURASHIKI}`,
    ].join('\r\n');
    const dry = await csvCall(office, '/admin/users/import?dryRun=true', encodeShiftJis(csv));
    expect(dry.json()).toMatchObject({
      dryRun: true,
      ok: true,
      summary: { create: 2 },
      initialPasswords: [],
    });
    expect(await findUserByLoginId(hub.store, 'tanaka')).toBeNull();

    const done = await csvCall(office, '/admin/users/import', encodeShiftJis(csv));
    expect(done.statusCode).toBe(200);
    const { initialPasswords } = done.json();
    expect(initialPasswords.map((p: { line: number; loginId: string }) => [p.line, p.loginId])).toEqual([
      [2, 'tanaka'],
      [3, 'kimura'],
    ]);
    const tanaka = (await findUserByLoginId(hub.store, 'tanaka'))!;
    expect(tanaka).toMatchObject({ name: '田中 一郎', profession: 'doctor', email: 'tanaka@example.jp' });
    expect(tanaka.memberships.map((m) => [m.facilityOid, m.role]).sort()).toEqual(
      [
        [OKADAI, 'admin'],
        [KURASHIKI, 'member'],
      ].sort(),
    );
    expect(
      await verifyPassword((await credential(tanaka.id)).password_hash, initialPasswords[0].password),
    ).toBe(true);

    const exported = await call(office, 'GET', '/admin/users.csv');
    expect(exported.body.startsWith('\uFEFF利用者ID,ログインID')).toBe(true);
    expect(exported.body).not.toContain('argon2');
    const again = await csvCall(office, '/admin/users/import', Buffer.from(exported.rawPayload));
    expect(again.json()).toMatchObject({ ok: true, summary: { create: 0, update: 0, unchanged: 6 } });

    const edited = exported.body.replace('田中 一郎', '田中 一朗');
    const updated = await csvCall(office, '/admin/users/import', edited);
    expect(updated.json()).toMatchObject({ summary: { update: 1, unchanged: 5 } });
    expect((await getUser(hub.store, tanaka.id))?.name).toBe('田中 一朗');
    const operations = (await adminEvents(hub.store)).map((e) => e.detail?.operation);
    expect(operations.filter((o) => o === 'user-import-create')).toHaveLength(2);
    expect(operations.filter((o) => o === 'user-import-update')).toHaveLength(1);
  });

  it('imports no user when any row is wrong, naming each line', async () => {
    const csv = [
      'Login ID,Name,Profession,Memberships,Initial password',
      `ok.user,大丈夫,nurse,${OKADAI},`,
      `bad user,空白入り,nurse,${OKADAI},`,
      `wizard,魔法使い,魔法使い,${OKADAI},`,
      `ok.user,重複,nurse,${OKADAI},`,
      'nowhere,所属なし,nurse,1.2.3.4,',
      `${okadaiDoctor.loginId},既存,doctor,,secret-password-1`,
      `short,短い,nurse,${OKADAI},abc`,
    ].join('\n');
    const refused = await csvCall(office, '/admin/users/import', csv);
    expect(codeOf(refused)).toEqual([422, 'csv-invalid']);
    expect(
      refused.json().error.details.errors.map((e: { line: number; code: string }) => [e.line, e.code]),
    ).toEqual([
      [3, 'invalid-value'],
      [4, 'unknown-profession'],
      [5, 'duplicate-in-file'],
      [6, 'unknown-facility'],
      [7, 'password-for-existing'],
      [8, 'invalid-value'],
    ]);
    expect(await findUserByLoginId(hub.store, 'ok.user')).toBeNull();
    expect((await adminEvents(hub.store)).length).toBe(0);
  });

  it('lets a facility administrator import into their own facility only', async () => {
    const csv = [
      'ログインID,氏名,職種,所属',
      'nakamura,中村 恵,看護師,',
      `${kurashikiNurse.loginId},他院,nurse,`,
    ].join('\n');
    const refused = await csvCall(okadaiAdmin, '/admin/users/import', csv);
    expect(refused.json().error.details.errors).toEqual([
      expect.objectContaining({ line: 3, code: 'duplicate-login-id' }),
    ]);
    const foreign = ['ログインID,氏名,職種,所属', `x.y,他院,nurse,${KURASHIKI}`].join('\n');
    expect(
      (await csvCall(okadaiAdmin, '/admin/users/import', foreign)).json().error.details.errors[0].code,
    ).toBe('own-facility-only');
    const ok = await csvCall(okadaiAdmin, '/admin/users/import', csv.split('\n').slice(0, 2).join('\n'));
    expect(ok.json()).toMatchObject({ ok: true, summary: { create: 1 } });
    expect((await findUserByLoginId(hub.store, 'nakamura'))?.memberships).toEqual([
      { facilityOid: OKADAI, facilityName: '岡山大学病院', role: 'member' },
    ]);
    const exported = (await call(okadaiAdmin, 'GET', '/admin/users.csv')).body;
    expect(exported).toContain('nakamura');
    expect(exported).not.toContain(kurashikiNurse.loginId);
  });

  it('creates users for the demo without an actor, audited as the system', async () => {
    const { user, initialPassword } = await createUser(hub.deps, {
      loginId: 'demo-doctor',
      name: 'デモ 医師',
      profession: 'doctor',
      memberships: [{ facilityOid: OKADAI, role: 'member' }],
    });
    expect(initialPassword).toBeTypeOf('string');
    expect(user.memberships).toHaveLength(1);
    expect((await adminEvents(hub.store)).at(-1)?.agent?.userId).toBe('system');
  });
});
