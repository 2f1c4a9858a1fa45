import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateServiceProviderMetadata } from '@node-saml/node-saml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubRoutes } from '../api/build.js';
import type { HubPrincipal } from '../http.js';
import type { SamlIdp } from '../saml/idp-routes.js';
import { loadOrCreateSamlKeys } from '../saml/keys.js';
import { idpMetadata } from '../saml/metadata.js';
import type { SamlSp } from '../saml/sp/routes.js';
import { type HubUnderTest, hubUnderTest, seedFacility, seedUser, TEST_ENGINES } from '../testing.js';
import { loadRegisteredPartners, syncRegisteredPartners } from './registry.js';

const CLINIC = '1.2.392.200284.33.3311610020';
const HOSPITAL = '1.2.392.200284.33.3319800011';
const PARTNER_SP = 'https://hub.hm-net.example/saml/sp/metadata';
const PARTNER_IDP = 'https://hub.hm-net.example/saml/idp/metadata';

/**
 * The office registers SAML partners from its screen (issue 16): an SP with the interconnection
 * agreement, an IdP for records and landing — live at once, kept for the next start, the config's
 * read-only, office only, audited; bad metadata refused with its reason. Both stores.
 */
describe.each(TEST_ENGINES)('registering SAML partners (%s)', (engine) => {
  let hub: HubUnderTest;
  let idp: SamlIdp;
  let sp: SamlSp;
  let office: HubPrincipal;
  let admin: HubPrincipal;
  let dir: string;
  let spXml: string;
  let idpXml: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hie-partners-'));
    const ours = await loadOrCreateSamlKeys(join(dir, 'k'), join(dir, 'c'), 'ours');
    const theirs = await loadOrCreateSamlKeys(join(dir, 'tk'), join(dir, 'tc'), 'theirs');
    idp = {
      entityId: 'https://hub.example/saml/idp/metadata',
      baseUrl: 'https://hub.example',
      keys: ours,
      serviceProviders: new Map(),
    };
    sp = {
      identity: {
        entityId: 'https://hub.example/saml/sp/metadata',
        acsUrl: 'https://hub.example/saml/sp/acs',
        keys: ours,
      },
      identityProviders: new Map([
        [
          'https://configured.example/idp',
          {
            entityId: 'https://configured.example/idp',
            name: '設定ファイルの IdP',
            ssoUrl: 'https://configured.example/sso',
            signingCerts: ['MIIB'],
            subjectAttribute: null,
            allowUnsolicited: false,
            attributes: {
              name: 'a',
              facility: 'b',
              profession: 'c',
              hcRole: 'd',
            },
            patientLanding: false,
            partnerRecords: false,
          },
        ],
      ]),
    };
    spXml = generateServiceProviderMetadata({
      issuer: PARTNER_SP,
      callbackUrl: 'https://hub.hm-net.example/saml/sp/acs',
      publicCerts: theirs.certPem,
      identifierFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
      wantAssertionsSigned: true,
    });
    idpXml = idpMetadata({
      entityId: PARTNER_IDP,
      baseUrl: 'https://hub.hm-net.example',
      certPem: theirs.certPem,
    });
    hub = await hubUnderTest(engine, hubRoutes(null, sp, null, idp));
    await seedFacility(hub.store, { oid: CLINIC, type: 'clinic', discloses: false });
    await seedFacility(hub.store, { oid: HOSPITAL });
    office = await seedUser(hub.store, { facilityOid: HOSPITAL, profession: 'office' });
    admin = await seedUser(hub.store, { facilityOid: CLINIC, profession: 'doctor', role: 'admin' });
  });
  afterAll(async () => {
    await hub?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  const call = (who: HubPrincipal | null, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    hub.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: who ? hub.as(who) : {},
      ...(payload ? { payload } : {}),
    });

  it('the office registers a partner network’s portal with the agreement: live at once, kept, listed', async () => {
    const body = {
      metadata: spXml,
      name: 'HM-net',
      facilities: [CLINIC],
      records: 'https://hub.hm-net.example',
    };
    const created = await call(office, 'POST', '/admin/saml/partners/service-providers', body);
    expect(created.statusCode, created.body).toBe(201);
    expect(idp.serviceProviders.get(PARTNER_SP)).toMatchObject({
      name: 'HM-net',
      crossingFacilities: [CLINIC],
      recordsUrl: 'https://hub.hm-net.example',
    });
    // The same entity again: its options replaced (200), one registration.
    const updated = await call(office, 'POST', '/admin/saml/partners/service-providers', {
      ...body,
      name: 'HM-net（広島）',
    });
    expect(updated.statusCode).toBe(200);
    expect(idp.serviceProviders.get(PARTNER_SP)?.name).toBe('HM-net（広島）');
    const list = (await call(office, 'GET', '/admin/saml/partners')).json();
    expect(list.serviceProviders).toEqual([
      expect.objectContaining({
        entityId: PARTNER_SP,
        source: 'office',
        facilities: [CLINIC],
        records: 'https://hub.hm-net.example',
      }),
    ]);
    expect(list.identityProviders).toEqual([
      expect.objectContaining({ entityId: 'https://configured.example/idp', source: 'config', id: null }),
    ]);
    // A fresh start of the hub finds it in the store.
    const fresh: SamlIdp = { ...idp, serviceProviders: new Map() };
    expect(await loadRegisteredPartners(hub.store, fresh, null)).toEqual({ loaded: 1, failed: [] });
    expect(fresh.serviceProviders.get(PARTNER_SP)?.name).toBe('HM-net（広島）');
    const audited = await hub.store.db
      .selectFrom('audit_event')
      .select('event_json')
      .where('type', '=', 'admin')
      .execute();
    expect(
      audited.map((e) => (JSON.parse(e.event_json) as { detail: { action: string } }).detail.action),
    ).toEqual(expect.arrayContaining(['saml-partner-sp']));
  });

  it('the office registers a partner IdP for records and landing; removing it ends its trust at once', async () => {
    const created = await call(office, 'POST', '/admin/saml/partners/identity-providers', {
      metadata: idpXml,
      name: 'HM-net',
      allowUnsolicited: true,
      patientLanding: true,
      partnerRecords: true,
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(sp.identityProviders.get(PARTNER_IDP)).toMatchObject({
      partnerRecords: true,
      patientLanding: true,
    });
    // The login page offers it at once.
    const methods = (await hub.app.inject({ url: '/api/v1/auth/methods' })).json() as {
      methods: { name?: string }[];
    };
    expect(methods.methods.map((m) => m.name)).toContain('HM-net');
    const removed = await call(office, 'DELETE', `/admin/saml/partners/${created.json().id}`);
    expect(removed.statusCode).toBe(200);
    expect(sp.identityProviders.has(PARTNER_IDP)).toBe(false);
    expect((await call(office, 'DELETE', `/admin/saml/partners/${created.json().id}`)).statusCode).toBe(404);
  });

  it('another hub process picks up a registration and a removal (the periodic sync), never the config’s', async () => {
    const other: SamlSp = { ...sp, identityProviders: new Map(sp.identityProviders) };
    const configured = { sps: new Set<string>(), idps: new Set<string>() };
    const created = await call(office, 'POST', '/admin/saml/partners/identity-providers', {
      metadata: idpXml,
      name: 'HM-net',
      partnerRecords: true,
    });
    await syncRegisteredPartners(hub.store, null, other, configured);
    expect(other.identityProviders.has(PARTNER_IDP)).toBe(true);
    await call(office, 'DELETE', `/admin/saml/partners/${created.json().id}`);
    await syncRegisteredPartners(hub.store, null, other, configured);
    expect(other.identityProviders.has(PARTNER_IDP)).toBe(false);
    expect(other.identityProviders.has('https://configured.example/idp')).toBe(true);
  });

  it('refuses what is not the office’s to do, bad metadata, unknown facilities, the config’s partners', async () => {
    const body = { metadata: spXml, name: 'X', facilities: [CLINIC] };
    expect((await call(null, 'POST', '/admin/saml/partners/service-providers', body)).statusCode).toBe(401);
    expect((await call(admin, 'POST', '/admin/saml/partners/service-providers', body)).statusCode).toBe(403);
    expect((await call(admin, 'GET', '/admin/saml/partners')).statusCode).toBe(403);
    const bad = await call(office, 'POST', '/admin/saml/partners/service-providers', {
      ...body,
      metadata: `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${spXml}`,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('saml-metadata-invalid');
    const notSp = await call(office, 'POST', '/admin/saml/partners/service-providers', {
      ...body,
      metadata: idpXml,
    });
    expect(notSp.json().error.code).toBe('saml-metadata-invalid');
    const unknown = await call(office, 'POST', '/admin/saml/partners/service-providers', {
      ...body,
      facilities: ['1.2.392.200284.99.1'],
    });
    expect(unknown.statusCode).toBe(400);
    const recordsAlone = await call(office, 'POST', '/admin/saml/partners/service-providers', {
      metadata: spXml,
      name: 'X',
      records: 'https://hub.hm-net.example',
    });
    expect(recordsAlone.statusCode).toBe(400);
    const configured = await call(office, 'POST', '/admin/saml/partners/identity-providers', {
      metadata: idpXml.replaceAll(PARTNER_IDP, 'https://configured.example/idp'),
      name: 'override',
    });
    expect(configured.statusCode).toBe(409);
    expect(configured.json().error.code).toBe('saml-partner-configured');
  });
});
