import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { HubKey } from '@hie/platform';
import { loadHubKeys, openStore, type Store, startAtnaOf } from '@hie/platform';
import {
  buildGatewayApp,
  FEED_TOKEN_STATE,
  type GatewayAppDeps,
  type HubFeedTarget,
  IdentityFeeder,
  migrateGatewayStore,
  renderFeedMetrics,
  type Schema,
} from '@hie/record-source';
import type { FastifyInstance } from 'fastify';
import { InboundReceiver } from '../inbound/receiver.js';
import { GatewayIngest } from '../ingest/index.js';
import type { GatewayFacility, IngestReport } from '../ingest/types.js';
import { startGatewayAuditAnchoring } from './audit-anchoring.js';
import type { GatewayConfig } from './config.js';
import { rememberFacility } from './facility-state.js';
import { senderOwnership, startInboundListeners } from './inbound.js';
import { InboundCounters } from './metrics.js';
import { pacsSourceOf } from './pacs.js';
import { readTlsFiles } from './tls-files.js';

/** A running gateway: its parts, where it listens, and how to stop it. */
export interface RunningGateway {
  readonly app: FastifyInstance;
  readonly store: Store<Schema>;
  readonly ingest: GatewayIngest;
  readonly receiver: InboundReceiver;
  /** The patient identity feed to the hub; undefined unless hub.url and hub.feedToken are configured. */
  readonly feeder: IdentityFeeder | undefined;
  readonly facility: GatewayFacility;
  /** `http(s)://host:port` of the API. */
  readonly url: string;
  readonly port: number;
  /** Plain MLLP; undefined when mllp.enabled is false. */
  readonly mllpPort: number | undefined;
  /** MLLP over TLS with client certificates; undefined unless mllp.tls is configured. */
  readonly mllpTlsPort: number | undefined;
  /** The HL7 v2 over HTTP listener's port; undefined unless inbound.http is enabled. */
  readonly inboundHttpPort: number | undefined;
  /** Settles when the first full load of the storage is done (the API serves meanwhile). */
  readonly loaded: Promise<void>;
  /** Graceful stop: stop taking messages and requests, let ingest finish its batch, close the store. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Resolve only after the first full load (tests, `--wait`); default false. */
  waitForLoad?: boolean;
  /** Fastify's pino logger on (default true). */
  logger?: boolean;
}

/**
 * Starts the facility gateway: store (opened and migrated), ingest of the hospital's storage and of
 * the gateway's own inbound storage, the API (FHIR, admin, /health, /metrics), and the HL7 v2 inbound
 * listeners (plain MLLP, MLLP/TLS, HTTP), each on its own port. Received messages are ingested the
 * moment they are filed.
 */
