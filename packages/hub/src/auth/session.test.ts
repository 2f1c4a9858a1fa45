import { afterEach, describe, expect, it } from 'vitest';
import { TEST_ENGINES } from '../testing/store.js';
import { type AuthHub, authHub, FACILITY, refusal, seedLogin } from './test-kit.js';

describe.each(TEST_ENGINES)('sessions on %s', (engine) => {
  let hub: AuthHub;
  afterEach(() => hub?.dispose());

  it.each([true, false])(
    'sets the cookie HttpOnly, SameSite=Strict, Path=/, Secure: %s',
    async (secureCookies) => {
      hub = await authHub(engine, { settings: { secureCookies } });
      const user = await seedLogin(hub);
      const browser = hub.browser();
      const response = await browser.login(user, hub.clock.now);
      const cookie = response.cookies.find((c) => c.name === 'hie_session');
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
      expect(Boolean(cookie?.secure)).toBe(secureCookies);
      expect(Buffer.from(cookie?.value ?? '', 'base64url')).toHaveLength(32);
      const logout = await browser.send('POST', '/auth/logout');
      expect(logout.statusCode).toBe(204);
      expect(logout.cookies.find((c) => c.name === 'hie_session')?.value).toBe('');
    },
  );

  it('ends a session after the idle timeout, sliding with use', async () => {
    hub = await authHub(engine, { settings: { sessionIdleSeconds: 600, sessionAbsoluteSeconds: 7200 } });
    const user = await seedLogin(hub);
    const browser = hub.browser();
    await browser.login(user, hub.clock.now);
    hub.clock.advance(590);
    expect((await browser.send('GET', '/probe')).statusCode).toBe(200);
    hub.clock.advance(590);
    const session = await browser.send('GET', '/auth/session');
    expect(session.statusCode).toBe(200);
    expect(Date.parse(session.json().idleExpiresAt)).toBe(hub.clock.now.getTime() + 600_000);
    hub.clock.advance(600);
    expect(refusal(await browser.send('GET', '/probe'))).toEqual([401, 'not-authenticated']);
  });

  it('ends a session at its absolute end however busy it is', async () => {
    hub = await authHub(engine, { settings: { sessionIdleSeconds: 600, sessionAbsoluteSeconds: 1800 } });
    const user = await seedLogin(hub);
    const browser = hub.browser();
    await browser.login(user, hub.clock.now);
    for (let t = 0; t < 5; t++) {
      hub.clock.advance(300);
      expect((await browser.send('GET', '/probe')).statusCode).toBe(200);
    }
    hub.clock.advance(299);
    expect((await browser.send('GET', '/probe')).statusCode).toBe(200);
    hub.clock.advance(1);
    expect(refusal(await browser.send('GET', '/probe'))).toEqual([401, 'not-authenticated']);
  });

  it('rotates the session at login: the old token of that browser stops working', async () => {
    hub = await authHub(engine);
    const user = await seedLogin(hub);
    const browser = hub.browser();
    const elsewhere = hub.browser('10.1.1.1');
    await browser.login(user, hub.clock.now);
    hub.clock.advance(30);
    await elsewhere.login(user, hub.clock.now);
    const old = browser.cookie;
    hub.clock.advance(30);
    await browser.login(user, hub.clock.now);
    expect(browser.cookie).not.toBe(old);
    expect((await browser.send('GET', '/probe')).statusCode).toBe(200);
    const stale = hub.browser();
    stale.cookie = old;
    expect(refusal(await stale.send('GET', '/probe'))).toEqual([401, 'not-authenticated']);
    // Another browser's session is not this browser's: it stays.
    expect((await elsewhere.send('GET', '/probe')).statusCode).toBe(200);
  });

  it('logs out one session, or every session of the user', async () => {
    hub = await authHub(engine);
    const user = await seedLogin(hub);
    const [a, b, c] = [hub.browser('10.0.0.1'), hub.browser('10.0.0.2'), hub.browser('10.0.0.3')];
    for (const browser of [a, b, c]) {
      await browser.login(user, hub.clock.now);
      hub.clock.advance(30);
    }
    expect((await a.send('POST', '/auth/logout')).statusCode).toBe(204);
    expect(refusal(await a.send('GET', '/probe'))).toEqual([401, 'not-authenticated']);
    expect((await b.send('GET', '/probe')).statusCode).toBe(200);
    const all = await b.send('POST', '/auth/logout-all');
    expect(all.json()).toEqual({ revoked: 2 });
    expect(refusal(await b.send('GET', '/probe'))).toEqual([401, 'not-authenticated']);
    expect(refusal(await c.send('GET', '/probe'))).toEqual([401, 'not-authenticated']);
    const types = await hub.store.db
      .selectFrom('audit_event')
      .select('type')
      .where('type', '=', 'logout')
      .execute();
    expect(types).toHaveLength(2);
  });

  it('refuses unsafe methods without the session CSRF token', async () => {
    hub = await authHub(engine);
    const user = await seedLogin(hub);
    const browser = hub.browser();
    await browser.login(user, hub.clock.now);
    expect(refusal(await browser.send('POST', '/probe', { n: 1 }, { csrf: null }))).toEqual([403, 'csrf']);
    expect(refusal(await browser.send('POST', '/probe', { n: 1 }, { csrf: 'x'.repeat(43) }))).toEqual([
      403,
      'csrf',
    ]);
    expect(refusal(await browser.send('POST', '/auth/logout-all', undefined, { csrf: null }))).toEqual([
      403,
      'csrf',
    ]);
    expect((await browser.send('POST', '/probe', { n: 1 })).json()).toEqual({
      ok: true,
      userId: user.userId,
    });
    // Another session's token is not this session's.
    const other = hub.browser('10.2.2.2');
    hub.clock.advance(30);
    await other.login(user, hub.clock.now);
    expect(refusal(await browser.send('POST', '/probe', { n: 1 }, { csrf: other.csrf ?? null }))).toEqual([
      403,
      'csrf',
    ]);
    // GET needs no token; without a session an unsafe method is simply unauthenticated.
    expect((await browser.send('GET', '/probe')).statusCode).toBe(200);
    expect(refusal(await hub.browser().send('POST', '/probe', { n: 1 }))).toEqual([401, 'not-authenticated']);
  });

  it('stops live sessions at once when the user, the facility or the membership is suspended', async () => {
    hub = await authHub(engine);
    const user = await seedLogin(hub);
    const browser = hub.browser();
    await browser.login(user, hub.clock.now);
    const probe = () => browser.send('GET', '/probe');
    expect((await probe()).statusCode).toBe(200);
    const db = hub.store.db;
    await db.updateTable('hub_user').set({ status: 'suspended' }).where('id', '=', user.userId).execute();
    expect(refusal(await probe())).toEqual([401, 'not-authenticated']);
    await db.updateTable('hub_user').set({ status: 'active' }).where('id', '=', user.userId).execute();
    expect((await probe()).statusCode).toBe(200);
    await db.updateTable('hub_facility').set({ status: 'suspended' }).where('oid', '=', FACILITY).execute();
    expect(refusal(await probe())).toEqual([401, 'not-authenticated']);
    await db.updateTable('hub_facility').set({ status: 'active' }).where('oid', '=', FACILITY).execute();
    expect((await probe()).statusCode).toBe(200);
    await db.deleteFrom('hub_membership').where('user_id', '=', user.userId).execute();
    expect(refusal(await probe())).toEqual([401, 'not-authenticated']);
  });
});
