import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import {
  type AuditAnchoring,
  auditWitnessesOf,
  importSigningKeyPem,
  loadOrCreateSigningKey,
  type SigningKey,
  type Store,
  startAuditAnchoring,
} from '@hie/platform';
import type { Schema } from '@hie/record-source';
import type { FastifyBaseLogger } from 'fastify';
import type { GatewayAuditSettings } from './config.js';

const KEY_SUFFIX = '.key.pem';

/**
 * The gateway's audit-signing key (its own, never the hub's): the configured file, or — at a path ending
 * in `.key.pem` that does not exist yet (the default `<dataDir>/keys/gateway-audit.key.pem`) — a new key
 * created there with its public `.pub.pem` beside it.
 */
export async function gatewayAuditKey(path: string): Promise<{ key: SigningKey; created: boolean }> {
  if (path.endsWith(KEY_SUFFIX)) return loadOrCreateSigningKey(dirname(path), basename(path, KEY_SUFFIX));
  try {
    return { key: await importSigningKeyPem(await readFile(path, 'utf8')), created: false };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    throw new Error(
      `audit.key ${path}: no such key file (a new key is only created at a path ending in .key.pem)`,
    );
  }
}

/** The public half the operator keeps for `hie gateway audit-verify --anchor-key`. */
const publicKeyPathOf = (keyPath: string): string =>
  keyPath.endsWith(KEY_SUFFIX) ? `${keyPath.slice(0, -KEY_SUFFIX.length)}.pub.pem` : keyPath;

/**
 * Anchors the gateway's audit chain outside its store (invariant 9, as the hub does): the head signed
 * with the gateway's audit key, unit = the facility OID, written to the anchor file and the syslog
 * collector if configured, every `anchorSeconds` when the chain moved and once more at stop. A witness
 * that cannot be written is logged, never fatal: the gateway keeps serving and the next anchor retries.
 */
export async function startGatewayAuditAnchoring(
  store: Store<Schema>,
  settings: GatewayAuditSettings,
  facilityOid: string,
  log: FastifyBaseLogger,
): Promise<AuditAnchoring> {
  const { key, created } = await gatewayAuditKey(settings.key);
  if (created) {
    log.warn(
      { key: settings.key, publicKey: publicKeyPathOf(settings.key), anchors: settings.anchors },
      'created a new audit signing key for this gateway: keep its .pub.pem apart from the store, for hie gateway audit-verify',
    );
  }
  return startAuditAnchoring(store, {
    key,
    unit: facilityOid,
    witnesses: await auditWitnessesOf({ auditAnchors: settings.anchors, auditSyslog: settings.syslog }),
    intervalMs: settings.anchorSeconds * 1000,
    onError: (e) => log.error({ err: e }, 'the audit chain could not be anchored'),
  });
}
