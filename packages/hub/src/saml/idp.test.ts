import { execFile } from 'node:child_process';
import { createSign, generateKeyPairSync } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUB_ROUTES } from '../api/build.js';
import { enrolTotp, newTotpSecret, setPassword, totpNow } from '../auth/credentials.js';
import { sessionIdentify } from '../auth/session.js';
import { type HubUnderTest, hubUnderTest, seedFacility, seedUser, TEST_ENGINES } from '../testing.js';
import { type SamlIdp, samlIdpRoutes } from './idp-routes.js';
import { loadOrCreateSamlKeys } from './keys.js';
import { idpMetadata, parseSpMetadata } from './metadata.js';
import {
  CookieJar,
  formOf,
  freePort,
  type MellonSp,
  mellonMissing,
  prepareMellon,
  startMellon,
} from './testing.js';

const HOSPITAL = '1.2.392.200284.1.1.9201';
const PASSWORD = 'saml-test-Passw0rd!';
const skip = mellonMissing();
const run = promisify(execFile);

/**
 * The hub as SAML IdP against a real SP: Debian's Apache with mod_auth_mellon (its own process), and
 * xmlsec1 checking our signatures independently. SP-initiated and IdP-initiated SSO, single logout,
 * and the refusals of hostile or broken requests — on both stores.
 */
