import type { FastifyInstance } from 'fastify';
import { auditRoutes } from '../audit/routes.js';
import { authRoutes } from '../auth/routes.js';
import { sessionIdentify } from '../auth/session.js';
import { directoryRoutes } from '../directory/routes.js';
import type { HubDeps, HubRoutes } from '../http.js';
import { statsRoutes } from '../stats/routes.js';
import { createHubApp } from './app.js';

/** Every route module of the hub, in registration order. Filled as the modules land. */
export const HUB_ROUTES: readonly HubRoutes[] = [authRoutes, directoryRoutes, auditRoutes, statsRoutes];

/** The production hub app (not listening). */
export function buildHubApp(deps: HubDeps, options: { logger?: boolean } = {}): Promise<FastifyInstance> {
  return createHubApp(deps, {
    routes: HUB_ROUTES,
    identify: sessionIdentify,
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
}
