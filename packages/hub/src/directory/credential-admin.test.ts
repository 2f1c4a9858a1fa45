import { afterEach, describe, expect, it } from 'vitest';
import { type AuthHub, authHub, OTHER_FACILITY, PASSWORD, refusal, seedLogin } from '../auth/test-kit.js';
import { TEST_ENGINES } from '../testing/store.js';

describe.each(TEST_ENGINES)('account administration on %s', (engine) => {
  let hub: AuthHub;
  afterEach(() => hub?.dispose());

  it('changes the password under the policy and ends the other sessions', async () => {
    hub = await authHub(engine);
    const user = await seedLogin(hub);
    const [mine, other] = [hub.browser('10.0.0.1'), hub.browser('10.0.0.2')];
    await mine.login(user, hub.clock.now);
    hub.clock.advance(30);
    await other.login(user, hub.clock.now);
    const change = (current: string, next: string) => mine.send('POST', '/auth/password', { current, next });
    const wrong = await change('not my password', 'a brand new passphrase 7');
    expect(refusal(wrong)).toEqual([401, 'invalid-credentials']);
    const weak = await change(PASSWORD, user.loginId);
    expect(refusal(weak)).toEqual([400, 'weak-password']);
    const codes = weak.json().error.details.problems.map((p: { code: string }) => p.code);
    expect(codes).toContain('same-as-login-id');
    expect(weak.json().error.details.problems[0]).toHaveProperty('ja');
    expect(refusal(await change(PASSWORD, 'short1'))).toEqual([400, 'weak-password']);
    const done = await change(PASSWORD, 'a brand new passphrase 7');
    expect(done.json()).toMatchObject({ revokedSessions: 1 });
    expect((await mine.send('GET', '/probe')).statusCode).toBe(200);
    expect(refusal(await other.send('GET', '/probe'))).toEqual([401, 'not-authenticated']);
    hub.clock.advance(30);
    const fresh = hub.browser();
    expect(refusal(await fresh.login(user, hub.clock.now))).toEqual([401, 'invalid-credentials']);
    hub.clock.advance(30);
    expect(
      (await fresh.login(user, hub.clock.now, { password: 'a brand new passphrase 7' })).statusCode,
    ).toBe(200);
  });

  it('lets the office reset a password; the user must change it before anything else', async () => {
    hub = await authHub(engine);
    const office = await seedLogin(hub, { profession: 'office' });
    const user = await seedLogin(hub);
    const admin = hub.browser('10.9.9.9');
    await admin.login(office, hub.clock.now);
    const victim = hub.browser();
    hub.clock.advance(30);
    await victim.login(user, hub.clock.now);
    const reset = await admin.send('POST', `/admin/users/${user.userId}/reset-password`);
    expect(reset.statusCode).toBe(200);
    const temporary: string = reset.json().temporaryPassword;
    expect(temporary.length).toBeGreaterThanOrEqual(12);
    expect(reset.json()).toMatchObject({ mustChange: true, revokedSessions: 1 });
    expect(refusal(await victim.send('GET', '/probe'))).toEqual([401, 'not-authenticated']);
    hub.clock.advance(30);
    const login = await victim.login(user, hub.clock.now, { password: temporary });
    expect(login.json().user.mustChangePassword).toBe(true);
    expect(refusal(await victim.send('GET', '/probe'))).toEqual([403, 'password-change-required']);
    expect((await victim.send('GET', '/auth/session')).statusCode).toBe(200);
    const changed = await victim.send('POST', '/auth/password', {
      current: temporary,
      next: 'my own passphrase 2025',
    });
    expect(changed.statusCode).toBe(200);
    expect((await victim.send('GET', '/probe')).statusCode).toBe(200);
    const audit = await hub.store.db
      .selectFrom('audit_event')
      .select('event_json')
      .where('type', '=', 'admin')
      .execute();
    expect(audit.map((a) => JSON.parse(a.event_json).detail.action)).toEqual(['reset-password']);
    expect(audit.every((a) => !a.event_json.includes(temporary))).toBe(true);
  });

  it('resets TOTP so the next login enrols again, and revokes sessions', async () => {
    hub = await authHub(engine);
    const office = await seedLogin(hub, { profession: 'office' });
    const user = await seedLogin(hub);
    const admin = hub.browser('10.9.9.9');
    await admin.login(office, hub.clock.now);
    const victim = hub.browser();
    hub.clock.advance(30);
    await victim.login(user, hub.clock.now);
    expect((await admin.send('POST', `/admin/users/${user.userId}/revoke-sessions`)).json()).toEqual({
      revokedSessions: 1,
    });
    expect(refusal(await victim.send('GET', '/probe'))).toEqual([401, 'not-authenticated']);
    expect((await admin.send('POST', `/admin/users/${user.userId}/reset-totp`)).statusCode).toBe(200);
    const next = await victim.send('POST', '/auth/login', { loginId: user.loginId, password: PASSWORD });
    expect(next.json().next).toBe('enrol');
  });

  it('lets a facility admin act on their own facility users only; others get 404 or 403', async () => {
    hub = await authHub(engine);
    const facilityAdmin = await seedLogin(hub, { role: 'admin' });
    const colleague = await seedLogin(hub, { profession: 'nurse' });
    const stranger = await seedLogin(hub, { facilityOid: OTHER_FACILITY });
    const officeInFacility = await seedLogin(hub, { profession: 'office' });
    const member = await seedLogin(hub, { profession: 'pharmacist' });
    const admin = hub.browser('10.0.0.1');
    await admin.login(facilityAdmin, hub.clock.now);
    expect((await admin.send('POST', `/admin/users/${colleague.userId}/unlock`)).statusCode).toBe(200);
    const unknown = await admin.send('POST', '/admin/users/no-such-user/unlock');
    expect(refusal(unknown)).toEqual([404, 'not-found']);
    const foreign = await admin.send('POST', `/admin/users/${stranger.userId}/reset-password`);
    expect(foreign.json()).toEqual(unknown.json());
    expect(refusal(await admin.send('POST', `/admin/users/${officeInFacility.userId}/reset-totp`))).toEqual([
      404,
      'not-found',
    ]);
    const plain = hub.browser('10.0.0.2');
    hub.clock.advance(30);
    await plain.login(member, hub.clock.now);
    expect(refusal(await plain.send('POST', `/admin/users/${colleague.userId}/revoke-sessions`))).toEqual([
      403,
      'forbidden',
    ]);
  });
});
