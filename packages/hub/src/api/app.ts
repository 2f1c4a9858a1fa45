import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import { installContractHeader } from '@hie/platform';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { HubDeps, HubRoutes } from '../http.js';
import { installErrorHandling } from './errors.js';
import { installSecurityHeaders, serveWebApp } from './web.js';

export interface HubAppOptions {
  /** Route modules under `/api/v1`. */
  routes: readonly HubRoutes[];
  /** Route modules at the root, outside `/api/v1` and its session (the IHE endpoints `/ihe/…`). */
  outside?: readonly HubRoutes[];
  /** Sets `request.principal` (the session hook in production, a test hook in tests). */
  identify: HubRoutes;
  logger?: boolean;
  bodyLimit?: number;
  /** The built web app to serve at `/` (with client-side routes falling back to index.html). */
  webRoot?: string;
  /**
   * Serve HTTPS with this key and certificate; with `clientCa`, ask every client for a certificate (not
   * required: browsers have none) — the IHE endpoints then accept only registered, verified ones.
   */
  https?: { key: Buffer | string; cert: Buffer | string; clientCa?: Buffer | string[]; crl?: string[] };
}

/**
 * The hub's Fastify app, not listening: zod-validated routes, one error shape, cookies, and the route
 * modules under `/api/v1`.
 */
export async function createHubApp(deps: HubDeps, options: HubAppOptions): Promise<FastifyInstance> {
  const app = baseApp(options);
  await app.register(cookie);
  // The OpenAPI document is generated from the routes' zod schemas: it cannot drift from the code.
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'hie hub API',
        version: '1',
        description:
          'The network centre of a regional health information exchange (地域医療連携ネットワーク): directory, ' +
          'login, patient index, consent, policy, viewing, audit, statistics. Errors: `{ error: { code, message, details? } }` ' +
          'with a stable `code`. Sessions: cookie `hie_session`; unsafe methods need the `x-csrf-token` header.',
      },
      servers: [{ url: '/' }],
    },
    transform: jsonSchemaTransform,
  });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.decorateRequest('principal', null);
  await app.register(
    async (api) => {
      await options.identify(api, deps);
      for (const routes of options.routes) await routes(api, deps);
    },
    { prefix: '/api/v1' },
  );
  for (const routes of options.outside ?? []) await routes(app, deps);
  if (options.webRoot) await serveWebApp(app, options.webRoot);
  return app;
}

/**
 * An app of the hub's own listener for facility systems (`ihe` in the config): only the route modules
 * `outside` the portal (the IHE endpoints), no session, no web app. Over HTTPS with `clientCa` it asks
 * every client for a certificate — on this port only, so browsers on the portal's port are never asked.
 */
export async function createSystemsApp(
  deps: HubDeps,
  options: Pick<HubAppOptions, 'outside' | 'https' | 'logger' | 'bodyLimit'>,
): Promise<FastifyInstance> {
  const app = baseApp(options);
  for (const routes of options.outside ?? []) await routes(app, deps);
  return app;
}

/** Fastify with the hub's validation, error shape, security headers and contract header. */
function baseApp(options: Pick<HubAppOptions, 'https' | 'logger' | 'bodyLimit'>): FastifyInstance {
  const https = options.https
    ? {
        key: options.https.key,
        cert: options.https.cert,
        ...(options.https.clientCa
          ? { ca: options.https.clientCa, requestCert: true, rejectUnauthorized: false }
          : {}),
        ...(options.https.crl && options.https.crl.length > 0 ? { crl: options.https.crl } : {}),
      }
    : null;
  const app = Fastify({
    ...(https ? { https } : {}),
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 12 * 1024 * 1024,
    return503OnClosing: true,
    trustProxy: false,
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  installSecurityHeaders(app);
  installContractHeader(app);
  return app;
}
