import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Store } from '../store/open.js';
import { type AuditWitness, FileWitness } from './anchor.js';
import { AtnaForwarder, type AtnaSite } from './atna.js';
import { type AuditSchema, auditStore } from './schema.js';
import { type SyslogTarget, SyslogWitness } from './syslog-witness.js';

/**
 * A unit's config for the syslog witness of its audit anchors (a collector the operator runs apart from
 * the store: rsyslog, syslog-ng, an ATNA audit record repository). PEM file paths for TLS (RFC 5425).
 */
export const auditSyslogSchema = z.strictObject({
  host: z.string().min(1),
  port: z.coerce.number().int().min(1).max(65_535).default(6514),
  tls: z
    .strictObject({
      ca: z.string().min(1),
      cert: z.string().min(1).optional(),
      key: z.string().min(1).optional(),
      servername: z.string().min(1).optional(),
    })
    .optional(),
  appName: z.string().min(1).max(48).optional(),
});
export type AuditSyslogConfig = z.output<typeof auditSyslogSchema>;

/** The collector's address and TLS material (PEM files read now). */
export async function syslogTargetOf(syslog: AuditSyslogConfig): Promise<SyslogTarget> {
  const tls = syslog.tls
    ? {
        ca: await readFile(syslog.tls.ca),
        ...(syslog.tls.cert ? { cert: await readFile(syslog.tls.cert) } : {}),
        ...(syslog.tls.key ? { key: await readFile(syslog.tls.key) } : {}),
        ...(syslog.tls.servername ? { servername: syslog.tls.servername } : {}),
      }
    : undefined;
  return {
    host: syslog.host,
    port: syslog.port,
    ...(tls ? { tls } : {}),
    ...(syslog.appName ? { appName: syslog.appName } : {}),
  };
}

/** The witnesses a unit writes its anchors to: always its anchor file, and a syslog collector if configured. */
export async function auditWitnessesOf(config: {
  auditAnchors: string;
  auditSyslog?: AuditSyslogConfig | undefined;
}): Promise<AuditWitness[]> {
  const witnesses: AuditWitness[] = [new FileWitness(config.auditAnchors)];
  if (config.auditSyslog) witnesses.push(new SyslogWitness(await syslogTargetOf(config.auditSyslog)));
  return witnesses;
}

/**
 * A unit's ATNA forwarding (ITI-20), when its config names an audit record repository (`atna`, the same
 * shape as `auditSyslog`): started, and stopped by the caller at shutdown.
 */
export async function startAtnaOf<DB extends AuditSchema>(
  store: Store<DB>,
  atna: AuditSyslogConfig | undefined,
  site: AtnaSite,
  onError: (error: unknown) => void,
): Promise<AtnaForwarder | null> {
  if (!atna) return null;
  const target = await syslogTargetOf({ ...atna, appName: atna.appName ?? 'hie-atna' });
  return new AtnaForwarder(auditStore(store), { target, site, onError }).start();
}
