import { access, mkdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  auditWitnessesOf,
  importSigningKeyPem,
  loadOrCreateSigningKey,
  openStore,
  type SigningKey,
  type Store,
  startAtnaOf,
  startAuditAnchoring,
} from '@hie/platform';
import type { FastifyInstance } from 'fastify';
import { buildHubApp, buildSystemsApp } from '../api/build.js';
import { HUB_AUDIT_SOURCE } from '../audit-record.js';
import { loadOrCreateVapidKeys } from '../cabinet/push/keys.js';
import type { HubDeps } from '../http.js';
import { startIheMllp } from '../ihe/v2/index.js';
import { migrateHubStore } from '../migrations/index.js';
import { loadRegisteredPartners, PARTNER_SYNC_MS, syncRegisteredPartners } from '../partner/registry.js';
import type { SamlIdp } from '../saml/idp-routes.js';
import type { SamlSp } from '../saml/sp/routes.js';
import type { Schema } from '../store/schema.js';
import { leanFetch } from '../viewing/lean-fetch.js';
import { startCardListener } from './card-listener.js';
import { type HubConfig, hubSettingsOf } from './config.js';
import { samlIdpOf, samlSpOf, settleSamlIdp, settleSamlSp } from './saml-idp.js';

export interface RunningHub {
  readonly app: FastifyInstance;
  readonly store: Store<Schema>;
  readonly deps: HubDeps;
  /** `http(s)://host:port`. */
  readonly url: string;
  readonly port: number;
  /** The listener for facility systems (the IHE endpoints), when the config gives it one (`ihe`). */
  readonly systemsUrl?: string;
  /** The HL7 v2 PIX/PDQ listener's port (MLLP), when the config gives it one (`ihe.mllp`). */
  readonly mllpPort?: number;
  /** The HPKI card listener (the portal with client certificates), when the config gives it one (`hpki`). */
  readonly cardUrl?: string;
  /**
   * The hub's SAML sides (config `saml`): the IdP (its trusted SPs: a partner network registered at
   * run time joins `serviceProviders`) and the SP (its trusted IdPs), or null.
   */
  readonly saml: { idp: SamlIdp | null; sp: SamlSp | null };
  stop(): Promise<void>;
}

const readTls = async (tls: { key: string; cert: string; clientCa?: string }) => ({
  key: await readFile(tls.key),
  cert: await readFile(tls.cert),
  ...(tls.clientCa ? { clientCa: await readFile(tls.clientCa) } : {}),
});