describe.skipIf(skip !== null).each(TEST_ENGINES)(
  'the hub as SAML IdP, with mod_auth_mellon (%s)',
  (engine) => {
    let dir: string;
    let hub: HubUnderTest;
    let idp: SamlIdp;
    let mellon: MellonSp;
    let sp: Awaited<ReturnType<typeof prepareMellon>>;
    /** A second SP (another mellon): single logout goes through both. */
    let mellon2: MellonSp;
    let hubUrl: string;
    let doctor: Awaited<ReturnType<typeof seedUser>>;
    let secret: string;
    /** The doctor's browser, logged in once (logins per id are rate-limited). */
    let browser: CookieJar;

    /** A browser logged in to the hub (password + TOTP through the API). */
    const loggedIn = async (who: { loginId: string; userId: string } = doctor, totp = secret) => {
      const jar = new CookieJar();
      // A fresh TOTP step each time (the hub refuses a code twice), and the per-id limit reset (10 in 10 min).
      const step = await fetch(`${hubUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ loginId: who.loginId, password: PASSWORD }),
      });
      const { pending } = (await step.json()) as { pending: string };
      // A fresh TOTP step each time: the hub refuses a code twice.
      await hub.store.db
        .updateTable('hub_credential')
        .set({ totp_last_step: null })
        .where('user_id', '=', who.userId)
        .execute();
      const done = await fetch(`${hubUrl}/api/v1/auth/totp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pending, code: totpNow(totp) }),
      });
      expect(done.status, await done.clone().text()).toBe(200);
      jar.take(done);
      return jar;
    };
    const get = (url: string, jar: CookieJar) =>
      fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });

    /** An AuthnRequest by the HTTP-Redirect binding, signed with `key` unless null. */
    const redirectRequest = (o: {
      issuer?: string;
      acs?: string;
      instant?: Date;
      key?: string | null;
      xml?: string;
    }) => {
      const xml =
        o.xml ??
        `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r${Date.now()}" Version="2.0" IssueInstant="${(o.instant ?? new Date()).toISOString()}"${o.acs ? ` AssertionConsumerServiceURL="${o.acs}"` : ''}><saml:Issuer>${o.issuer ?? sp.entityId}</saml:Issuer></samlp:AuthnRequest>`;
      let query = `SAMLRequest=${encodeURIComponent(deflateRawSync(Buffer.from(xml)).toString('base64'))}&SigAlg=${encodeURIComponent('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256')}`;
      if (o.key !== null) {
        const signature = createSign('RSA-SHA256')
          .update(query)
          .sign(o.key ?? spKey, 'base64');
        query += `&Signature=${encodeURIComponent(signature)}`;
      }
      return `${hubUrl}/saml/idp/sso?${query}`;
    };
    let spKey: string;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'hie-saml-'));
      await chmod(dir, 0o755); // Apache (www-data) serves the SP's folder inside it
      const spDir = join(dir, 'sp');
      await mkdir(spDir);
      sp = await prepareMellon(spDir);
      spKey = await readFile(sp.keyFile, 'utf8');
      const spDir2 = join(dir, 'sp2');
      await mkdir(spDir2);
      const sp2 = await prepareMellon(spDir2);
      const port = await freePort();
      hubUrl = `http://127.0.0.1:${port}`;
      const entityId = `${hubUrl}/saml/idp/metadata`;
      idp = {
        entityId,
        baseUrl: hubUrl,
        keys: await loadOrCreateSamlKeys(join(dir, 'idp.key.pem'), join(dir, 'idp.crt.pem'), entityId),
        serviceProviders: new Map([
          [sp.entityId, parseSpMetadata(await readFile(sp.metadataFile, 'utf8'), '検査ビューア')],
          [sp2.entityId, parseSpMetadata(await readFile(sp2.metadataFile, 'utf8'), '画像ビューア')],
        ]),
      };
      hub = await hubUnderTest(engine, HUB_ROUTES, {
        identify: sessionIdentify,
        outside: [samlIdpRoutes(idp)],
      });
      await hub.app.listen({ host: '127.0.0.1', port });
      await seedFacility(hub.store, { oid: HOSPITAL, name: '岡山大学病院' });
      doctor = await seedUser(hub.store, {
        facilityOid: HOSPITAL,
        profession: 'doctor',
        name: '岡田 真理子',
      });
      await setPassword(hub.store, doctor.userId, PASSWORD, { mustChange: false });
      secret = newTotpSecret();
      await enrolTotp(hub.store, doctor.userId, secret);
      mellon = await startMellon(
        spDir,
        sp,
        idpMetadata({ entityId, baseUrl: hubUrl, certPem: idp.keys.certPem }),
      );
      mellon2 = await startMellon(
        spDir2,
        sp2,
        idpMetadata({ entityId, baseUrl: hubUrl, certPem: idp.keys.certPem }),
        'second',
      );
      browser = await loggedIn();
    }, 60_000);

    afterAll(async () => {
      await mellon?.stop();
      await mellon2?.stop();
      await hub?.dispose();
      await rm(dir, { recursive: true, force: true });
    });

    /** mellon → hub (AuthnRequest) → the hub's POST form: what the browser would submit. */
    const ssoForm = async (jar: CookieJar, at: MellonSp = mellon) => {
      // mellon's page → its /mellon/login → the IdP.
      let toIdp = `${at.url}/protected/index.shtml`;
      let start: Response | undefined;
      for (let hops = 0; toIdp.startsWith(at.url) && hops < 4; hops++) {
        start = await get(toIdp, jar);
        jar.take(start);
        toIdp = new URL(start.headers.get('location') ?? '', at.url).toString();
      }
      expect(
        toIdp.startsWith(`${hubUrl}/saml/idp/sso?`),
        `${start?.status} ${toIdp} ${await at.errorLog()}`,
      ).toBe(true);
      expect(toIdp).toContain('Signature=');
      const page = await get(toIdp, jar);
      expect(page.status).toBe(200);
      return formOf(await page.text());
    };

    it('SP-initiated: mellon receives the user, profession, hcRole, facility and purpose (Japanese intact)', async () => {
      const jar = browser.only('hie_session');
      const form = await ssoForm(jar);
      expect(form.action).toBe(`${mellon.url}/mellon/postResponse`);
      const posted = await fetch(form.action, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
        body: new URLSearchParams(form.fields).toString(),
      });
      jar.take(posted);
      expect(posted.status, await mellon.errorLog()).toBe(303);
      const page = await get(new URL(posted.headers.get('location') ?? '/', mellon.url).toString(), jar);
      const html = await page.text();
      expect(page.status, html).toBe(200);
      expect(html).toContain(`<dd id="nameid">${doctor.userId}</dd>`);
      expect(html).toContain('<dd id="SUBJECT_NAME">岡田 真理子</dd>');
      expect(html).toContain(`<dd id="ORGANIZATION_ID">urn:oid:${HOSPITAL}</dd>`);
      expect(html).toContain('<dd id="ROLE">doctor</dd>');
      expect(html).toContain('<dd id="HC_ROLE">Medical Doctor</dd>');
      expect(html).toContain('<dd id="PURPOSE">TREAT</dd>');
      const audit = await hub.store.db
        .selectFrom('audit_event')
        .select('event_json')
        .where('type', '=', 'login')
        .execute();
      expect(audit.map((a) => JSON.parse(a.event_json).detail)).toContainEqual(
        expect.objectContaining({ method: 'saml-idp', sp: sp.entityId, initiated: 'sp' }),
      );
    });

    it('xmlsec1 verifies the assertion’s and the response’s signatures with the metadata’s certificate; a changed one fails there and at mellon', async () => {
      const jar = browser.only('hie_session');
      const form = await ssoForm(jar);
      const xml = Buffer.from(form.fields.SAMLResponse ?? '', 'base64').toString('utf8');
      await writeFile(join(dir, 'idp.pem'), idp.keys.certPem);
      await writeFile(join(dir, 'response.xml'), xml);
      for (const node of [
        'urn:oasis:names:tc:SAML:2.0:assertion:Assertion',
        'urn:oasis:names:tc:SAML:2.0:protocol:Response',
      ]) {
        const { stderr } = await run('xmlsec1', [
          '--verify',
          '--id-attr:ID',
          node,
          '--pubkey-cert-pem',
          join(dir, 'idp.pem'),
          ...(node.endsWith('Assertion')
            ? ['--node-xpath', "//*[local-name()='Assertion']/*[local-name()='Signature']"]
            : []),
          join(dir, 'response.xml'),
        ]);
        expect(stderr).toMatch(/OK/);
      }
      const forged = xml.replace(`>${doctor.userId}<`, '>someone-else<');
      expect(forged).not.toBe(xml);
      await writeFile(join(dir, 'forged.xml'), forged);
      await expect(
        run('xmlsec1', [
          '--verify',
          '--id-attr:ID',
          'urn:oasis:names:tc:SAML:2.0:protocol:Response',
          '--pubkey-cert-pem',
          join(dir, 'idp.pem'),
          join(dir, 'forged.xml'),
        ]),
      ).rejects.toThrow();
      const refused = await fetch(form.action, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
        body: new URLSearchParams({
          ...form.fields,
          SAMLResponse: Buffer.from(forged).toString('base64'),
        }).toString(),
      });
      expect(refused.status).toBeGreaterThanOrEqual(400);
    });

    it('without a hub session: one same-site reload (the Strict cookie), then the login page, which comes back', async () => {
      const jar = new CookieJar();
      const url = redirectRequest({});
      const first = await get(url, jar);
      const html = await first.text();
      expect(html).toContain('hie_resumed=1');
      const again = /url=([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&') ?? '';
      const second = await get(new URL(again, hubUrl).toString(), jar);
      expect(second.status).toBe(302);
      const login = new URL(second.headers.get('location') ?? '', hubUrl);
      expect(login.pathname).toBe('/login');
      expect(login.searchParams.get('next')).toMatch(/^\/saml\/idp\/sso\?SAMLRequest=/);
      expect(login.searchParams.get('next')).not.toContain('hie_resumed');
    });

    it.each([
      [
        'an unknown SP',
        () => redirectRequest({ issuer: 'https://evil.example/sp', key: null }),
        403,
        'saml-unknown-sp',
      ],
      [
        'an unsigned request from an SP that signs',
        () => redirectRequest({ key: null }),
        403,
        'saml-unsigned',
      ],
      [
        'a signature by another key',
        () =>
          redirectRequest({
            key: generateKeyPairSync('rsa', { modulusLength: 2048 })
              .privateKey.export({ type: 'pkcs8', format: 'pem' })
              .toString(),
          }),
        403,
        'saml-bad-signature',
      ],
      [
        'a stale request',
        () => redirectRequest({ instant: new Date(Date.now() - 3_600_000) }),
        400,
        'saml-stale-request',
      ],
      [
        'an ACS that is not in the metadata',
        () => redirectRequest({ acs: 'https://evil.example/acs' }),
        403,
        'saml-bad-acs',
      ],
      [
        'a DOCTYPE (XXE)',
        () =>
          redirectRequest({
            xml: '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&e;</samlp:AuthnRequest>',
          }),
        400,
        'saml-bad-request',
      ],
      ['no request at all', () => `${hubUrl}/saml/idp/sso`, 400, 'saml-no-request'],
    ])('refuses %s, even with a session', async (_label, url, status, code) => {
      const jar = browser.only('hie_session');
      const answer = await get(url(), jar);
      expect(answer.status).toBe(status);
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe(code);
    });

    it('IdP-initiated from the portal: an unsolicited response mellon accepts; an unknown SP is refused', async () => {
      const jar = browser.only('hie_session');
      const target = `${mellon.url}/protected/index.shtml`;
      const page = await get(
        `${hubUrl}/saml/idp/init?sp=${encodeURIComponent(sp.entityId)}&relayState=${encodeURIComponent(target)}`,
        jar,
      );
      const form = formOf(await page.text());
      const xml = Buffer.from(form.fields.SAMLResponse ?? '', 'base64').toString('utf8');
      expect(xml).not.toContain('InResponseTo');
      const posted = await fetch(form.action, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form.fields).toString(),
      });
      expect(posted.status, await mellon.errorLog()).toBe(303);
      expect(posted.headers.get('location')).toBe(target);
      expect((await get(`${hubUrl}/saml/idp/init?sp=https%3A%2F%2Fevil.example%2F`, jar)).status).toBe(404);
    });

    it('single logout started at the SP ends the hub session and answers mellon with a signed LogoutResponse', async () => {
      const jar = await loggedIn();
      const form = await ssoForm(jar);
      const posted = await fetch(form.action, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
        body: new URLSearchParams(form.fields).toString(),
      });
      jar.take(posted);
      const logout = await get(
        `${mellon.url}/mellon/logout?ReturnTo=${encodeURIComponent(`${mellon.url}/`)}`,
        jar,
      );
      jar.take(logout);
      const toIdp = logout.headers.get('location') ?? '';
      expect(toIdp.startsWith(`${hubUrl}/saml/idp/slo?`)).toBe(true);
      const atHub = await get(toIdp, jar);
      jar.take(atHub);
      const back = atHub.headers.get('location') ?? '';
      expect(back.startsWith(`${mellon.url}/mellon/logout?SAMLResponse=`), `${atHub.status} ${back}`).toBe(
        true,
      );
      const done = await get(back, jar);
      expect(done.status, await mellon.errorLog()).toBeLessThan(400);
      const session = await get(`${hubUrl}/api/v1/auth/session`, jar);
      expect(session.status).toBe(401);
    });

    /** Signs the browser in to one mellon through the hub (SSO), so the hub records the SP for the session. */
    const signedInTo = async (jar: CookieJar, at: MellonSp) => {
      const form = await ssoForm(jar, at);
      const posted = await fetch(form.action, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
        body: new URLSearchParams(form.fields).toString(),
      });
      jar.take(posted);
      expect(posted.status, await at.errorLog()).toBe(303);
      expect((await get(`${at.url}/protected/index.shtml`, jar)).status).toBe(200);
    };
    /** Follows redirects (collecting cookies) until the chain leaves both SPs and the hub's SAML endpoints. */
    const follow = async (start: string, jar: CookieJar) => {
      const visited: string[] = [];
      let url = start;
      for (let hops = 0; hops < 12; hops++) {
        visited.push(url.split('?')[0] ?? url);
        const answer = await get(url, jar);
        jar.take(answer);
        const next = answer.headers.get('location');
        if (answer.status < 300 || answer.status >= 400 || !next)
          return { last: url, status: answer.status, visited };
        url = new URL(next, url).toString();
      }
      throw new Error(`too many redirects: ${visited.join(' → ')}`);
    };
    /** A user of their own: mellon finds a session by NameID, so each logout test has its own user. */
    const anotherDoctor = async (name: string) => {
      const who = await seedUser(hub.store, { facilityOid: HOSPITAL, profession: 'doctor', name });
      await setPassword(hub.store, who.userId, PASSWORD, { mustChange: false });
      const totp = newTotpSecret();
      await enrolTotp(hub.store, who.userId, totp);
      return loggedIn(who, totp);
    };
    const stillSignedIn = async (at: MellonSp, jar: CookieJar) =>
      (await get(`${at.url}/protected/index.shtml`, jar)).status === 200;

    it('single logout from the portal goes through every SP the session signed in to, then the login page', async () => {
      const jar = await anotherDoctor('退出 一郎');
      await signedInTo(jar, mellon);
      await signedInTo(jar, mellon2);
      const me = (await (await get(`${hubUrl}/api/v1/auth/session`, jar)).json()) as { csrfToken: string };
      const out = await fetch(`${hubUrl}/api/v1/auth/logout`, {
        method: 'POST',
        headers: { cookie: jar.header(), 'x-csrf-token': me.csrfToken },
      });
      expect(out.status).toBe(200);
      jar.take(out);
      const { next } = (await out.json()) as { next: string };
      const trip = await follow(`${hubUrl}${next}`, jar);
      expect(trip.last, trip.visited.join(' → ')).toBe(`${hubUrl}/login?loggedOut=1`);
      // Both SPs saw a LogoutRequest from the hub and answered it.
      expect(trip.visited.filter((u) => u.endsWith('/mellon/logout')).length).toBe(2);
      expect(trip.visited.filter((u) => u === `${hubUrl}/saml/idp/slo`).length).toBe(2);
      expect(await stillSignedIn(mellon, jar)).toBe(false);
      expect(await stillSignedIn(mellon2, jar)).toBe(false);
      expect((await get(`${hubUrl}/api/v1/auth/session`, jar)).status).toBe(401);
    });

    it('single logout started at one SP also ends the other SP’s session, then answers the first', async () => {
      const jar = await anotherDoctor('退出 二郎');
      await signedInTo(jar, mellon);
      await signedInTo(jar, mellon2);
      // The SP's redirect to the hub is cross-site: the hub's Strict session cookie does not come along;
      // the hub finds the session by the NameID and SessionIndex the SP names.
      const hubCookie = jar.only('hie_session');
      const crossSite = jar.without('hie_session');
      const trip = await follow(
        `${mellon.url}/mellon/logout?ReturnTo=${encodeURIComponent(`${mellon.url}/`)}`,
        crossSite,
      );
      expect(trip.visited, trip.visited.join(' → ')).toContain(`${mellon2.url}/mellon/logout`);
      expect(trip.last.startsWith(mellon.url), trip.visited.join(' → ')).toBe(true);
      expect(await stillSignedIn(mellon, crossSite)).toBe(false);
      expect(await stillSignedIn(mellon2, crossSite)).toBe(false);
      expect((await get(`${hubUrl}/api/v1/auth/session`, hubCookie)).status).toBe(401);
    });
  },
);
