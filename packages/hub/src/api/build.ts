import type { FastifyInstance } from 'fastify';
import { auditRoutes } from '../audit/routes.js';
import { authRoutes } from '../auth/routes.js';
import { sessionIdentify } from '../auth/session.js';
import { cabinetRoutes } from '../cabinet/api/routes.js';
import { consentRoutes } from '../consent/routes.js';
import { credentialAdminRoutes } from '../directory/credential-admin.js';
import { repositoryLinkRoutes } from '../directory/repository-link.js';
import { directoryRoutes } from '../directory/routes.js';
import { entryRoutes } from '../entries/routes.js';
import type { HubDeps, HubRoutes } from '../http.js';
import { iheAdminRoutes } from '../ihe/consumers.js';
import { nodeCertRoutes } from '../ihe/node.js';
import { iheRoutes } from '../ihe/routes.js';
import { mpiRoutes } from '../mpi/routes.js';
import { policyRoutes } from '../policy/routes.js';
import { statsRoutes } from '../stats/routes.js';
import { viewingRoutes } from '../viewing/routes.js';
import { createHubApp, createSystemsApp, type HubAppOptions } from './app.js';

/** Every route module of the hub, in registration order. */
export const HUB_ROUTES: readonly HubRoutes[] = [
  authRoutes,
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
  viewingRoutes,
  auditRoutes,
  statsRoutes,
];

export interface BuildHubOptions {
  logger?: boolean;
  /** The built web app (packages/web/dist) to serve at `/`. */
  webRoot?: string;
  https?: HubAppOptions['https'];
  /** The IHE endpoints are served by their own listener (`buildSystemsApp`), not this one. */
  separateIhe?: boolean;
}

/** The production hub app (not listening): every route module behind the session cookie. */
export function buildHubApp(deps: HubDeps, options: BuildHubOptions = {}): Promise<FastifyInstance> {
  return createHubApp(deps, {
    routes: HUB_ROUTES,
    outside: options.separateIhe ? [] : [iheRoutes],
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
