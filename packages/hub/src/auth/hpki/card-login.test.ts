import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUB_ROUTES } from '../../api/build.js';
import { type CardListener, startCardListener } from '../../run/card-listener.js';
import { completeHubConfig, hubConfigSchema } from '../../run/config.js';
import {
  apiCall,
  type HubUnderTest,
  hubUnderTest,
  seedFacility,
  seedUser,
  TEST_ENGINES,
} from '../../testing.js';
import { enrolTotp, newTotpSecret, setPassword, totpNow } from '../credentials.js';
import { addBinding } from './bindings.js';
import { readCardCertificate } from './card.js';
import { createTestHpki, type TestCard, type TestHpki } from './demo-pki.js';
import { cardRequest, sessionCookieOf } from './testing.js';

const HOSPITAL = '1.2.392.200284.1.1.9101';
const OTHER = '1.2.392.200284.1.1.9102';
const PASSWORD = 'card-test-Passw0rd!';
const HOUR = 3_600_000;

/**
 * HPKI card login over real TLS (node:https with a client certificate) against the card listener,
 * with a test PKI shaped like HPKI: every refusal the issue names, CRL swap and staleness without a
 * restart, the enrol-my-card flow and its approval — on both stores.
 */
describe.each(TEST_ENGINES)('HPKI card login (%s)', (engine) => {
  let pki: TestHpki;
  let dir: string;
  let hub: HubUnderTest;
  let listener: CardListener;
  const cards: Record<string, TestCard> = {};
  const users: Record<string, Awaited<ReturnType<typeof seedUser>>> = {};
  const call = apiCall(() => hub);
  const cardOf = (name: string): TestCard => {
    const c = cards[name];
    if (!c) throw new Error(`no card ${name}`);
    return c;
  };
  const user = (name: string) => {
    const u = users[name];
    if (!u) throw new Error(`no user ${name}`);
    return u;
  };
  const login = (c: TestCard | null, body: object = {}) =>
    cardRequest(listener.url, '/api/v1/auth/hpki/login', { card: c, body });
  /** ID + password + TOTP on the card listener (with `c` presented): the session cookie. */
  const passwordSession = async (u: { userId: string; loginId: string }, c: TestCard) => {
    const secret = newTotpSecret();
    await enrolTotp(hub.store, u.userId, secret);
    const step = await cardRequest(listener.url, '/api/v1/auth/login', {
      card: c,
      body: { loginId: u.loginId, password: PASSWORD },
    });
    expect(step.status, JSON.stringify(step.json)).toBe(200);
    const session = await cardRequest(listener.url, '/api/v1/auth/totp', {
      card: c,
      body: { pending: step.json.pending, code: totpNow(secret) },
    });
    expect(session.status, JSON.stringify(session.json)).toBe(200);
    return { cookie: sessionCookieOf(session), csrf: session.json.csrfToken as string };
  };
  const writeCrls = async (options: Parameters<TestHpki['crls']>[0]) => {
    const { rootCrlPem, authCaCrlPem } = await pki.crls(options);
    await writeFile(join(dir, 'root.crl'), rootCrlPem);
    await writeFile(join(dir, 'auth-ca.crl'), authCaCrlPem);
    await listener.trust.round();
  };

  beforeAll(async () => {
    pki = await createTestHpki();
    dir = await mkdtemp(join(tmpdir(), 'hie-hpki-'));
    const now = new Date();
    cards.doctor = await pki.issueCard({ name: 'OKAYAMA ICHIRO' });
    cards.expired = await pki.issueCard({
      notBefore: new Date(now.getTime() - 800 * 24 * HOUR),
      notAfter: new Date(now.getTime() - 24 * HOUR),
    });
    cards.revoked = await pki.issueCard();
    cards.untrusted = await pki.issueCard({ untrusted: true });
    cards.signing = await pki.issueCard({ usage: 'signing' });
    cards.wrongUsage = await pki.issueCard({ usage: 'signing', policy: '1.2.392.100495.1.5.1.2.0.1' });
    cards.signingPolicy = await pki.issueCard({ policy: '1.2.392.100495.1.5.1.1.0.1' });
    cards.noRole = await pki.issueCard({ role: null });
    cards.clerkNoRole = await pki.issueCard({ role: null, name: 'JIMU HANAKO' });
    cards.pharmacistHoldsDoctor = await pki.issueCard();
    cards.unbound = await pki.issueCard();
    cards.enrolled = await pki.issueCard({ name: 'TOUROKU JIRO' });
    cards.adminCard = await pki.issueCard({ name: 'KANRI SABURO', role: null });
    const server = await pki.serverTls();
    await writeFile(join(dir, 'anchors.pem'), pki.anchorsPem);
    await writeFile(join(dir, 'server.key'), server.key);
    await writeFile(join(dir, 'server.crt'), server.cert);
    const { rootCrlPem, authCaCrlPem } = await pki.crls({ revoked: [cardOf('revoked').serial] });
    await writeFile(join(dir, 'root.crl'), rootCrlPem);
    await writeFile(join(dir, 'auth-ca.crl'), authCaCrlPem);

    hub = await hubUnderTest(engine, HUB_ROUTES);
    await seedFacility(hub.store, { oid: HOSPITAL });
    await seedFacility(hub.store, { oid: OTHER });
    for (const [name, profession] of [
      ['doctor', 'doctor'],
      ['noRole', 'doctor'],
      ['clerk', 'clerk'],
      ['pharmacist', 'pharmacist'],
      ['enrolling', 'doctor'],
    ] as const) {
      users[name] = await seedUser(hub.store, { facilityOid: HOSPITAL, profession });
      await setPassword(hub.store, users[name].userId, PASSWORD, { mustChange: false });
    }
    users.admin = await seedUser(hub.store, { facilityOid: HOSPITAL, profession: 'clerk', role: 'admin' });
    await setPassword(hub.store, user('admin').userId, PASSWORD, { mustChange: false });
    users.otherAdmin = await seedUser(hub.store, { facilityOid: OTHER, profession: 'clerk', role: 'admin' });
    const bind = async (userId: string, c: TestCard) => {
      const read = await readCardCertificate(c.certPem);
      await addBinding(hub.store, {
        userId,
        kind: 'certificate',
        issuer: read.issuer,
        matchValue: read.serial,
        card: read,
        status: 'active',
        by: 'test',
        now: new Date(),
      });
    };
    await bind(user('doctor').userId, cardOf('doctor'));
    await bind(user('doctor').userId, cardOf('revoked'));
    await bind(user('doctor').userId, cardOf('expired'));
    await bind(user('noRole').userId, cardOf('noRole'));
    await bind(user('clerk').userId, cardOf('clerkNoRole'));
    await bind(user('pharmacist').userId, cardOf('pharmacistHoldsDoctor'));

    const config = completeHubConfig(
      hubConfigSchema.parse({
        dataDir: dir,
        host: '127.0.0.1',
        logLevel: 'silent',
        hpki: {
          port: 0,
          tls: { key: join(dir, 'server.key'), cert: join(dir, 'server.crt') },
          anchors: [join(dir, 'anchors.pem')],
          crls: [join(dir, 'root.crl'), join(dir, 'auth-ca.crl')],
          crlMaxAgeHours: 48,
        },
      }),
    );
    const started = await startCardListener(hub.deps, config, { logger: false, shownHost: (h) => h });
    if (!started) throw new Error('no card listener');
    listener = started;
  }, 60_000);

  afterAll(async () => {
    await listener?.stop();
    await hub?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('logs a bound doctor in with the card alone: session cookie, CSRF token, audited with the card', async () => {
    const answer = await login(cardOf('doctor'));
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    expect(answer.json.user.id).toBe(user('doctor').userId);
    expect(answer.json.facility.oid).toBe(HOSPITAL);
    expect(answer.json.csrfToken).toEqual(expect.any(String));
    expect(sessionCookieOf(answer)).toMatch(/^hie_session=/);
    const audit = await hub.store.db
      .selectFrom('audit_event')
      .select(['event_json'])
      .where('type', '=', 'login')
      .where('outcome', '=', '0')
      .where('user_id', '=', user('doctor').userId)
      .execute();
    const detail = audit.map((a) => (JSON.parse(a.event_json) as { detail?: Record<string, string> }).detail);
    expect(detail).toContainEqual(
      expect.objectContaining({ method: 'hpki', serial: cardOf('doctor').serial, hcRole: 'Medical Doctor' }),
    );
  });

  it.each([
    ['no certificate', null, 401, 'hpki-no-certificate'],
    ['an expired card', 'expired', 403, 'hpki-expired'],
    ['a revoked card', 'revoked', 403, 'hpki-revoked'],
    ['a card of a CA the network does not trust', 'untrusted', 403, 'hpki-untrusted'],
    [
      'a signing certificate (nonRepudiation only: TLS refuses its purpose)',
      'signing',
      403,
      'hpki-key-usage',
    ],
    ['a certificate under the signing policy', 'signingPolicy', 403, 'hpki-policy'],
    ['an authentication policy without digitalSignature', 'wrongUsage', 403, 'hpki-key-usage'],
    ['a card without hcRole for a doctor', 'noRole', 403, 'hpki-role-missing'],
    ['a doctor’s card bound to a pharmacist', 'pharmacistHoldsDoctor', 403, 'hpki-role-mismatch'],
    ['a valid card bound to nobody', 'unbound', 403, 'hpki-not-bound'],
  ])('refuses %s, audited with its reason', async (_label, which, status, code) => {
    const answer = await login(which ? (cards[which] ?? null) : null);
    expect(answer.status).toBe(status);
    expect(answer.json.error.code).toBe(code);
    expect(answer.setCookie.filter((c) => c.startsWith('hie_session='))).toEqual([]);
    const refusals = await hub.store.db
      .selectFrom('audit_event')
      .select('event_json')
      .where('type', '=', 'login')
      .where('outcome', '=', '4')
      .execute();
    const reasons = refusals.map(
      (r) => (JSON.parse(r.event_json) as { detail?: Record<string, string> }).detail,
    );
    expect(reasons).toContainEqual(expect.objectContaining({ method: 'hpki', reason: code }));
  });

  it('accepts a card without hcRole for a profession that needs no licence (a clerk)', async () => {
    const answer = await login(cardOf('clerkNoRole'));
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    expect(answer.json.user.profession).toBe('clerk');
  });

  it('tells the login page what the card is, and only there', async () => {
    const answer = await cardRequest(listener.url, '/api/v1/auth/hpki/card', { card: cardOf('doctor') });
    expect(answer.json.card.hcRole).toBe('Medical Doctor');
    expect(answer.json.facilities).toEqual([expect.objectContaining({ oid: HOSPITAL })]);
    const refused = await cardRequest(listener.url, '/api/v1/auth/hpki/card', { card: cardOf('revoked') });
    expect(refused.json.refusal.code).toBe('hpki-revoked');
    // The portal's own listener has no card login at all.
    const portal = await hub.app.inject({ method: 'POST', url: '/api/v1/auth/hpki/login', payload: {} });
    expect(portal.statusCode).toBe(404);
  });

  it('swaps in a new CRL without a restart: a card revoked now is refused at its next handshake', async () => {
    const fresh = await pki.issueCard();
    await addBinding(hub.store, {
      userId: user('doctor').userId,
      kind: 'certificate',
      issuer: (await readCardCertificate(fresh.certPem)).issuer,
      matchValue: fresh.serial,
      card: null,
      status: 'active',
      by: 'test',
      now: new Date(),
    });
    expect((await login(fresh)).status).toBe(200);
    await writeCrls({ revoked: [cardOf('revoked').serial, fresh.serial] });
    const after = await login(fresh);
    expect(after.status).toBe(403);
    expect(after.json.error.code).toBe('hpki-revoked');
  });

  it('refuses every card of a CA whose CRL is too old, and when it has expired; a fresh one restores login', async () => {
    const now = Date.now();
    await writeCrls({
      revoked: [],
      thisUpdate: new Date(now - 60 * HOUR),
      nextUpdate: new Date(now + 24 * HOUR),
    });
    const old = await login(cardOf('doctor'));
    expect(old.json.error.code).toBe('hpki-crl-stale');
    const status = await call(user('doctor'), 'GET', '/admin/hpki/trust');
    expect(status.statusCode).toBe(403);
    await writeCrls({ revoked: [], thisUpdate: new Date(now - 30 * HOUR), nextUpdate: new Date(now - HOUR) });
    const expired = await login(cardOf('doctor'));
    expect(expired.json.error.code).toMatch(/^hpki-crl-(unavailable|stale)$/);
    await writeCrls({ revoked: [cardOf('revoked').serial] });
    expect((await login(cardOf('doctor'))).status).toBe(200);
  });

  it('a CRL that cannot be read keeps the last good copy (never an empty list)', async () => {
    await writeFile(join(dir, 'auth-ca.crl'), 'not a CRL');
    await listener.trust.round();
    expect(listener.trust.loaded.errors).toEqual([
      expect.objectContaining({ source: join(dir, 'auth-ca.crl') }),
    ]);
    expect((await login(cardOf('revoked'))).json.error.code).toBe('hpki-revoked');
    await writeCrls({ revoked: [cardOf('revoked').serial] });
  });

  it('enrol my card: password login on the card listener, request, approval by the facility administrator, then card login', async () => {
    const { cookie, csrf } = await passwordSession(user('enrolling'), cardOf('enrolled'));
    // Without the CSRF token: refused.
    const noCsrf = await cardRequest(listener.url, '/api/v1/auth/hpki/enrol', {
      card: cardOf('enrolled'),
      body: {},
      cookie,
    });
    expect(noCsrf.status).toBe(403);
    const enrol = await cardRequest(listener.url, '/api/v1/auth/hpki/enrol', {
      card: cardOf('enrolled'),
      body: {},
      cookie,
      csrf,
    });
    expect(enrol.status, JSON.stringify(enrol.json)).toBe(200);
    expect(enrol.json.binding.status).toBe('pending');
    // Pending is not bound.
    expect((await login(cardOf('enrolled'))).json.error.code).toBe('hpki-not-bound');
    // Another facility's administrator cannot see or approve it.
    const id = enrol.json.binding.id as string;
    expect((await call(user('otherAdmin'), 'POST', `/admin/hpki/bindings/${id}/approve`)).statusCode).toBe(
      404,
    );
    const otherList = await call(user('otherAdmin'), 'GET', '/admin/hpki/bindings');
    expect(otherList.json().bindings.map((b: { id: string }) => b.id)).not.toContain(id);
    // Nobody approves their own card, not even an administrator.
    const own = await cardRequest(listener.url, '/api/v1/auth/hpki/enrol', {
      card: cardOf('adminCard'),
      body: {},
      ...(await passwordSession(user('admin'), cardOf('adminCard'))),
    });
    expect(own.status, JSON.stringify(own.json)).toBe(200);
    const self = await call(user('admin'), 'POST', `/admin/hpki/bindings/${own.json.binding.id}/approve`);
    expect(self.json().error.code).toBe('hpki-self-approval');
    // A member who is not an administrator cannot either.
    expect((await call(user('doctor'), 'POST', `/admin/hpki/bindings/${id}/approve`)).statusCode).toBe(403);
    const list = await call(user('admin'), 'GET', '/admin/hpki/bindings');
    expect(list.json().bindings).toContainEqual(
      expect.objectContaining({ id, subject: expect.stringContaining('TOUROKU JIRO') }),
    );
    const approved = await call(user('admin'), 'POST', `/admin/hpki/bindings/${id}/approve`);
    expect(approved.statusCode, approved.body).toBe(200);
    expect((await call(user('admin'), 'POST', `/admin/hpki/bindings/${id}/approve`)).statusCode).toBe(409);
    const cardLogin = await login(cardOf('enrolled'));
    expect(cardLogin.status, JSON.stringify(cardLogin.json)).toBe(200);
    // Revoking ends the sessions the card opened and refuses the next card login.
    const revoked = await call(user('admin'), 'POST', `/admin/hpki/bindings/${id}/revoke`);
    expect(revoked.json().binding.status).toBe('revoked');
    const stale = await cardRequest(listener.url, '/api/v1/auth/session', {
      card: cardOf('enrolled'),
      cookie: sessionCookieOf(cardLogin),
    });
    expect(stale.status).toBe(401);
    expect((await login(cardOf('enrolled'))).json.error.code).toBe('hpki-not-bound');
  });

  it('the office binds by certificate only when the card’s role fits; one card never serves two users', async () => {
    const office = await seedUser(hub.store, { facilityOid: HOSPITAL, profession: 'office' });
    const mismatch = await call(office, 'POST', `/admin/users/${user('pharmacist').userId}/hpki-bindings`, {
      certificatePem: cardOf('unbound').certPem,
    });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json().error.code).toBe('hpki-role-mismatch');
    const taken = await call(office, 'POST', `/admin/users/${user('noRole').userId}/hpki-bindings`, {
      certificatePem: cardOf('doctor').certPem,
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('hpki-card-bound');
    const garbage = await call(office, 'POST', `/admin/users/${user('doctor').userId}/hpki-bindings`, {
      certificatePem: 'hello',
    });
    expect(garbage.json().error.code).toBe('hpki-certificate-unreadable');
    // By holder id: a renewed card (new serial, same holder) keeps working.
    const renewedA = await pki.issueCard({ holderId: 'MEDIS-000123' });
    const issuer = (await readCardCertificate(renewedA.certPem)).issuer;
    const holder = await call(office, 'POST', `/admin/users/${user('doctor').userId}/hpki-bindings`, {
      issuer,
      holderId: 'MEDIS-000123',
    });
    expect(holder.statusCode, holder.body).toBe(201);
    const renewedB = await pki.issueCard({ holderId: 'MEDIS-000123' });
    expect((await login(renewedA)).status).toBe(200);
    expect((await login(renewedB)).status).toBe(200);
    expect(listener.trust.statusNow()).toHaveLength(2);
  });
});