export async function startGateway(
  config: GatewayConfig,
  options: StartOptions = {},
): Promise<RunningGateway> {
  await mkdir(config.storage.inbound, { recursive: true });
  if (config.db.startsWith('sqlite:'))
    await mkdir(dirname(config.db.slice('sqlite:'.length)), { recursive: true });
  const store = await openStore<Schema>(config.db, config.dbSchema ? { schema: config.dbSchema } : {});
  const opened: { close(): Promise<void> }[] = [store];
  const closeAll = async () => {
    for (const part of opened.reverse()) await part.close().catch(() => undefined);
  };
  try {
    await migrateGatewayStore(store);
    const facility: GatewayFacility = {
      institutionCode: config.facility.institutionCode,
      oid: config.facility.oid,
      name: config.facility.name,
    };
    const previous = await rememberFacility(store, facility);
    const hubKeys: HubKey[] = config.hub.keys ? await loadHubKeys(config.hub.keys, config.hub.issuer) : [];
    const roots = [...config.storage.roots, config.storage.inbound];
    const extendedRoots = config.storage.extended;
    const dicomRoots = config.storage.dicom;
    // Binary reads serve document files, which live in the extended storage roots.
    const servedRoots = [...roots, ...extendedRoots];
    // The hospital's PACS (its own process, reached over DICOMweb): indexed by ingest, frames by the API.
    const pacs = config.storage.pacs ? await pacsSourceOf(config.storage.pacs) : undefined;
    // A feed token the hub handed over with its directory (ITI-59) wins over the config's.
    const pushed = await store.db
      .selectFrom('gw_state')
      .select('value')
      .where('name', '=', FEED_TOKEN_STATE)
      .executeTakeFirst();
    let feeder: IdentityFeeder | undefined;
    let feedTarget: HubFeedTarget | undefined;
    let started = false;
    const app = await buildGatewayApp({
      ...(await appDeps(config, { store, facility, hubKeys, roots: servedRoots, options })),
      ...(pacs ? { pacs: pacs.client } : {}),
      onFeedToken: (token) => {
        if (feedTarget) feedTarget.feedToken = token;
        else if (config.hub.url) {
          feedTarget = { url: config.hub.url, feedToken: token };
          feeder = feederOf(config, store, app, feedTarget);
          opened.push({ close: () => feeder?.stop() ?? Promise.resolve() });
          if (started) feeder.start();
        }
        app.log.info('the hub handed over a new feed token with its directory (ITI-59)');
        feeder?.wake();
      },
    });
    opened.push({ close: () => app.close() });
    app.log.level = config.logLevel;
    if (previous && previous.oid !== facility.oid) {
      app.log.warn(
        { was: previous.oid, now: facility.oid },
        'the store was built for another facility OID: run `hie gateway reindex` to rebuild the projection',
      );
    }
    if (hubKeys.length === 0)
      app.log.warn('no hub key configured (hub.keys): every FHIR request will be refused');
    // The audit chain's head, signed with the gateway's own key and written outside the store (invariant 9).
    const anchoring = await startGatewayAuditAnchoring(store, config.audit, facility.oid, app.log);
    opened.push({ close: () => anchoring.stop() });
    // Every audit event to the ATNA repository, if one is configured (ITI-20).
    const atna = await startAtnaOf(store, config.audit.atna, { sourceId: facility.oid }, (e) =>
      app.log.error({ err: e }, 'audit events could not be sent to the ATNA repository (will retry)'),
    );
    opened.push({ close: async () => atna?.stop() });

    const token = pushed?.value ?? config.hub.feedToken;
    if (config.hub.url && token) {
      feedTarget = { url: config.hub.url, feedToken: token };
      feeder = feederOf(config, store, app, feedTarget);
    } else app.log.info('no hub.url / feed token: patient identities are not fed to the hub');
    const ingest = new GatewayIngest(store, {
      roots,
      extendedRoots,
      dicomRoots,
      ...(pacs ? { pacs } : {}),
      facility,
      ...(config.ingest.rescanIntervalMs !== undefined
        ? { rescanIntervalMs: config.ingest.rescanIntervalMs }
        : {}),
      ...(config.ingest.watch !== undefined ? { watch: config.ingest.watch } : {}),
      ...(config.ingest.workers !== undefined ? { workers: config.ingest.workers } : {}),
      onEvent: (e) => {
        if (e.kind === 'error') app.log.warn({ ingest: e.message }, 'ingest problem');
        else if (e.kind === 'scan-done') app.log.info({ report: e.report }, 'storage scan done');
        // Each committed batch may carry new or changed patients: the feed looks at once.
        else if (e.kind === 'batch') feeder?.wake();
      },
    });
    opened.push({ close: () => ingest.stop() });
    if (feeder) {
      const first = feeder;
      opened.push({ close: () => first.stop() });
    }

    const counters = new InboundCounters();
    const receiver = new InboundReceiver({
      storageRoot: config.storage.inbound,
      authorise: senderOwnership(store),
      onStored: (paths) => ingest.notify(paths),
      log: app.log,
    });
    counters.mount(app);
    if (feeder) mountFeedMetrics(app, feeder);
    // Readiness (beside the API's liveness /health): 503 until the first full load of the storage is done.
    let ready = false;
    app.get('/health/ready', async (_request, reply) =>
      reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'loading', mllp: config.mllp.enabled }),
    );
    await app.listen({ host: config.host, port: config.port });
    const port = addressPort(app);

    // Writes are authenticated per sender and audited, on their own listeners: the read API never takes them.
    const inbound = await startInboundListeners(config, { receiver, store, counters, log: app.log });
    opened.push(inbound);

    feeder?.start();
    started = true;
    const loaded = ingest.start().then(
      () => {
        ready = true;
        app.log.info('initial load done; following the storage');
      },
      (e: unknown) => {
        app.log.error({ err: e }, 'initial load failed; the periodic rescan will retry');
      },
    );
    if (options.waitForLoad) await loaded;

    let stopping: Promise<void> | undefined;
    const scheme = config.tls ? 'https' : 'http';
    const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    return {
      app,
      store,
      ingest,
      receiver,
      feeder,
      facility,
      url: `${scheme}://${shownHost}:${port}`,
      port,
      mllpPort: inbound.mllpPort,
      mllpTlsPort: inbound.mllpTlsPort,
      inboundHttpPort: inbound.httpPort,
      loaded,
      stop() {
        stopping ??= (async () => {
          app.log.info('stopping the gateway');
          // Inbound first (MLLP, MLLP/TLS, then HTTP with in-flight requests), then the feed, ingest, a
          // last anchor of the audit chain (every answer's event is written by now), the store.
          await inbound.close();
          await app.close();
          await feeder?.stop();
          await ingest.stop();
          await anchoring.stop();
          await atna?.stop();
          await store.close();
        })();
        return stopping;
      },
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}