function listeningPort(app: FastifyInstance): number {
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/**
 * The hub's signing key: the configured file, or — when it is the default path and does not exist
 * yet — a new key created there (first run of a demo or a fresh installation).
 */
export async function hubSigningKey(path: string): Promise<{ key: SigningKey; created: boolean }> {
  try {
    await access(path);
    return { key: await importSigningKeyPem(await readFile(path, 'utf8')), created: false };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const name = basename(path).replace(/\.key\.pem$/, '');
  if (`${name}.key.pem` !== basename(path)) {
    throw new Error(`${path}: no such key file (a new key is only created at a path ending in .key.pem)`);
  }
  return loadOrCreateSigningKey(dirname(path), name);
}

/** Starts the hub: store (opened and migrated), signing key, API, listening. */
export async function startHub(config: HubConfig, options: { logger?: boolean } = {}): Promise<RunningHub> {
  if (config.db.startsWith('sqlite:'))
    await mkdir(dirname(config.db.slice('sqlite:'.length)), { recursive: true });
  const store = await openStore<Schema>(config.db, config.dbSchema ? { schema: config.dbSchema } : {});
  try {
    await migrateHubStore(store);
    const { key, created } = await hubSigningKey(config.signingKey);
    const deps: HubDeps = {
      store,
      settings: {
        ...hubSettingsOf(config),
        ...(config.cabinetPush
          ? {
              cabinetPush: {
                subject: config.cabinetPush.subject,
                allowedHosts: config.cabinetPush.allowedHosts,
                vapid: await loadOrCreateVapidKeys(
                  config.cabinetPush.vapidKeys ?? join(config.dataDir, 'keys', 'vapid.json'),
                ),
                ...(config.cabinetPush.proxy ? { proxy: config.cabinetPush.proxy } : {}),
              },
            }
          : {}),
      },
      signingKey: key,
      now: () => new Date(),
      // Keep-alive HTTP client for the gateway fan-out: Node's fetch costs twice the CPU per timeline.
      fetch: leanFetch(
        config.gatewayTls
          ? {
              tls: {
                cert: await readFile(config.gatewayTls.cert),
                key: await readFile(config.gatewayTls.key),
                ...(config.gatewayTls.ca ? { ca: await readFile(config.gatewayTls.ca) } : {}),
              },
            }
          : {},
      ),
    };
    const shown = (host: string) => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
    // The card listener first: the portal's login page must know where it is.
    const card = await startCardListener(deps, config, { logger: options.logger ?? true, shownHost: shown });
    const saml = await samlIdpOf(config);
    const samlSp = await samlSpOf(config, saml);
    // The partners the office registered from its screen, beside the config file's (read again every
    // 30 s: a registration or removal made in another hub process reaches this one).
    const registered = await loadRegisteredPartners(store, saml, samlSp);
    const fromStore = { sps: new Set<string>(), idps: new Set<string>() };
    await syncRegisteredPartners(store, saml, samlSp, fromStore);
    const partnerSync = saml
      ? setInterval(() => {
          syncRegisteredPartners(store, saml, samlSp, fromStore).catch(() => undefined);
        }, PARTNER_SYNC_MS)
      : null;
    partnerSync?.unref();
    const app = await buildHubApp(deps, {
      ...(saml ? { saml } : {}),
      ...(samlSp ? { samlSp } : {}),
      ...(card ? { hpki: { trust: card.trust, publicUrl: card.publicUrl, cardListener: false } } : {}),
      logger: options.logger ?? true,
      ...(config.webRoot ? { webRoot: config.webRoot } : {}),
      ...(config.tls ? { https: await readTls(config.tls) } : {}),
      separateIhe: config.ihe !== undefined,
    });
    // Facility systems on a listener of their own: certificates are asked for there, never on the portal.
    const systems = config.ihe
      ? await buildSystemsApp(deps, {
          logger: options.logger ?? true,
          ...(config.ihe.tls ? { https: await readTls(config.ihe.tls) } : {}),
        })
      : null;
    if (systems) systems.log.level = config.logLevel;
    app.log.level = config.logLevel;
    for (const f of registered.failed)
      app.log.error(
        { entityId: f.entityId, message: f.message },
        'a registered SAML partner could not be loaded',
      );
    if (created)
      app.log.warn(
        { key: config.signingKey },
        'created a new hub signing key: give its .pub.pem to every gateway',
      );
    // The audit chain's head, signed with the hub's key and written outside the store (invariant 9).
    const anchoring = startAuditAnchoring(store, {
      key,
      unit: HUB_AUDIT_SOURCE,
      witnesses: await auditWitnessesOf(config),
      intervalMs: config.auditAnchorSeconds * 1000,
      onError: (e) => app.log.error({ err: e }, 'the audit chain could not be anchored'),
    });
    const atna = await startAtnaOf(
      store,
      config.atna,
      { sourceId: HUB_AUDIT_SOURCE, enterpriseSiteId: config.oidRoot },
      (e) => app.log.error({ err: e }, 'audit events could not be sent to the ATNA repository (will retry)'),
    );
    await app.listen({ host: config.host, port: config.port });
    const port = listeningPort(app);
    if (systems) await systems.listen({ host: config.ihe?.host ?? config.host, port: config.ihe?.port ?? 0 });
    const iheTls = config.ihe?.tls ? await readTls(config.ihe.tls) : null;
    const mllp = config.ihe?.mllp
      ? await startIheMllp(deps, {
          host: config.ihe.mllp.host ?? config.ihe.host ?? config.host,
          port: config.ihe.mllp.port,
          ...(iheTls?.clientCa ? { tls: { key: iheTls.key, cert: iheTls.cert, ca: iheTls.clientCa } } : {}),
          log: app.log,
        })
      : null;
    const shownHost = shown(config.host);
    settleSamlIdp(saml, `${config.tls ? 'https' : 'http'}://${shownHost}:${port}`);
    settleSamlSp(samlSp, saml?.baseUrl ?? '');
    let stopping: Promise<void> | undefined;
    return {
      app,
      store,
      deps,
      url: `${config.tls ? 'https' : 'http'}://${shownHost}:${port}`,
      port,
      ...(systems && config.ihe
        ? {
            systemsUrl: `${config.ihe.tls ? 'https' : 'http'}://${shown(config.ihe.host ?? config.host)}:${listeningPort(systems)}`,
          }
        : {}),
      ...(mllp ? { mllpPort: mllp.port } : {}),
      ...(card ? { cardUrl: card.url } : {}),
      saml: { idp: saml, sp: samlSp },
      stop() {
        stopping ??= (async () => {
          if (partnerSync) clearInterval(partnerSync);
          await card?.stop();
          await mllp?.close();
          await systems?.close();
          await app.close();
          await anchoring.stop();
          await atna?.stop();
          await store.close();
        })();
        return stopping;
      },
    };
  } catch (e) {
    await store.close().catch(() => undefined);
    throw e;
  }
}

/** Runs until SIGINT / SIGTERM, then stops gracefully; a second signal exits at once. */
export async function runHubUntilSignal(config: HubConfig): Promise<void> {
  const hub = await startHub(config);
  hub.app.log.info({ url: hub.url, db: hub.store.location }, 'hub running');
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      hub.app.log.info({ signal }, 'signal received');
      process.once(signal, () => process.exit(130));
      hub.stop().then(resolve, () => resolve());
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}
