import {
  type HubKeys,
  httpsServerOptions,
  installContractHeader,
  type MutualTlsOptions,
  type Store,
} from '@hie/platform';
import {
  AuditQueue,
  checkDisclosure,
  type DisclosureSettings,
  GatewayMetrics,
  installSourceHooks,
  registerFhirRoutes,
} from '@hie/record-source';
import type { UkeMasters } from '@hie/uke';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { RepositorySchema } from '../store/schema.js';
import type { TenantRegistry } from '../tenants/registry.js';
import { TenantContexts } from './contexts.js';
import { registerTenantDirectoryFeed, type TenantFeedTokenListener } from './directory-feed.js';
import { registerEntryRoutes } from './entry-routes.js';
import type { IntakeContext, OrcaPullOutcome } from './intake-context.js';
import { IntakeError } from './intake-errors.js';
import { registerIntakeRoutes } from './intake-routes.js';
import { registerLabRoutes } from './lab-routes.js';
import { registerOfficeRoutes } from './office-routes.js';
import { registerSsmix2Routes } from './ssmix2-routes.js';

export interface RepositoryAppDeps {
  store: Store<RepositorySchema>;
  tenants: TenantRegistry;
  /** Public keys of the hub(s) whose assertions the tenants' APIs accept. */
  hubKeys: HubKeys;
  /** A tenant's disclosure settings until it sets its own. */
  disclosure: DisclosureSettings;
  adminToken?: string;
  ukeMasters?: UkeMasters;
  runOrcaPull?: (oid: string) => Promise<OrcaPullOutcome>;
  onTenantsChanged?: () => Promise<void>;
  /** The hub's directory feed (ITI-59) handed a tenant a new feed token (kept in its store already). */
  onFeedToken?: TenantFeedTokenListener;
  tls?: MutualTlsOptions;
  /** Public base URL (`https://repo.example.jp`): tenants' URLs are `<base>/t/<OID>`. */
  baseUrl?: string;
  logger?: boolean;
  assertion?: { maxLifetimeSeconds?: number; clockSkewSeconds?: number };
  now?: () => number;
}

export interface RepositoryApp {
  app: FastifyInstance;
  audit: AuditQueue;
  contexts: TenantContexts;
  intake: IntakeContext;
}

/**
 * The repository's HTTP API, for every tenant in one process:
 *   /t/<OID>/fhir/…     the record server's FHIR API (hub-signed assertions, the tenant's disclosure) —
 *                       the same routes and decisions as a gateway's, on the tenant's scoped store;
 *   /t/<OID>/ihe/hpd-feed  the network directory the hub pushes to the tenant (ITI-59), as a gateway's;
 *   /t/<OID>/intake/…   writes by the tenant's senders (UKE, お薬手帳, ORCA pull now, status);
 *   /intake/lab         lab results from lab centres, routed to the ordering clinic;
 *   /admin/…            the network office (tenants, senders, lab links, status);
 *   /health             open, no patient data.
 */
export async function buildRepositoryApp(deps: RepositoryAppDeps): Promise<RepositoryApp> {
  const configured = checkDisclosure(deps.disclosure);
  if (!configured.ok) throw new Error(`default disclosure settings: ${configured.message}`);
  if (deps.adminToken !== undefined && deps.adminToken.length < 16)
    throw new Error('the admin token must be at least 16 characters');
  const options = { logger: deps.logger ?? false, bodyLimit: 256 * 1024, return503OnClosing: true };
  const app = (
    deps.tls ? Fastify({ ...options, https: httpsServerOptions(deps.tls) }) : Fastify(options)
  ) as FastifyInstance;
  installContractHeader(app);
  const audit = new AuditQueue(deps.store as never);
  const metrics = new GatewayMetrics();
  const baseUrl = deps.baseUrl?.replace(/\/+$/, '');
  const contexts = new TenantContexts({
    tenants: deps.tenants,
    hubKeys: deps.hubKeys,
    disclosure: configured.settings,
    audit,
    metrics,
    ...(baseUrl ? { baseUrl } : {}),
    ...(deps.assertion ? { assertion: deps.assertion } : {}),
    ...(deps.now ? { now: deps.now } : {}),
  });
  const intake: IntakeContext = {
    base: deps.store,
    tenants: deps.tenants,
    audit,
    ukeMasters: deps.ukeMasters,
    adminToken: deps.adminToken,
    ...(deps.runOrcaPull ? { runOrcaPull: deps.runOrcaPull } : {}),
    ...(deps.onTenantsChanged ? { onTenantsChanged: deps.onTenantsChanged } : {}),
  };

  app.get('/health', async () => {
    try {
      await sql`select 1`.execute(deps.store.db);
    } catch (e) {
      throw new IntakeError('internal', `store: ${(e as Error).message}`);
    }
    return { status: 'ok', db: 'ok', engine: deps.store.engine, tenants: deps.tenants.list().length };
  });

  await app.register(
    async (records) => {
      installSourceHooks(records, contexts.contextOf, metrics);
      registerFhirRoutes(records, contexts.contextOf);
      registerTenantDirectoryFeed(records, contexts, deps.onFeedToken);
    },
    { prefix: '/t/:tenant' },
  );

  const publicUrl = (request: FastifyRequest) => baseUrl ?? `${request.protocol}://${request.host}`;
  await app.register(async (writes) => {
    writes.setErrorHandler(async (error, request, reply) => {
      const e =
        error instanceof IntakeError
          ? error
          : (error as { statusCode?: number }).statusCode === 413
            ? new IntakeError('bad-request', 'the body is larger than the intake accepts')
            : (error as { statusCode?: number }).statusCode !== undefined &&
                (error as { statusCode: number }).statusCode < 500
              ? new IntakeError('bad-request', (error as Error).message)
              : new IntakeError('internal');
      if (e.code === 'internal') request.log.error(error);
      if (e.status === 401)
        reply.header('www-authenticate', `Bearer error="invalid_token", error_description="${e.code}"`);
      reply.status(e.status).send(e.body());
    });
    registerIntakeRoutes(writes, intake);
    // After the intake routes: it adds the octet-stream parser only where none is yet.
    registerSsmix2Routes(writes, intake);
    registerLabRoutes(writes, intake);
    registerEntryRoutes(writes, intake, contexts);
    registerOfficeRoutes(writes, intake, publicUrl);
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.url.startsWith('/t/') || request.url.startsWith('/admin/'))
      reply.header('cache-control', 'no-store');
    done(null, payload);
  });
  return { app, audit, contexts, intake };
}