/**
 * The identity feed to the hub at `target` (hub.url, and the feed token of the config or the one the hub
 * handed over; the target is read at every send, so a new token takes effect at once); not started yet.
 */
function feederOf(config: GatewayConfig, store: Store<Schema>, app: FastifyInstance, target: HubFeedTarget) {
  return new IdentityFeeder(store, {
    hub: target,
    facilityOid: config.facility.oid,
    pollIntervalMs: config.hub.feedPollMs,
    log: app.log,
  });
}

/** Counting pending patients is a query: refreshed at most this often for /metrics. */
const FEED_PENDING_TTL_MS = 15_000;

/**
 * Appends the feed's lines to the API's /metrics answer (as InboundCounters does). The pending count
 * is read before the handler runs: an onSend hook that awaits a query races the route's own answer.
 */
function mountFeedMetrics(app: FastifyInstance, feeder: IdentityFeeder): void {
  let pending: { n: number | null; at: number } | undefined;
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.url !== '/metrics') return;
    if (!pending || Date.now() - pending.at > FEED_PENDING_TTL_MS)
      pending = { n: await feeder.pending().catch(() => null), at: Date.now() };
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.routeOptions.url !== '/metrics' || reply.statusCode !== 200 || typeof payload !== 'string')
      return done(null, payload);
    const lines = renderFeedMetrics(feeder.status(), pending?.n ?? null);
    done(null, `${payload.endsWith('\n') ? payload : `${payload}\n`}${lines}`);
  });
}

async function appDeps(
  config: GatewayConfig,
  parts: {
    store: Store<Schema>;
    facility: GatewayFacility;
    hubKeys: HubKey[];
    roots: string[];
    options: StartOptions;
  },
): Promise<GatewayAppDeps> {
  const deps: GatewayAppDeps = {
    store: parts.store,
    facility: parts.facility,
    hubKeys: parts.hubKeys,
    disclosure: { categories: [...config.disclosure.categories] },
    storageRoots: parts.roots,
    logger: parts.options.logger ?? true,
  };
  if (config.adminToken) deps.adminToken = config.adminToken;
  if (config.baseUrl) deps.baseUrl = config.baseUrl;
  if (config.tls) deps.tls = await readTlsFiles(config.tls, config.tls.requireClientCert);
  return deps;
}

function addressPort(app: FastifyInstance): number {
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/**
 * Runs until SIGINT / SIGTERM, then stops gracefully; a second signal exits at once. Resolves when
 * the gateway has stopped.
 */
export async function runGatewayUntilSignal(config: GatewayConfig): Promise<void> {
  const gateway = await startGateway(config);
  gateway.app.log.info(
    {
      api: gateway.url,
      mllpPort: gateway.mllpPort,
      mllpTlsPort: gateway.mllpTlsPort,
      facility: gateway.facility.oid,
      db: gateway.store.location,
      auditAnchors: config.audit.anchors,
    },
    'gateway running',
  );
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      gateway.app.log.info({ signal }, 'signal received');
      process.once(signal, () => process.exit(130));
      gateway.stop().then(resolve, (e: unknown) => {
        gateway.app.log.error({ err: e }, 'unclean stop');
        resolve();
      });
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}

export type { IngestReport };
