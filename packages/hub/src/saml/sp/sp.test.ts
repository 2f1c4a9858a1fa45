import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUB_ROUTES, hubRoutes } from '../../api/build.js';
import { setPassword } from '../../auth/credentials.js';
import { sessionIdentify } from '../../auth/session.js';
import type { HubPrincipal } from '../../http.js';
import { type HubUnderTest, hubUnderTest, seedFacility, seedUser, TEST_ENGINES } from '../../testing.js';
import { type SamlIdp, samlIdpRoutes } from '../idp-routes.js';
import { loadOrCreateSamlKeys, type SamlKeys } from '../keys.js';
import { idpMetadata, parseSpMetadata, type ServiceProvider } from '../metadata.js';
import { type AssertedUser, signedResponse } from '../response.js';
import { CookieJar, formOf, freePort } from '../testing.js';
import { type SamlSp, samlSpRoutes } from './routes.js';
import { sessionFor } from './testing.js';
import { parseIdpMetadata } from './trusted-idp.js';

const CLINIC = '1.2.392.200284.1.1.9301';
const OTHER = '1.2.392.200284.1.1.9302';
const CORPUS_IDP = 'https://idp.hospital.example/saml';

/**
 * The hub as SAML SP: another hub (our own IdP, a real peer over HTTP) signs its user in here, and a
 * corpus of hostile and broken Responses — signature wrapping, unsigned, foreign key, replay, wrong
 * audience, wrong recipient, expired, XXE, unknown IdP, an answer to nobody's request — is refused with
 * its code and audited; users are found by the office's links, created just in time only where the
 * office allows it. Both stores.
 */
