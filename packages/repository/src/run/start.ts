import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Store } from '@hie/platform';
import { type HubKey, loadHubKeys, openStore } from '@hie/platform';
import { loadDiseaseMaster, loadDrugMaster, loadModifierMaster, type UkeMasters } from '@hie/uke';
import type { FastifyInstance } from 'fastify';
import { buildRepositoryApp } from '../api/app.js';
import { OrcaPulls } from '../orca/schedule.js';
import { migrateRepositoryStore } from '../store/migrations.js';
import type { RepositorySchema } from '../store/schema.js';
import { TenantRegistry } from '../tenants/registry.js';
import type { RepositoryConfig } from './config.js';
import { TenantFeeds } from './feeds.js';
import { type LabDrop, startLabDrop } from './lab-drop.js';
import { startLabMllp } from './lab-mllp.js';

/** How often a running repository looks for tenants changed by another process. */
const TENANT_RELOAD_MS = 10_000;

export interface RunningRepository {
  app: FastifyInstance;
  url: string;
  store: Store<RepositorySchema>;
  tenants: TenantRegistry;
  orca: OrcaPulls;
  /** The lab centres' MLLP/TLS port, when `labMllp` is configured. */
  labMllpPort: number | undefined;
  /** Re-reads the tenants (after the office added one) and restarts their schedules and feeds. */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the repository: the store (opened, migrated), the tenants, the API (every tenant's FHIR and
 * intake, the office's admin API, /health), every ORCA-connected tenant's pull schedule, the
 * identity feed of every tenant that has a feed token, and the lab centres' other doors (MLLP/TLS, drop
 * folders) when configured.
 */
export async function startRepository(
  config: RepositoryConfig,
  options: { logger?: boolean } = {},
): Promise<RunningRepository> {
  if (config.db.startsWith('sqlite:'))
    await mkdir(dirname(config.db.slice('sqlite:'.length)), { recursive: true });
  const store = await openStore<RepositorySchema>(
    config.db,
    config.dbSchema ? { schema: config.dbSchema } : {},
  );
  try {
    await migrateRepositoryStore(store);
    const tenants = await TenantRegistry.open(store);
    const hubKeys: HubKey[] = config.hub.keys ? await loadHubKeys(config.hub.keys, config.hub.issuer) : [];
    const ukeMasters = config.uke ? await loadMasters(config.uke) : undefined;
    const orca = new OrcaPulls(tenants, { timeoutMs: config.orca.timeoutMs });
    let refreshing: Promise<void> = Promise.resolve();
    const changed = () => {
      refreshing = refreshing.then(() => refresh()).catch(() => undefined);
      return refreshing;
    };
    const built = await buildRepositoryApp({
      store,
      tenants,
      hubKeys,
      disclosure: config.disclosure,
      ...(config.adminToken ? { adminToken: config.adminToken } : {}),
      ...(ukeMasters ? { ukeMasters } : {}),
      runOrcaPull: orca.runNow,
      onTenantsChanged: changed,
      // A token the hub hands a tenant with its directory (ITI-59) replaces the tenant's feed token at
      // once (the app takes no request before it listens, below, so `feeds` is there by then).
      onFeedToken: (oid, token) => feeds.handOver(oid, token),
      ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
      ...(config.tls
        ? {
            tls: {
              key: await readFile(config.tls.key),
              cert: await readFile(config.tls.cert),
              ...(config.tls.ca ? { ca: await readFile(config.tls.ca) } : {}),
              requireClientCert: config.tls.requireClientCert,
            },
          }
        : {}),
      logger: options.logger ?? true,
    });
    const { app } = built;
    app.log.level = config.logLevel;
    if (hubKeys.length === 0)
      app.log.warn('no hub key configured (hub.keys): every FHIR request will be refused');
    orca.setLog((line) => app.log.info(line));
    const feeds = new TenantFeeds(tenants, {
      hubUrl: config.hub.url,
      pollIntervalMs: config.hub.feedPollMs,
      log: app.log,
    });
    let seen = '';
    const refresh = async () => {
      seen = await tenants.signature();
      await tenants.reload();
      await orca.refresh();
      await feeds.refresh();
    };
    await refresh();
    // Another process (`hie repository tenant add|suspend`) may change the tenants: looked at every
    // TENANT_RELOAD_MS; a suspended tenant is refused from then on, a new one pulled and fed.
    const reloader = setInterval(() => {
      void tenants
        .signature()
        .then((now) => (now !== seen ? changed() : undefined))
        .catch((e) => app.log.warn({ err: e }, 'tenant reload failed'));
    }, TENANT_RELOAD_MS);
    reloader.unref();
    // What listens or watches: closed in reverse on stop, or when a later one fails to start.
    const opened: { close(): Promise<void> }[] = [];
    const closeOpened = async () => {
      for (const o of opened.reverse()) await o.close().catch(() => undefined);
      opened.length = 0;
    };
    let labMllpPort: number | undefined;
    try {
      const address = await app.listen({ host: config.host, port: config.port });
      opened.push({ close: () => app.close() });
      if (config.labMllp) {
        const mllp = await startLabMllp(built.intake, {
          host: config.labMllp.host,
          port: config.labMllp.port,
          tls: {
            key: await readFile(config.labMllp.key),
            cert: await readFile(config.labMllp.cert),
            ca: await readFile(config.labMllp.ca),
          },
          log: app.log,
        });
        opened.push(mllp);
        labMllpPort = mllp.port;
      }
      for (const drop of config.labDrop) {
        const started: LabDrop = await startLabDrop(built.intake, { ...drop, log: app.log });
        opened.push({ close: () => started.stop() });
      }
      return {
        app,
        url: address,
        store,
        tenants,
        orca,
        labMllpPort,
        refresh: changed,
        async stop() {
          clearInterval(reloader);
          await refreshing;
          await orca.stop();
          await feeds.stop();
          // The lab doors first (each finishes the message or file in hand), the HTTP API last.
          await closeOpened();
          await store.close();
        },
      };
    } catch (e) {
      clearInterval(reloader);
      await orca.stop();
      await feeds.stop();
      await closeOpened();
      throw e;
    }
  } catch (e) {
    await store.close().catch(() => undefined);
    throw e;
  }
}

async function loadMasters(files: {
  diseaseMaster: string;
  modifierMaster: string;
  drugMaster: string;
}): Promise<UkeMasters> {
  const read = async <M>(
    path: string,
    load: (
      b: Uint8Array,
      o: { fileName: string },
    ) => { ok: true; master: M } | { ok: false; errors: { message: string }[] },
  ) => {
    const r = load(await readFile(path), { fileName: path });
    if (!r.ok) throw new Error(`${path}: ${r.errors.map((e) => e.message).join('; ')}`);
    return r.master;
  };
  return {
    disease: await read(files.diseaseMaster, loadDiseaseMaster),
    modifier: await read(files.modifierMaster, loadModifierMaster),
    drug: await read(files.drugMaster, loadDrugMaster),
  };
}

/** `hie repository`: runs until SIGINT / SIGTERM, then stops cleanly (pulls finish, the store closes). */
export async function runRepositoryUntilSignal(config: RepositoryConfig): Promise<void> {
  const running = await startRepository(config);
  running.app.log.info({ url: running.url, tenants: running.tenants.list().length }, 'repository started');
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await running.stop();
}
