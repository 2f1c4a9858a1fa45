import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { type AuditWitness, FileWitness } from './anchor.js';
import { SyslogWitness } from './syslog-witness.js';

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

/** The witnesses a unit writes its anchors to: always its anchor file, and a syslog collector if configured. */
export async function auditWitnessesOf(config: {
  auditAnchors: string;
  auditSyslog?: AuditSyslogConfig | undefined;
}): Promise<AuditWitness[]> {
  const witnesses: AuditWitness[] = [new FileWitness(config.auditAnchors)];
  const syslog = config.auditSyslog;
  if (syslog) {
    const tls = syslog.tls
      ? {
          ca: await readFile(syslog.tls.ca),
          ...(syslog.tls.cert ? { cert: await readFile(syslog.tls.cert) } : {}),
          ...(syslog.tls.key ? { key: await readFile(syslog.tls.key) } : {}),
          ...(syslog.tls.servername ? { servername: syslog.tls.servername } : {}),
        }
      : undefined;
    witnesses.push(
      new SyslogWitness({
        host: syslog.host,
        port: syslog.port,
        ...(tls ? { tls } : {}),
        ...(syslog.appName ? { appName: syslog.appName } : {}),
      }),
    );
  }
  return witnesses;
}
