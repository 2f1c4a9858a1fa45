import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { HubDeps, HubRoutes } from '../http.js';
import { installErrorHandling } from './errors.js';

export interface HubAppOptions {
  /** Route modules under `/api/v1`. */
  routes: readonly HubRoutes[];
  /** Sets `request.principal` (the session hook in production, a test hook in tests). */
  identify: HubRoutes;
  logger?: boolean;
  bodyLimit?: number;
}

/**
 * The hub's Fastify app, not listening: zod-validated routes, one error shape, cookies, and the route
 * modules under `/api/v1`.
 */
export async function createHubApp(deps: HubDeps, options: HubAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 12 * 1024 * 1024,
    return503OnClosing: true,
    trustProxy: false,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  await app.register(cookie);
  app.decorateRequest('principal', null);
  await app.register(
    async (api) => {
      await options.identify(api, deps);
      for (const routes of options.routes) await routes(api, deps);
    },
    { prefix: '/api/v1' },
  );
  return app;
}
