import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '@hie/platform';
import { HUB_ROUTES, hubRoutes } from '../../api/build.js';
import { sha256Hex } from '../../auth/credentials.js';
import { sessionIdentify } from '../../auth/session.js';
import type { HubPrincipal, HubRoutes } from '../../http.js';
import { type HubUnderTest, hubUnderTest } from '../../testing.js';
import { type SamlIdp, samlIdpRoutes } from '../idp-routes.js';
import { loadOrCreateSamlKeys } from '../keys.js';
import { idpMetadata, parseSpMetadata, type ServiceProvider } from '../metadata.js';
import { freePort } from '../testing.js';
import { type SamlSp, samlSpRoutes } from './routes.js';
import { parseIdpMetadata } from './trusted-idp.js';

/** A hub session for a seeded user, as a browser holds it (cookie + CSRF header). */
export async function sessionFor(hub: HubUnderTest, p: HubPrincipal) {
  await hub.store.db
    .insertInto('hub_credential')
    .values({
      user_id: p.userId,
      password_hash: 'x',
      password_changed_at: new Date().toISOString(),
      must_change: 0,
      totp_secret: null,
      totp_enrolled_at: null,
      totp_last_step: null,
      failed_count: 0,
      locked_until: null,
    })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .execute();
  const token = randomBytes(24).toString('base64url');
  const csrf = randomBytes(16).toString('hex');
  const now = new Date();
  await hub.store.db
    .insertInto('hub_session')
    .values({
      id: sha256Hex(token),
      user_id: p.userId,
      facility_oid: p.facilityOid,
      csrf_token: csrf,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(now.getTime() + 3600_000).toISOString(),
      ip: null,
      user_agent: null,
      revoked_at: null,
    })
    .execute();
  return { cookie: `hie_session=${token}`, 'x-csrf-token': csrf };
}

/** Two networks' hubs for the crossing tests: A the IdP (its SP list holds B with the agreement), B the SP. */
export interface TwoNetworks {
  a: HubUnderTest;
  b: HubUnderTest;
  idp: SamlIdp;
  sp: SamlSp;
  /** B as A registered it (entity id, ACS, the agreement's facilities). */
  partner: ServiceProvider;
  dispose(): Promise<void>;
}

/**
 * A (SQLite) and B (`engine`) with the interconnection agreement both ways: B trusts A's IdP with
 * unsolicited sign-ons and patient landing; A knows B's SP for the `agreement` facilities. With
 * `listen`, both on real ports (browser-like fetches); without, at made-up URLs for `app.inject`.
 */
export async function startTwoNetworks(
  engine: Engine,
  agreement: string[],
  options: {
    listen: boolean;
    /**
     * Records into A's timeline (partner/): A's routes made with its IdP, B's extra root routes made
     * with its SP; A's agreement then names B's URL and B trusts A's IdP for XUA calls.
     */
    records?: {
      aRoutes: (idp: SamlIdp) => readonly HubRoutes[];
      bOutside: (sp: SamlSp) => readonly HubRoutes[];
    };
  },
): Promise<TwoNetworks> {
  const dir = await mkdtemp(join(tmpdir(), 'hie-two-networks-'));
  const ports = options.listen ? [await freePort(), await freePort()] : [];
  const aUrl = options.listen ? `http://127.0.0.1:${ports[0]}` : 'https://a.example.jp';
  const bUrl = options.listen ? `http://127.0.0.1:${ports[1]}` : 'https://b.example.jp';
  const idp: SamlIdp = {
    entityId: `${aUrl}/saml/idp/metadata`,
    baseUrl: aUrl,
    keys: await loadOrCreateSamlKeys(join(dir, 'a.key'), join(dir, 'a.crt'), 'a'),
    serviceProviders: new Map(),
  };
  const trusted = parseIdpMetadata(
    idpMetadata({ entityId: idp.entityId, baseUrl: aUrl, certPem: idp.keys.certPem }),
    {
      name: '晴れやかネット',
      allowUnsolicited: true,
      patientLanding: true,
      partnerRecords: options.records !== undefined,
    },
  );
  const sp: SamlSp = {
    identity: {
      entityId: `${bUrl}/saml/sp/metadata`,
      acsUrl: `${bUrl}/saml/sp/acs`,
      keys: await loadOrCreateSamlKeys(join(dir, 'b.key'), join(dir, 'b.crt'), 'b'),
    },
    identityProviders: new Map([[trusted.entityId, trusted]]),
  };
  // With records: A's timelines ask B (partner/initiating.ts), B answers A's XUA calls (partner/responding.ts).
  const a = await hubUnderTest('sqlite', options.records ? options.records.aRoutes(idp) : HUB_ROUTES, {
    identify: sessionIdentify,
    outside: [samlIdpRoutes(idp)],
    settings: { gatewayTimeoutMs: 3000 },
  });
  const b = await hubUnderTest(engine, hubRoutes(null, sp), {
    identify: sessionIdentify,
    outside: [samlSpRoutes(sp), ...(options.records?.bOutside(sp) ?? [])],
  });
  if (options.listen) {
    await a.app.listen({ host: '127.0.0.1', port: ports[0] });
    await b.app.listen({ host: '127.0.0.1', port: ports[1] });
  }
  // The two offices exchange metadata; A's agreement names the facilities given.
  const partner = parseSpMetadata(
    (await b.app.inject({ url: '/saml/sp/metadata' })).body,
    'HM-net',
    undefined,
    agreement,
    options.records ? bUrl : undefined,
  );
  (idp.serviceProviders as Map<string, ServiceProvider>).set(partner.entityId, partner);
  return {
    a,
    b,
    idp,
    sp,
    partner,
    async dispose() {
      await a.dispose();
      await b.dispose();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
