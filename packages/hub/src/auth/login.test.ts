import { afterEach, describe, expect, it } from 'vitest';
import { TEST_ENGINES } from '../testing/store.js';
import { seedUser } from '../testing.js';
import { setPassword, totpNow } from './credentials.js';
import { type AuthHub, authHub, FACILITY, OTHER_FACILITY, PASSWORD, refusal, seedLogin } from './test-kit.js';

/** A 6-digit code that is not valid around `at` (none of the three accepted steps). */
function wrongCode(secret: string, at: Date): string {
  const valid = new Set([-30, 0, 30].map((s) => totpNow(secret, new Date(at.getTime() + s * 1000))));
  return ['000000', '111111', '222222', '333333'].find((c) => !valid.has(c))!;
}

describe.each(TEST_ENGINES)('login on %s', (engine) => {
  let hub: AuthHub;
  afterEach(() => hub?.dispose());

  it('logs in with password and TOTP, and the session identifies the user', async () => {
    hub = await authHub(engine);
    const user = await seedLogin(hub, { name: '岡山 太郎' });
    const browser = hub.browser();
    const first = await browser.send('POST', '/auth/login', {
      loginId: user.loginId.toUpperCase(),
      password: PASSWORD,
    });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ next: 'totp', facility: { oid: FACILITY, role: 'member' } });
    expect(browser.cookie).toBeUndefined();
    const second = await browser.send('POST', '/auth/totp', {
      pending: first.json().pending,
      code: totpNow(user.secret, hub.clock.now),
    });
    expect(second.statusCode).toBe(200);
    const body = second.json();
    expect(body.user).toMatchObject({
      id: user.userId,
      loginId: user.loginId,
      profession: 'doctor',
      office: false,
    });
    expect(body.facility).toEqual({ oid: FACILITY, name: '岡山大学病院', role: 'member' });
    // What the menu offers comes with the session (auth/abilities.ts; no patient in this index yet).
    expect(body.abilities).toEqual({ viewRecords: true, registerConsents: false, enterRecords: false });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(body.expiresAt) - hub.clock.now.getTime()).toBe(
      hub.deps.settings.sessionAbsoluteSeconds * 1000,
    );
    expect(Date.parse(body.idleExpiresAt) - hub.clock.now.getTime()).toBe(
      hub.deps.settings.sessionIdleSeconds * 1000,
    );
    const probe = await browser.send('GET', '/probe');
    expect(probe.json()).toMatchObject({
      userId: user.userId,
      facilityOid: FACILITY,
      facilityRole: 'member',
    });
    // The store keeps only the token's hash.
    const rows = await hub.store.db.selectFrom('hub_session').select('id').execute();
    expect(rows.map((r) => r.id)).not.toContain(browser.cookie);
    expect(rows[0]?.id).toMatch(/^[0-9a-f]{64}$/);
    // The pending token is single use.
    const again = await browser.send('POST', '/auth/totp', {
      pending: first.json().pending,
      code: totpNow(user.secret, hub.clock.now),
    });
    expect(refusal(again)).toEqual([401, 'login-expired']);
    const audit = await hub.store.db
      .selectFrom('audit_event')
      .select(['type', 'outcome', 'event_json'])
      .execute();
    expect(audit.some((a) => a.type === 'login' && a.outcome === '0')).toBe(true);
    expect(audit.every((a) => !a.event_json.includes(PASSWORD))).toBe(true);
  });

  it('enrols TOTP at the first login with a secret, an otpauth URI and a QR code', async () => {
    hub = await authHub(engine, { auth: { passwordTotp: { totpIssuer: '晴れやかネット' } } });
    const user = await seedLogin(hub, { enrolled: false });
    const browser = hub.browser();
    const first = await browser.send('POST', '/auth/login', { loginId: user.loginId, password: PASSWORD });
    expect(first.json().next).toBe('enrol');
    const pending = first.json().pending;
    const code = await browser.send('POST', '/auth/totp', { pending, code: '123456' });
    expect(refusal(code)).toEqual([409, 'enrol-first']);
    const enrol = await browser.send('POST', '/auth/totp/enrol', { pending });
    expect(enrol.statusCode).toBe(200);
    const { secret, otpauthUri, qrDataUrl } = enrol.json();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(decodeURIComponent(otpauthUri.split('?')[0])).toBe(
      `otpauth://totp/晴れやかネット:${user.loginId}`,
    );
    const uri = new URL(otpauthUri);
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('晴れやかネット');
    expect(qrDataUrl).toMatch(/^data:image\/png;base64,/);
    // Not enrolled until a code proves the phone has the secret.
    const before = await hub.store.db
      .selectFrom('hub_credential')
      .select('totp_secret')
      .executeTakeFirstOrThrow();
    expect(before.totp_secret).toBeNull();
    const done = await browser.send('POST', '/auth/totp', { pending, code: totpNow(secret, hub.clock.now) });
    expect(done.statusCode).toBe(200);
    const after = await hub.store.db
      .selectFrom('hub_credential')
      .select('totp_secret')
      .executeTakeFirstOrThrow();
    expect(after.totp_secret).toBe(secret);
    hub.clock.advance(60);
    const next = await hub
      .browser()
      .send('POST', '/auth/login', { loginId: user.loginId, password: PASSWORD });
    expect(next.json().next).toBe('totp');
    const enrolAgain = await hub.browser().send('POST', '/auth/totp/enrol', { pending: next.json().pending });
    expect(refusal(enrolAgain)).toEqual([409, 'already-enrolled']);
  });

  it('refuses a wrong password, an unknown id alike, a wrong code and a reused code', async () => {
    hub = await authHub(engine);
    const user = await seedLogin(hub);
    const browser = hub.browser();
    const wrong = await browser.send('POST', '/auth/login', {
      loginId: user.loginId,
      password: 'not the password 1',
    });
    const unknown = await browser.send('POST', '/auth/login', {
      loginId: 'nobody-here',
      password: 'not the password 1',
    });
    expect(refusal(wrong)).toEqual([401, 'invalid-credentials']);
    expect(unknown.json()).toEqual(wrong.json());

    const first = await browser.send('POST', '/auth/login', { loginId: user.loginId, password: PASSWORD });
    const bad = await browser.send('POST', '/auth/totp', {
      pending: first.json().pending,
      code: wrongCode(user.secret, hub.clock.now),
    });
    expect(refusal(bad)).toEqual([401, 'invalid-code']);
    // A wrong code does not burn the pending login; the right one completes it.
    const code = totpNow(user.secret, hub.clock.now);
    expect(
      (await browser.send('POST', '/auth/totp', { pending: first.json().pending, code })).statusCode,
    ).toBe(200);

    // The same code again (same 30 s step), in a new login: refused as a replay.
    const other = hub.browser();
    const again = await other.send('POST', '/auth/login', { loginId: user.loginId, password: PASSWORD });
    const replay = await other.send('POST', '/auth/totp', { pending: again.json().pending, code });
    expect(refusal(replay)).toEqual([401, 'code-reused']);
    hub.clock.advance(30);
    const fresh = await other.send('POST', '/auth/totp', {
      pending: again.json().pending,
      code: totpNow(user.secret, hub.clock.now),
    });
    expect(fresh.statusCode).toBe(200);
    const reasons = await hub.store.db
      .selectFrom('audit_event')
      .select('event_json')
      .where('type', '=', 'login')
      .where('outcome', '=', '4')
      .execute();
    const described = reasons.map((r) => JSON.parse(r.event_json).outcomeDescription).sort();
    expect(described).toEqual(['bad-password', 'code-reused', 'invalid-code', 'unknown-login-id']);
  });

  it('locks an id after 5 failures for 15 minutes, the same for unknown ids, until unlocked', async () => {
    // Rate limits out of the way: this is about the lockout.
    hub = await authHub(engine, { auth: { passwordTotp: { perLoginId: { max: 100, windowSeconds: 60 } } } });
    const user = await seedLogin(hub);
    const office = await seedLogin(hub, { profession: 'office' });
    const attempt = (loginId: string, password: string) =>
      hub.browser().send('POST', '/auth/login', { loginId, password });
    const known: Array<[number, string | undefined]> = [];
    const unknown: Array<[number, string | undefined]> = [];
    for (let i = 0; i < 6; i++) {
      known.push(refusal(await attempt(user.loginId, `wrong password ${i}`)));
      unknown.push(refusal(await attempt('no-such-user', `wrong password ${i}`)));
    }
    expect(known).toEqual([...Array(4).fill([401, 'invalid-credentials']), [423, 'locked'], [423, 'locked']]);
    expect(unknown).toEqual(known);
    // Locked: even the right password is refused, with a Retry-After.
    const locked = await attempt(user.loginId, PASSWORD);
    expect(refusal(locked)).toEqual([423, 'locked']);
    expect(Number(locked.headers['retry-after'])).toBe(15 * 60);
    hub.clock.advance(15 * 60 + 1);
    expect((await attempt(user.loginId, PASSWORD)).statusCode).toBe(200);
    expect((await attempt('no-such-user', 'whatever 12345')).statusCode).toBe(401);

    // Wrong codes count too; the office unlocks.
    for (let i = 0; i < 5; i++) {
      const first = await attempt(user.loginId, PASSWORD);
      await hub.browser().send('POST', '/auth/totp', {
        pending: first.json().pending,
        code: wrongCode(user.secret, hub.clock.now),
      });
    }
    expect(refusal(await attempt(user.loginId, PASSWORD))).toEqual([423, 'locked']);
    const admin = hub.browser('10.0.0.9');
    hub.clock.advance(30);
    expect((await admin.login(office, hub.clock.now)).statusCode).toBe(200);
    expect((await admin.send('POST', `/admin/users/${user.userId}/unlock`)).json()).toEqual({
      unlocked: true,
    });
    const browser = hub.browser();
    expect((await browser.login(user, hub.clock.now)).statusCode).toBe(200);
  });

  it('rate-limits per IP and per login id with Retry-After', async () => {
    hub = await authHub(engine, {
      auth: {
        passwordTotp: {
          perIp: { max: 4, windowSeconds: 60 },
          perLoginId: { max: 2, windowSeconds: 60 },
        },
      },
    });
    const user = await seedLogin(hub);
    const from = (ip: string, loginId: string) =>
      hub.browser(ip).send('POST', '/auth/login', { loginId, password: 'wrong password 1' });
    expect(refusal(await from('10.0.0.1', user.loginId))).toEqual([401, 'invalid-credentials']);
    expect(refusal(await from('10.0.0.2', user.loginId))).toEqual([401, 'invalid-credentials']);
    const perId = await from('10.0.0.3', user.loginId);
    expect(refusal(perId)).toEqual([429, 'rate-limited']);
    expect(Number(perId.headers['retry-after'])).toBe(60);
    // Other ids from one address: the per-IP limit.
    for (const id of ['a1', 'a2', 'a3']) expect((await from('10.0.0.1', id)).statusCode).toBe(401);
    hub.clock.advance(20);
    const perIp = await from('10.0.0.1', 'a4');
    expect(refusal(perIp)).toEqual([429, 'rate-limited']);
    expect(Number(perIp.headers['retry-after'])).toBe(40);
    hub.clock.advance(41);
    expect((await from('10.0.0.1', 'a5')).statusCode).toBe(401);
    expect((await hub.browser('10.0.0.3').login(user, hub.clock.now)).statusCode).toBe(200);
  });

  it('never lets failures from a facility’s shared address lock out a user with the right password', async () => {
    // Issue 10, finding 9: anyone behind a facility's NAT could lock the whole facility out for 10 minutes.
    hub = await authHub(engine, { auth: { passwordTotp: { perIp: { max: 3, windowSeconds: 600 } } } });
    const user = await seedLogin(hub);
    const nat = '203.0.113.7';
    const wrong = (loginId: string) =>
      hub.browser(nat).send('POST', '/auth/login', { loginId, password: 'wrong password 1' });
    for (const id of ['x1', 'x2', 'x3']) expect((await wrong(id)).statusCode).toBe(401);
    const flooded = await wrong('x4');
    expect(refusal(flooded)).toEqual([429, 'rate-limited']);
    expect(Number(flooded.headers['retry-after'])).toBeGreaterThan(0);
    // The attacker's next failures keep answering 429; the colleague with the right password gets in.
    expect(refusal(await wrong('x5'))).toEqual([429, 'rate-limited']);
    expect((await hub.browser(nat).login(user, hub.clock.now)).statusCode).toBe(200);
  });

  it('asks users of several facilities to choose one, and acts for the chosen one', async () => {
    hub = await authHub(engine);
    const user = await seedLogin(hub);
    await hub.store.db
      .insertInto('hub_membership')
      .values({ user_id: user.userId, facility_oid: OTHER_FACILITY, role: 'admin', created_at: '2025-01-01' })
      .execute();
    const browser = hub.browser();
    const ask = await browser.send('POST', '/auth/login', { loginId: user.loginId, password: PASSWORD });
    expect(refusal(ask)).toEqual([400, 'choose-facility']);
    expect(
      ask
        .json()
        .error.details.facilities.map((f: { oid: string }) => f.oid)
        .sort(),
    ).toEqual([FACILITY, OTHER_FACILITY].sort());
    const notMine = await browser.send('POST', '/auth/login', {
      loginId: user.loginId,
      password: PASSWORD,
      facilityOid: '1.2.392.200284.33.9999999999',
    });
    expect(refusal(notMine)).toEqual([400, 'choose-facility']);
    const done = await browser.login(user, hub.clock.now, { facilityOid: OTHER_FACILITY });
    expect(done.json().facility).toMatchObject({ oid: OTHER_FACILITY, role: 'admin' });
    expect((await browser.send('GET', '/probe')).json()).toMatchObject({
      facilityOid: OTHER_FACILITY,
      facilityRole: 'admin',
    });
  });

  it('expires the pending login after 5 minutes and refuses suspended users and facilities', async () => {
    hub = await authHub(engine);
    const user = await seedLogin(hub);
    const browser = hub.browser();
    const first = await browser.send('POST', '/auth/login', { loginId: user.loginId, password: PASSWORD });
    hub.clock.advance(5 * 60);
    const late = await browser.send('POST', '/auth/totp', {
      pending: first.json().pending,
      code: totpNow(user.secret, hub.clock.now),
    });
    expect(refusal(late)).toEqual([401, 'login-expired']);

    const suspended = await seedUser(hub.store, {
      facilityOid: FACILITY,
      profession: 'nurse',
      status: 'suspended',
    });
    await setPassword(hub.store, suspended.userId, PASSWORD, { mustChange: false });
    const refused = await browser.send('POST', '/auth/login', {
      loginId: suspended.loginId,
      password: PASSWORD,
    });
    expect(refusal(refused)).toEqual([403, 'account-inactive']);

    // Password step passed, then the facility is suspended before the code: no session.
    const again = await browser.send('POST', '/auth/login', { loginId: user.loginId, password: PASSWORD });
    await hub.store.db
      .updateTable('hub_facility')
      .set({ status: 'suspended' })
      .where('oid', '=', FACILITY)
      .execute();
    const code = await browser.send('POST', '/auth/totp', {
      pending: again.json().pending,
      code: totpNow(user.secret, hub.clock.now),
    });
    expect(refusal(code)).toEqual([403, 'account-inactive']);
    expect(browser.cookie).toBeUndefined();
    expect(
      refusal(await browser.send('POST', '/auth/login', { loginId: user.loginId, password: PASSWORD })),
    ).toEqual([403, 'account-inactive']);
  });
});
