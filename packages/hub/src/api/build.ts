import type { FastifyInstance } from 'fastify';
import { auditRoutes } from '../audit/routes.js';
import { hpkiCard } from '../auth/hpki/method.js';
import { hpkiInfoRoutes } from '../auth/hpki/routes.js';
import type { HpkiTrust } from '../auth/hpki/trust.js';
import { passwordTotp } from '../auth/login.js';
import { authRoutes, createAuthRoutes } from '../auth/routes.js';
import { sessionIdentify } from '../auth/session.js';
import { cabinetRoutes } from '../cabinet/api/routes.js';
import { consentRoutes } from '../consent/routes.js';
import { credentialAdminRoutes } from '../directory/credential-admin.js';
import { hpkiAdminRoutes } from '../directory/hpki-admin.js';
import { repositoryLinkRoutes } from '../directory/repository-link.js';
import { directoryRoutes } from '../directory/routes.js';
import { entryRoutes } from '../entries/routes.js';
import type { HubDeps, HubRoutes } from '../http.js';
import { iheAdminRoutes } from '../ihe/consumers.js';
import { nodeCertRoutes } from '../ihe/node.js';
import { iheRoutes } from '../ihe/routes.js';
import { mpiRoutes } from '../mpi/routes.js';
import { partnerAdminRoutes } from '../partner/admin-routes.js';
import { partnerRecordsOf } from '../partner/initiating.js';
import { partnerRespondingRoutes } from '../partner/responding.js';
import { policyRoutes } from '../policy/routes.js';
import { type SamlIdp, samlIdpRoutes } from '../saml/idp-routes.js';
import { samlSpAdminRoutes } from '../saml/sp/admin-routes.js';
import { identityProviderChoices, type SamlSp, samlSpRoutes } from '../saml/sp/routes.js';
import { statsRoutes } from '../stats/routes.js';
import type { PartnerRecords } from '../viewing/partners.js';
import { createViewingRoutes } from '../viewing/routes.js';
import { createHubApp, createSystemsApp, type HubAppOptions } from './app.js';

/**
 * The route modules of a portal listener. With `hpki`, the card listener's: the HPKI login method is
 * registered there only (TLS asks for the card there); every listener serves the binding
 * administration and tells the login page where the card listener is.
 */
export function hubRoutes(
  hpki: { trust: HpkiTrust; publicUrl: string; cardListener: boolean } | null,
  samlSp: SamlSp | null = null,
  partners: PartnerRecords | null = null,
  saml: SamlIdp | null = null,
): readonly HubRoutes[] {
  return [
    hpki?.cardListener ? createAuthRoutes({ methods: [passwordTotp(), hpkiCard(hpki.trust)] }) : authRoutes,
    hpkiInfoRoutes(hpki?.trust ?? null, hpki?.publicUrl ?? null, hpki?.cardListener ?? false, () =>
      identityProviderChoices(samlSp),
    ),
    hpkiAdminRoutes(hpki?.trust ?? null, hpki?.publicUrl ?? null),
    samlSpAdminRoutes(samlSp),
    partnerAdminRoutes(saml, samlSp),
    ...MODULE_ROUTES,
    createViewingRoutes(partners),
    ...LAST_ROUTES,
  ];
}

const MODULE_ROUTES: readonly HubRoutes[] = [
  directoryRoutes,
  credentialAdminRoutes,
  repositoryLinkRoutes,
  mpiRoutes,
  iheAdminRoutes,
  nodeCertRoutes,
  policyRoutes,
  consentRoutes,
  entryRoutes,
  cabinetRoutes,
];
const LAST_ROUTES: readonly HubRoutes[] = [auditRoutes, statsRoutes];

/** Every route module of the hub, in registration order (without an HPKI card listener). */
export const HUB_ROUTES: readonly HubRoutes[] = hubRoutes(null);

export interface BuildHubOptions {
  logger?: boolean;
  /** The built web app (packages/web/dist) to serve at `/`. */
  webRoot?: string;
  https?: HubAppOptions['https'];
  /** The IHE endpoints are served by their own listener (`buildSystemsApp`), not this one. */
  separateIhe?: boolean;
  /** The hub as SAML IdP (`/saml/idp/…` at the root, with the session). */
  saml?: SamlIdp;
  /** The hub as SAML SP of trusted IdPs (`/saml/sp/…` at the root). */
  samlSp?: SamlSp;
  /** HPKI card login is configured: its trust, its public URL, and whether this is the card listener. */
  hpki?: { trust: HpkiTrust; publicUrl: string; cardListener: boolean };
}

/** The production hub app (not listening): every route module behind the session cookie. */
export function buildHubApp(deps: HubDeps, options: BuildHubOptions = {}): Promise<FastifyInstance> {
  return createHubApp(deps, {
    routes:
      options.hpki || options.samlSp || options.saml
        ? hubRoutes(
            options.hpki ?? null,
            options.samlSp ?? null,
            options.saml ? partnerRecordsOf(options.saml) : null,
            options.saml ?? null,
          )
        : HUB_ROUTES,
    outside: [
      ...(options.separateIhe ? [] : [iheRoutes]),
      ...(options.saml ? [samlIdpRoutes(options.saml)] : []),
      ...(options.samlSp ? [samlSpRoutes(options.samlSp)] : []),
      // Answers only IdPs marked partnerRecords (checked per call: the office may register one later).
      ...(options.samlSp ? [partnerRespondingRoutes(options.samlSp)] : []),
    ],
    identify: sessionIdentify,
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
    ...(options.https ? { https: options.https } : {}),
  });
}

/** The listener for facility systems (the `ihe` config): the IHE endpoints alone. */
export function buildSystemsApp(
  deps: HubDeps,
  options: Pick<BuildHubOptions, 'logger' | 'https'> = {},
): Promise<FastifyInstance> {
  return createSystemsApp(deps, {
    outside: [iheRoutes],
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    ...(options.https ? { https: options.https } : {}),
  });
}
