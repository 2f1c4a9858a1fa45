import { existsSync } from 'node:fs';
import {
  type AuditFilter,
  auditEntry,
  auditRange,
  countAuditEvents,
  eachAuditEvent,
  lastAuditSeq,
  loadHubConfig,
  type Schema,
  toAuditEvent,
} from '@hie/hub';
import { ConfigError, openStore, type Store } from '@hie/platform';
import type { Command } from 'commander';
import { EXIT } from '../exit.js';
import { UsageError } from '../usage-error.js';
import { anchorsOf, reportVerification, type VerifyFlags, verifyOptions } from './audit-verify.js';
import { hubStoreOptions } from './hub.js';

interface StoreFlags {
  config?: string;
  dataDir?: string;
  db?: string;
  dbSchema?: string;
}

interface ExportFlags extends StoreFlags {
  from?: string;
  to?: string;
  patient?: string;
  user?: string;
  facility?: string;
  type?: string;
}

/**
 * Opens the hub's store as it is: no migration (an auditor's check changes nothing). A SQLite file that
 * does not exist is a usage error (exit 2), not an empty log.
 */
async function openHubStore(flags: StoreFlags): Promise<Store<Schema>> {
  return openStore<Schema>(...storeArgs(hubConfigOf(flags)));
}

function hubConfigOf(flags: StoreFlags): {
  db: string;
  dbSchema?: string;
  auditAnchors: string;
  signingKey: string;
} {
  let config: { db: string; dbSchema?: string; auditAnchors: string; signingKey: string };
  try {
    config = loadHubConfig({
      ...(flags.config ? { file: flags.config } : {}),
      overrides: { dataDir: flags.dataDir, db: flags.db, dbSchema: flags.dbSchema },
    });
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  if (config.db.startsWith('sqlite:')) {
    const path = config.db.slice('sqlite:'.length);
    if (!existsSync(path)) throw new UsageError(`${path}: no hub store there (give --db or --data-dir)`);
  }
  return config;
}

const storeArgs = (config: { db: string; dbSchema?: string }): [string, { schema?: string }] => [
  config.db,
  config.dbSchema ? { schema: config.dbSchema } : {},
];

function storeOptions(command: Command): Command {
  return hubStoreOptions(command).option(
    '--db-schema <name>',
    'PostgreSQL schema the hub lives in (default public; or $HIE_DB_SCHEMA)',
  );
}

/** Writes and waits for the pipe when it is full, so a large export streams in bounded memory. */
async function write(chunk: string): Promise<void> {
  if (!process.stdout.write(chunk)) {
    await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
  }
}

function exportFilter(flags: ExportFlags): AuditFilter {
  const range = auditRange(flags.from, flags.to);
  if (!range) throw new UsageError('--from / --to: YYYY-MM-DD (a day in Japan) or an ISO timestamp');
  const types = flags.type
    ?.split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return {
    ...(flags.patient ? { personId: flags.patient } : {}),
    ...(flags.user ? { userId: flags.user } : {}),
    ...(flags.facility ? { facilityOid: flags.facility } : {}),
    ...(types && types.length > 0 ? { types } : {}),
    ...range,
  };
}

/** `hie audit …`: check the hub's hash-chained audit log, export it as FHIR AuditEvents. */
export function registerAuditCommands(program: Command): Command {
  const audit = program
    .command('audit')
    .description(
      "The hub's audit log (append-only, hash-chained): verify it, export it (FHIR R4 AuditEvent, IHE BALP)",
    );

  verifyOptions(
    storeOptions(
      audit
        .command('verify')
        .description(
          "Re-compute the hash chain and check it against the signed anchors kept outside the store. Exit 0 when intact; exit 1 naming each edited, deleted, re-linked, re-numbered or truncated event. (A gateway's chain: hie gateway audit-verify.)",
        ),
    ),
    { anchors: "the hub's audit-anchors.jsonl", key: "the hub's signing key" },
  ).action(async (flags: StoreFlags & VerifyFlags) => {
    const config = hubConfigOf(flags);
    const anchors = await anchorsOf(flags, { anchors: config.auditAnchors, key: config.signingKey });
    await reportVerification(await openStore<Schema>(...storeArgs(config)), anchors, flags);
  });

  storeOptions(
    audit
      .command('export')
      .description(
        'Print the audit events as a FHIR R4 Bundle (searchset) of AuditEvent in the IHE BALP shape, oldest first: hie audit export --db URL > bundle.json',
      ),
  )
    .option('--from <date>', 'from this day (YYYY-MM-DD, Japan time) or ISO timestamp')
    .option('--to <date>', 'up to and including this day (YYYY-MM-DD, Japan time) or ISO timestamp')
    .option('--patient <personId>', 'events about this person (patient index id)')
    .option('--user <userId>', "events of this user's actions")
    .option('--facility <oid>', "events of this facility's users")
    .option('--type <types>', 'event types, comma-separated (view,search,break-glass,login,consent,admin,…)')
    .action(async (flags: ExportFlags) => {
      const asked = exportFilter(flags);
      const store = await openHubStore(flags);
      try {
        // Pinned to the newest event now: the total and the entries agree while the hub keeps appending.
        const filter = { ...asked, throughSeq: await lastAuditSeq(store) };
        const total = await countAuditEvents(store, filter);
        const facilities = new Map(
          (await store.db.selectFrom('hub_facility').select(['oid', 'name']).execute()).map((f) => [
            f.oid,
            f.name,
          ]),
        );
        const head = {
          resourceType: 'Bundle',
          type: 'searchset',
          timestamp: new Date().toISOString(),
          total,
        };
        await write(`${JSON.stringify(head).slice(0, -1)},"entry":[`);
        let first = true;
        for await (const event of eachAuditEvent(store, filter)) {
          const entry = auditEntry(toAuditEvent(event, { facilities }));
          await write(`${first ? '\n' : ',\n'}${JSON.stringify(entry)}`);
          first = false;
        }
        await write('\n]}\n');
      } finally {
        await store.close();
      }
      process.exitCode = EXIT.ok;
    });
  return audit;
}
