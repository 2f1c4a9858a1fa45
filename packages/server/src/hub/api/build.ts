import type { FastifyInstance } from 'fastify';
import type { HubDeps, HubRoutes } from '../http.js';
import { createHubApp } from './app.js';

/** Every route module of the hub, in registration order. Filled as the modules land. */
export const HUB_ROUTES: readonly HubRoutes[] = [];

/** Until the session module lands nobody is identified: every protected route answers 401. */
const identify: HubRoutes = () => undefined;

/** The production hub app (not listening). */
export function buildHubApp(deps: HubDeps, options: { logger?: boolean } = {}): Promise<FastifyInstance> {
  return createHubApp(deps, {
    routes: HUB_ROUTES,
    identify,
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
}