describe.each(TEST_ENGINES)('the hub as SAML SP (%s)', (engine) => {
  let dir: string;
  let peer: HubUnderTest; // network A: the IdP
  let hub: HubUnderTest; // network B: this SP
  let peerIdp: SamlIdp;
  let sp: SamlSp;
  let hubUrl: string;
  let corpusKeys: SamlKeys;
  let strangerKeys: SamlKeys;
  let peerDoctor: HubPrincipal;
  let doctor: HubPrincipal; // B's user, linked to A's doctor
  let office: HubPrincipal;
  let clinicAdmin: HubPrincipal;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hie-saml-sp-'));
    const [peerPort, port] = [await freePort(), await freePort()];
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    hubUrl = `http://127.0.0.1:${port}`;
    const peerEntity = `${peerUrl}/saml/idp/metadata`;
    peerIdp = {
      entityId: peerEntity,
      baseUrl: peerUrl,
      keys: await loadOrCreateSamlKeys(join(dir, 'a.key'), join(dir, 'a.crt'), peerEntity),
      serviceProviders: new Map(),
    };
    corpusKeys = await loadOrCreateSamlKeys(join(dir, 'c.key'), join(dir, 'c.crt'), CORPUS_IDP);
    strangerKeys = await loadOrCreateSamlKeys(join(dir, 's.key'), join(dir, 's.crt'), 'stranger');
    const ownKeys = await loadOrCreateSamlKeys(join(dir, 'b.key'), join(dir, 'b.crt'), 'b');
    sp = {
      identity: { entityId: `${hubUrl}/saml/sp/metadata`, acsUrl: `${hubUrl}/saml/sp/acs`, keys: ownKeys },
      identityProviders: new Map(
        [
          parseIdpMetadata(
            idpMetadata({ entityId: peerEntity, baseUrl: peerUrl, certPem: peerIdp.keys.certPem }),
            { name: '晴れやかネット' },
          ),
          parseIdpMetadata(
            idpMetadata({
              entityId: CORPUS_IDP,
              baseUrl: 'https://idp.hospital.example',
              certPem: corpusKeys.certPem,
            }),
            { name: '広島病院IdP', allowUnsolicited: true },
          ),
        ].map((i) => [i.entityId, i]),
      ),
    };
    peer = await hubUnderTest('sqlite', HUB_ROUTES, {
      identify: sessionIdentify,
      outside: [samlIdpRoutes(peerIdp)],
    });
    // Secure cookies, as in production (HTTPS): the SP-initiated sign-in is bound to its browser.
    hub = await hubUnderTest(engine, hubRoutes(null, sp), {
      identify: sessionIdentify,
      outside: [samlSpRoutes(sp)],
      settings: { secureCookies: true },
    });
    await peer.app.listen({ host: '127.0.0.1', port: peerPort });
    await hub.app.listen({ host: '127.0.0.1', port });
    const spMetadata = await (await fetch(`${hubUrl}/saml/sp/metadata`)).text();
    const parsed = parseSpMetadata(spMetadata, '広島ネット');
    (peerIdp.serviceProviders as Map<string, ServiceProvider>).set(parsed.entityId, parsed);

    await seedFacility(peer.store, { oid: CLINIC, name: 'ももたろう内科クリニック' });
    peerDoctor = await seedUser(peer.store, {
      facilityOid: CLINIC,
      profession: 'doctor',
      name: '岡田 真理子',
    });
    await setPassword(peer.store, peerDoctor.userId, 'peer-Passw0rd-long', { mustChange: false });
    for (const [oid, name] of [
      [CLINIC, 'ももたろう内科クリニック'],
      [OTHER, 'びんご内科'],
    ] as const) {
      await seedFacility(hub.store, { oid, name });
    }
    doctor = await seedUser(hub.store, { facilityOid: CLINIC, profession: 'doctor', name: '岡田 真理子' });
    await setPassword(hub.store, doctor.userId, 'b-side-Passw0rd-long', { mustChange: false });
    office = await seedUser(hub.store, { facilityOid: OTHER, profession: 'office', name: '事務局' });
    clinicAdmin = await seedUser(hub.store, { facilityOid: CLINIC, profession: 'clerk', role: 'admin' });
  }, 60_000);

  afterAll(async () => {
    await hub?.dispose();
    await peer?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  const admin = async (p: HubPrincipal, method: 'GET' | 'POST' | 'PUT', url: string, body?: object) =>
    fetch(`${hubUrl}/api/v1${url}`, {
      method,
      headers: { ...(await sessionFor(hub, p)), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  const post = (xml: string, relayState?: string) =>
    fetch(`${hubUrl}/saml/sp/acs`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        SAMLResponse: Buffer.from(xml).toString('base64'),
        ...(relayState ? { RelayState: relayState } : {}),
      }).toString(),
    });
  const refusedWith = async (answer: Response) => {
    expect(answer.status).toBe(303);
    expect(answer.headers.getSetCookie().some((c) => c.startsWith('hie_session='))).toBe(false);
    return new URL(answer.headers.get('location') ?? '', hubUrl).searchParams.get('error');
  };
  const user = (over: Partial<AssertedUser> = {}): AssertedUser => ({
    userId: 'h-0001',
    name: '広島 太郎',
    profession: 'doctor',
    hcRole: 'Medical Doctor',
    facilityOid: CLINIC,
    facilityName: 'ももたろう内科クリニック',
    purposeOfUse: 'TREAT',
    ...over,
  });
  /** A Response of the corpus IdP (unsolicited: it may send those), signed with `keys`. */
  const corpus = (
    o: { keys?: SamlKeys; audience?: string; destination?: string; now?: Date; user?: AssertedUser } = {},
  ) =>
    signedResponse(o.keys ?? corpusKeys, {
      issuer: CORPUS_IDP,
      destination: o.destination ?? sp.identity.acsUrl,
      audience: o.audience ?? sp.identity.entityId,
      inResponseTo: null,
      user: o.user ?? user(),
      sessionIndex: '_s1',
      now: o.now ?? new Date(),
    });

  it('publishes its metadata: the ACS (HTTP-POST), signed AuthnRequests, its certificate', async () => {
    const parsed = parseSpMetadata(await (await fetch(`${hubUrl}/saml/sp/metadata`)).text());
    expect(parsed.entityId).toBe(sp.identity.entityId);
    expect(parsed.acs[0]?.location).toBe(sp.identity.acsUrl);
    expect(parsed.authnRequestsSigned).toBe(true);
    expect(parsed.signingCerts).toHaveLength(1);
  });

  it('SP-initiated, with our own IdP as the peer: A’s doctor lands on B’s page as B’s linked user', async () => {
    // The office links A's doctor (their persistent NameID at A) to B's doctor.
    const linked = await admin(office, 'POST', `/admin/users/${doctor.userId}/saml-links`, {
      idp: peerIdp.entityId,
      subject: peerDoctor.userId,
    });
    expect(linked.status, await linked.clone().text()).toBe(201);

    const browser = new CookieJar();
    const start = await fetch(
      `${hubUrl}/saml/sp/login?idp=${encodeURIComponent(peerIdp.entityId)}&next=${encodeURIComponent('/patients?q=1')}`,
      { redirect: 'manual' },
    );
    expect(start.status).toBe(302);
    // The request's ID in a cookie for the ACS alone (SameSite=None: the IdP's POST is cross-site).
    const bound = start.headers.getSetCookie().find((c) => c.startsWith('hie_saml_request='));
    expect(bound).toMatch(/HttpOnly/i);
    expect(bound).toMatch(/Secure/i);
    expect(bound).toMatch(/SameSite=None/i);
    expect(bound).toMatch(/Path=\/saml\/sp\/acs/i);
    browser.take(start);
    const toIdp = start.headers.get('location') ?? '';
    expect(toIdp.startsWith(`${peerIdp.baseUrl}/saml/idp/sso?SAMLRequest=`)).toBe(true);
    expect(toIdp).toContain('Signature=');
    // At A the doctor is logged in: A checks our signed request against our metadata and answers.
    const atPeer = await fetch(toIdp, { redirect: 'manual', headers: await sessionFor(peer, peerDoctor) });
    expect(atPeer.status, await atPeer.clone().text()).toBe(200);
    const form = formOf(await atPeer.text());
    expect(form.action).toBe(sp.identity.acsUrl);
    const landed = await fetch(form.action, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: browser.header() },
      body: new URLSearchParams(form.fields).toString(),
    });
    expect(landed.status).toBe(200);
    expect(await landed.text()).toContain('url=/patients?q=1');
    browser.take(landed);
    const session = await fetch(`${hubUrl}/api/v1/auth/session`, { headers: { cookie: browser.header() } });
    expect(session.status).toBe(200);
    const body = (await session.json()) as { user: { id: string }; facility: { oid: string } };
    expect(body.user.id).toBe(doctor.userId);
    expect(body.facility.oid).toBe(CLINIC);

    // The same answer again: refused (its request was answered, its assertion used).
    const again = await fetch(form.action, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form.fields).toString(),
    });
    expect(['saml-unknown-request', 'saml-replay']).toContain(await refusedWith(again));

    const audit = await hub.store.db
      .selectFrom('audit_event')
      .select(['event_json'])
      .where('type', '=', 'login')
      .where('outcome', '=', '0')
      .execute();
    expect(
      audit.map((a) => (JSON.parse(a.event_json) as { detail?: Record<string, string> }).detail),
    ).toContainEqual(
      expect.objectContaining({ method: 'saml', idp: peerIdp.entityId, subject: peerDoctor.userId }),
    );
  });

  it('login CSRF: an answer to a sign-in started in another browser is refused', async () => {
    // The attacker starts a sign-in in their own browser and gets A's answer for their own account…
    const start = await fetch(`${hubUrl}/saml/sp/login?idp=${encodeURIComponent(peerIdp.entityId)}`, {
      redirect: 'manual',
    });
    const atPeer = await fetch(start.headers.get('location') ?? '', {
      redirect: 'manual',
      headers: await sessionFor(peer, peerDoctor),
    });
    const form = formOf(await atPeer.text());
    // …and makes the victim's browser post it (no request cookie there, or the victim's own).
    const posted = (cookie?: string) =>
      fetch(form.action, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
        body: new URLSearchParams(form.fields).toString(),
      });
    expect(await refusedWith(await posted('hie_saml_request=_victims-own-request'))).toBe(
      'saml-other-browser',
    );
  });

  it('refuses an answer from A to no request of ours (A may not send unsolicited ones)', async () => {
    const xml = signedResponse(peerIdp.keys, {
      issuer: peerIdp.entityId,
      destination: sp.identity.acsUrl,
      audience: sp.identity.entityId,
      inResponseTo: null,
      user: user({ userId: peerDoctor.userId }),
      sessionIndex: '_s',
      now: new Date(),
    });
    expect(await refusedWith(await post(xml))).toBe('saml-unknown-request');
    const made = signedResponse(peerIdp.keys, {
      issuer: peerIdp.entityId,
      destination: sp.identity.acsUrl,
      audience: sp.identity.entityId,
      inResponseTo: '_never-asked',
      user: user({ userId: peerDoctor.userId }),
      sessionIndex: '_s',
      now: new Date(),
    });
    expect(await refusedWith(await post(made))).toBe('saml-unknown-request');
  });

  it('refuses every Response of the hostile corpus with its code, and audits it', async () => {
    const valid = corpus();
    const assertionOf = (xml: string) => /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(xml)?.[0] ?? '';
    const evil = assertionOf(corpus({ user: user({ userId: 'admin-evil' }) }))
      .replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/, '')
      .replace(/ID="[^"]+"/, 'ID="_evil"');
    const signed = assertionOf(valid);
    const cases: [string, string, string | string[]][] = [
      ['unsigned', valid.replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/g, ''), 'saml-bad-signature'],
      [
        'signed by a key not pinned (its certificate inside)',
        corpus({ keys: strangerKeys }),
        'saml-bad-signature',
      ],
      ['NameID changed after signing', valid.replace('>h-0001<', '>admin<'), 'saml-bad-signature'],
      // Signature wrapping: an unsigned assertion beside or around the signed one.
      [
        'XSW: evil assertion first',
        valid.replace(signed, `${evil}${signed}`),
        ['saml-bad-signature', 'saml-invalid'],
      ],
      [
        'XSW: evil assertion last',
        valid.replace(signed, `${signed}${evil}`),
        ['saml-bad-signature', 'saml-invalid'],
      ],
      [
        'XSW: signed assertion hidden inside the evil one',
        valid.replace(
          signed,
          evil.replace('</saml:Subject>', `</saml:Subject><saml:Advice>${signed}</saml:Advice>`),
        ),
        ['saml-bad-signature', 'saml-invalid'],
      ],
      [
        'XSW: evil assertion with the signed one’s ID',
        valid.replace(
          signed,
          `${evil.replace('ID="_evil"', `ID="${/ID="([^"]+)"/.exec(signed)?.[1]}"`)}${signed}`,
        ),
        ['saml-bad-signature', 'saml-invalid'],
      ],
      ['wrong audience', corpus({ audience: 'https://other-network.example/sp' }), 'saml-wrong-audience'],
      [
        'wrong recipient',
        corpus({ destination: 'https://other-network.example/acs' }),
        'saml-wrong-recipient',
      ],
      ['expired', corpus({ now: new Date(Date.now() - 3600_000) }), 'saml-expired'],
      [
        'XXE',
        `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${valid.replace('>h-0001<', '>&x;<')}`,
        'saml-bad-response',
      ],
      ['not XML', 'hello', 'saml-bad-response'],
      ['not a Response', '<a xmlns="urn:x"/>', 'saml-bad-response'],
      ['unknown IdP', valid.replaceAll(CORPUS_IDP, 'https://evil.example/idp'), 'saml-unknown-idp'],
    ];
    for (const [label, xml, code] of cases) {
      const got = await refusedWith(await post(xml));
      if (Array.isArray(code)) expect(code, label).toContain(got);
      else expect(got, label).toBe(code);
    }
    const empty = await fetch(`${hubUrl}/saml/sp/acs`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'RelayState=%2F',
    });
    expect(await refusedWith(empty)).toBe('saml-no-response');
    const refusals = await hub.store.db
      .selectFrom('audit_event')
      .select(['event_json'])
      .where('type', '=', 'login')
      .where('outcome', '=', '4')
      .execute();
    const reasons = refusals.map(
      (r) => (JSON.parse(r.event_json) as { detail?: { reason?: string } }).detail?.reason,
    );
    for (const code of ['saml-bad-signature', 'saml-wrong-audience', 'saml-expired', 'saml-bad-response'])
      expect(reasons).toContain(code);
  });

  it('a user nobody linked is refused; just in time only for the facilities the office opened', async () => {
    const newcomer = user({ userId: 'h-0100', name: '備後 花子' });
    expect(await refusedWith(await post(corpus({ user: newcomer })))).toBe('saml-not-linked');
    // A facility administrator may not open it; the office may, for one facility.
    const denied = await admin(clinicAdmin, 'PUT', '/admin/saml/identity-providers/jit', {
      idp: CORPUS_IDP,
      facilities: [CLINIC],
    });
    expect(denied.status).toBe(403);
    const unknownIdp = await admin(office, 'PUT', '/admin/saml/identity-providers/jit', {
      idp: 'https://evil.example/idp',
      facilities: [CLINIC],
    });
    expect(unknownIdp.status).toBe(404);
    const opened = await admin(office, 'PUT', '/admin/saml/identity-providers/jit', {
      idp: CORPUS_IDP,
      facilities: [CLINIC],
    });
    expect(opened.status, await opened.clone().text()).toBe(200);

    const first = await post(corpus({ user: newcomer }));
    expect(first.status).toBe(200);
    const created = await hub.store.db
      .selectFrom('hub_saml_link as l')
      .innerJoin('hub_user as u', 'u.id', 'l.user_id')
      .select(['u.id', 'u.name', 'u.profession', 'l.origin'])
      .where('l.subject', '=', 'h-0100')
      .execute();
    expect(created).toEqual([
      expect.objectContaining({ name: '備後 花子', profession: 'doctor', origin: 'jit' }),
    ]);
    // Again: the same user, not a second one.
    expect((await post(corpus({ user: newcomer }))).status).toBe(200);
    expect(
      await hub.store.db.selectFrom('hub_saml_link').select('id').where('subject', '=', 'h-0100').execute(),
    ).toHaveLength(1);

    // Another facility (not opened), a profession the IdP did not say, office staff: refused.
    expect(
      await refusedWith(await post(corpus({ user: user({ userId: 'h-0101', facilityOid: OTHER }) }))),
    ).toBe('saml-not-linked');
    expect(
      await refusedWith(
        await post(corpus({ user: user({ userId: 'h-0102', profession: 'nobody', hcRole: null }) })),
      ),
    ).toBe('saml-jit-incomplete');
    expect(
      await refusedWith(
        await post(corpus({ user: user({ userId: 'h-0103', profession: 'office', hcRole: null }) })),
      ),
    ).toBe('saml-jit-incomplete');
  });

  it('a linked user: the asserted profession and facility must be the directory’s', async () => {
    const nurse = await seedUser(hub.store, { facilityOid: CLINIC, profession: 'nurse', name: '看護 師子' });
    await setPassword(hub.store, nurse.userId, 'nurse-Passw0rd-long', { mustChange: false });
    const linked = await admin(clinicAdmin, 'POST', `/admin/users/${nurse.userId}/saml-links`, {
      idp: CORPUS_IDP,
      subject: 'h-0200',
    });
    expect(linked.status, await linked.clone().text()).toBe(201);
    expect(await refusedWith(await post(corpus({ user: user({ userId: 'h-0200' }) })))).toBe(
      'saml-role-mismatch',
    );
    expect(
      await refusedWith(
        await post(
          corpus({
            user: user({ userId: 'h-0200', profession: 'nurse', hcRole: 'Nurse', facilityOid: OTHER }),
          }),
        ),
      ),
    ).toBe('saml-facility');
    const ok = await post(corpus({ user: user({ userId: 'h-0200', profession: 'nurse', hcRole: 'Nurse' }) }));
    expect(ok.status).toBe(200);

    // The same IdP user cannot be linked to someone else; revoking the link ends the nurse's sessions.
    const twice = await admin(office, 'POST', `/admin/users/${doctor.userId}/saml-links`, {
      idp: CORPUS_IDP,
      subject: 'h-0200',
    });
    expect(twice.status).toBe(409);
    const { links } = (await (
      await admin(office, 'GET', `/admin/users/${nurse.userId}/saml-links`)
    ).json()) as {
      links: { id: string }[];
    };
    const revoked = await admin(clinicAdmin, 'POST', `/admin/saml/links/${links[0]?.id}/revoke`);
    expect(revoked.status, await revoked.clone().text()).toBe(200);
    const again = await admin(office, 'POST', `/admin/saml/links/${links[0]?.id}/revoke`);
    expect(again.status).toBe(409);
    const open = await hub.store.db
      .selectFrom('hub_session')
      .select('id')
      .where('user_id', '=', nurse.userId)
      .where('revoked_at', 'is', null)
      .execute();
    expect(open).toHaveLength(0);
    // Even with just-in-time users open for the clinic: a revoked link is not re-created.
    expect(
      await refusedWith(
        await post(corpus({ user: user({ userId: 'h-0200', profession: 'nurse', hcRole: 'Nurse' }) })),
      ),
    ).toBe('saml-link-revoked');
  });

  it('a facility administrator links only users wholly of their facility; strangers learn nothing', async () => {
    const otherDoctor = await seedUser(hub.store, { facilityOid: OTHER, profession: 'doctor' });
    const outside = await admin(clinicAdmin, 'POST', `/admin/users/${otherDoctor.userId}/saml-links`, {
      idp: CORPUS_IDP,
      subject: 'h-0300',
    });
    expect(outside.status).toBe(404);
    const member = await admin(doctor, 'GET', `/admin/users/${doctor.userId}/saml-links`);
    expect(member.status).toBe(403);
    const anonymous = await fetch(`${hubUrl}/api/v1/admin/saml/identity-providers`);
    expect(anonymous.status).toBe(401);
    // The IdP side's list of systems to sign in to is for logged-in users only.
    const systems = await fetch(`${peerIdp.baseUrl}/api/v1/saml/service-providers`);
    expect(systems.status).toBe(401);
    const badNext = await fetch(
      `${hubUrl}/saml/sp/login?idp=${encodeURIComponent(CORPUS_IDP)}&next=${encodeURIComponent('//evil.example/')}`,
      { redirect: 'manual' },
    );
    expect(badNext.status).toBe(400);
    const unknownIdp = await fetch(
      `${hubUrl}/saml/sp/login?idp=${encodeURIComponent('https://evil.example/idp')}`,
      {
        redirect: 'manual',
      },
    );
    expect(unknownIdp.status).toBe(404);
    // JIT only for facilities of the directory; a facility administrator sees only whether theirs is open.
    const nowhere = await admin(office, 'PUT', '/admin/saml/identity-providers/jit', {
      idp: CORPUS_IDP,
      facilities: ['1.2.392.200284.99.9999999999'],
    });
    expect(nowhere.status).toBeGreaterThanOrEqual(400);
    expect(nowhere.status).toBeLessThan(500);
    const both = await admin(office, 'PUT', '/admin/saml/identity-providers/jit', {
      idp: CORPUS_IDP,
      facilities: [CLINIC, OTHER],
    });
    expect(both.status).toBe(200);
    type Listed = { identityProviders: { entityId: string; jitFacilities: string[] }[] };
    const jitOf = async (p: HubPrincipal) =>
      (
        (await (await admin(p, 'GET', '/admin/saml/identity-providers')).json()) as Listed
      ).identityProviders.find((i) => i.entityId === CORPUS_IDP)?.jitFacilities;
    expect(await jitOf(office)).toEqual([CLINIC, OTHER].sort());
    expect(await jitOf(clinicAdmin)).toEqual([CLINIC]);
    // A RelayState that is not a path of this portal lands on the portal's home, never elsewhere.
    const relayed = await post(
      corpus({ user: user({ userId: 'h-0100', name: '備後 花子' }) }),
      'https://evil.example/',
    );
    expect(relayed.status).toBe(200);
    expect(await relayed.text()).toContain('url=/"');
  });
});
