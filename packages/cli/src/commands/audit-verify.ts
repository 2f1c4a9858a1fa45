import { existsSync, readFileSync } from 'node:fs';
import {
  type AuditSchema,
  type AuditVerification,
  FileWitness,
  hubKeyFrom,
  importHubKeyPem,
  importSigningKeyPem,
  type Store,
  type VerifyAuditOptions,
  verifyAudit,
} from '@hie/platform';
import type { Command } from 'commander';
import { EXIT } from '../exit.js';
import { UsageError } from '../usage-error.js';

// What `hie audit verify` (the hub's chain) and `hie gateway audit-verify` (a gateway's) share: the
// anchors and their key, the check, the report and the exit code.

export interface VerifyFlags {
  json?: boolean;
  anchors?: string;
  anchorKey?: string;
}

/** The options of a verify command; `defaults` say where the unit keeps its anchors and key. */
export function verifyOptions(command: Command, defaults: { anchors: string; key: string }): Command {
  return command
    .option('--json', 'print the result as one JSON object {ok, events, problems[{seq, kind, message}]}')
    .option(
      '--anchors <file>',
      `the signed heads witnessed outside the store, or a syslog collector's file of them (default: ${defaults.anchors})`,
    )
    .option(
      '--anchor-key <pem>',
      `the key that signs the anchors, its public .pub.pem or the private key (default: ${defaults.key})`,
    );
}

/**
 * The anchors to check the chain against (the unit's witness file, or --anchors) and the key that signs
 * them (the unit's signing key, or --anchor-key: public or private PEM). No witness file: none (the
 * chain alone is checked, and the report says so).
 */
export async function anchorsOf(
  flags: VerifyFlags,
  defaults: { anchors: string; key: string },
): Promise<VerifyAuditOptions> {
  const file = flags.anchors ?? defaults.anchors;
  if (!existsSync(file)) {
    if (flags.anchors) throw new UsageError(`${file}: no anchor file there`);
    return {};
  }
  const keyFile = flags.anchorKey ?? defaults.key;
  if (!existsSync(keyFile))
    throw new UsageError(`${keyFile}: the key that signs the anchors is needed (--anchor-key)`);
  const pem = readFileSync(keyFile, 'utf8');
  const key = pem.includes('PRIVATE KEY')
    ? hubKeyFrom(await importSigningKeyPem(pem), 'audit')
    : await importHubKeyPem(pem, 'audit');
  return { anchors: await new FileWitness(file).read(), anchorKeys: [key] };
}

/** Verifies, closes the store, prints the report; exit 0 when intact, 1 naming every problem. */
export async function reportVerification<DB extends AuditSchema>(
  store: Store<DB>,
  options: VerifyAuditOptions,
  flags: VerifyFlags,
): Promise<void> {
  let result: AuditVerification;
  try {
    result = await verifyAudit(store, options);
  } finally {
    await store.close();
  }
  process.stdout.write(
    flags.json ? `${JSON.stringify(result, null, 2)}\n` : formatVerification(result, store.location),
  );
  process.exitCode = result.ok ? EXIT.ok : EXIT.findings;
}

/** The report: one line per problem, naming the event (seq) and what happened. */
export function formatVerification(result: AuditVerification, location: string): string {
  const anchors =
    result.anchors === undefined
      ? 'no anchors to check against'
      : `${result.anchors} anchor${result.anchors === 1 ? '' : 's'}`;
  if (result.ok) return `audit chain intact: ${result.events} events, ${anchors} (${location})\n`;
  const lines = [
    `audit chain BROKEN: ${result.problems.length} problem(s) in ${result.events} events, ${anchors} (${location})`,
    ...result.problems.map((p) => `  seq ${p.seq} ${p.kind}: ${p.message}`),
  ];
  return `${lines.join('\n')}\n`;
}
