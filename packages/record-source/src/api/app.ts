import type { HubKeys, Store } from '@hie/platform';
import { httpsServerOptions, installContractHeader, type MutualTlsOptions } from '@hie/platform';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { checkDisclosure, DisclosureRegistry, type DisclosureSettings } from '../access/index.js';
import { DirectoryRequesters } from '../directory/requesters.js';
import type { GatewayFacility } from '../facility.js';
import type { PacsClient } from '../pacs/client.js';
import type { Schema } from '../store/schema.js';
import { registerAdminRoutes } from './admin-routes.js';
import { AuditQueue } from './audit-queue.js';
import { auditRefusal } from './audit-record.js';
import type { ContextOf, GatewayContext } from './context.js';
import { dicomFrameSources } from './dicom-sources.js';
import { registerDicomwebRoutes } from './dicomweb-routes.js';
import { registerFhirRoutes } from './fhir-routes.js';
import { registerHpdFeedRoute } from './hpd-feed-routes.js';
import { GatewayMetrics } from './metrics.js';
import { StoreNonceLedger } from './nonce-ledger.js';
import { registerOpsRoutes } from './ops-routes.js';
import { FHIR_JSON, GatewayError, operationOutcome } from './outcome.js';

export type { MutualTlsOptions };

export interface GatewayAppDeps {
  store: Store<Schema>;
  facility: GatewayFacility;
  /** Public keys of the hub(s) whose assertions this gateway accepts. */
  hubKeys: HubKeys;
  /** From the config file; the admin API's stored settings win once set. Empty = disclose nothing. */
  disclosure: DisclosureSettings;
  /** Storage roots documents may be served from. */
  storageRoots: string[];
  /** The hospital's PACS (storage.pacs): frames of the instances indexed from it are retrieved there. */
  pacs?: PacsClient;
  /** Local admin token for /admin/*; without one the admin API is disabled. */
  adminToken?: string;
  tls?: MutualTlsOptions;
  /** Public base URL for links (`https://gw.example.jp`); default: from the request's Host. */
  baseUrl?: string;
  logger?: boolean;
  assertion?: { maxLifetimeSeconds?: number; clockSkewSeconds?: number };
  /** Clock for assertion checks, seconds since the epoch (tests). */
  now?: () => number;
  /** Told when the hub's directory feed (ITI-59) hands this facility a new feed token. */
  onFeedToken?: (token: string) => void;
}

/**
 * The gateway's HTTP API: FHIR R4 subset under /fhir (signed assertions only), /admin/disclosure
 * (local admin token), /health and /metrics. Every error is an OperationOutcome with a stable code.
 */
export async function buildGatewayApp(deps: GatewayAppDeps): Promise<FastifyInstance> {
  const configured = checkDisclosure(deps.disclosure);
  if (!configured.ok) throw new Error(`disclosure settings in the config: ${configured.message}`);
  if (deps.adminToken !== undefined && deps.adminToken.length < 16) {
    throw new Error('the admin token must be at least 16 characters');
  }
  const app = createServer(deps);
  installContractHeader(app);
  const ctx: GatewayContext = {
    store: deps.store,
    facility: deps.facility,
    root: '',
    hubKeys: deps.hubKeys,
    disclosure: new DisclosureRegistry(deps.store, configured.settings),
    requesters: new DirectoryRequesters(deps.store),
    nonces: new StoreNonceLedger(deps.store),
    audit: new AuditQueue(deps.store),
    metrics: new GatewayMetrics(),
    storageRoots: deps.storageRoots,
    dicomSource: dicomFrameSources(deps.pacs),
    adminToken: deps.adminToken,
    baseUrl: deps.baseUrl?.replace(/\/+$/, ''),
    assertionLimits: deps.assertion ?? {},
    now: deps.now,
    requests: new WeakMap(),
  };
  const ctxOf = () => ctx;
  installSourceHooks(app, ctxOf, ctx.metrics);
  registerFhirRoutes(app, ctxOf);
  registerDicomwebRoutes(app, ctxOf);
  registerAdminRoutes(app, ctxOf);
  registerOpsRoutes(app, ctxOf);
  registerHpdFeedRoute(app, ctxOf, deps.onFeedToken);
  return app;
}

/**
 * What every record server's app does around its routes (the gateway's, and the repository's for all its
 * tenants): no caching of patient data, request metrics, and every error as an OperationOutcome with a
 * stable code, audited as a refusal in the facility's context. `ctxOf` may throw (an unknown tenant):
 * that error is answered without an audit record, as there is no facility to record it for.
 */
export function installSourceHooks(app: FastifyInstance, ctxOf: ContextOf, metrics: GatewayMetrics): void {
  // Callback-style hooks: an async hook costs a promise and its microtask turns on every request.
  app.addHook('onSend', (request, reply, payload, done) => {
    // Patient data must not linger in shared caches or browser history.
    const route = request.routeOptions.url ?? '';
    if (route.includes('/dicomweb/') || (route.includes('/fhir/') && !route.endsWith('/fhir/metadata'))) {
      reply.header('cache-control', 'no-store');
    }
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    metrics.observe(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });
  app.setErrorHandler(async (error: FastifyError | GatewayError, request, reply) => {
    const refusal = error instanceof GatewayError ? error : fromFramework(error);
    if (refusal.status >= 500) request.log.error(error);
    try {
      await auditRefusal(ctxOf(request), request, refusal);
    } catch (auditError) {
      if (!(auditError instanceof GatewayError)) request.log.error(auditError);
    }
    if (refusal.status === 401) {
      reply.header('www-authenticate', `Bearer error="invalid_token", error_description="${refusal.code}"`);
    }
    reply.status(refusal.status).type(FHIR_JSON).send(operationOutcome(refusal));
  });
  app.setNotFoundHandler(async (request, reply) => {
    const error = new GatewayError('not-found', `no route ${request.method} ${request.url.split('?')[0]}`);
    reply.status(404).type(FHIR_JSON).send(operationOutcome(error));
  });
}

function createServer(deps: GatewayAppDeps): FastifyInstance {
  const options = {
    logger: deps.logger ?? false,
    bodyLimit: 64 * 1024,
    return503OnClosing: true,
  };
  if (!deps.tls) return Fastify(options);
  // The https server type differs from the http one only in the raw server; routes do not touch it.
  return Fastify({ ...options, https: httpsServerOptions(deps.tls) }) as unknown as FastifyInstance;
}

/** Fastify's own errors (bad JSON, body too large, …) in our shape. */
function fromFramework(error: FastifyError): GatewayError {
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) return new GatewayError('bad-request', error.message);
  return new GatewayError('internal');
}
