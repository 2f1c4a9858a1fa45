import { type GatewayStatus, gatewayStatus } from '@hie/gateway';
import type { Command } from 'commander';
import { EXIT } from '../exit.js';
import { openGatewayStore } from './gateway-options.js';

interface StatusFlags {
  db?: string;
  dataDir?: string;
  config?: string;
  json?: boolean;
}

/** `hie gateway status`: exit 1 when the error list is not empty. */
export function registerGatewayStatusCommand(gateway: Command): void {
  gateway
    .command('status')
    .description(
      'What the gateway holds: files by data type, resources by category, patients, ingest lag, and the ' +
        'files that failed (file, position, reason). Exit 1 when there are failed files.',
    )
    .option(
      '--db <url>',
      'store: sqlite:FILE or postgres://… (default: from --config, HIE_DB, or the data folder)',
    )
    .option('--config <file>', 'the gateway configuration file (for its store)')
    .option('--data-dir <dir>', 'the data folder of a gateway run with the default SQLite store')
    .option('--json', 'print the status as one JSON object')
    .action(async (flags: StatusFlags) => {
      const store = await openGatewayStore(flags);
      let status: GatewayStatus;
      try {
        status = await gatewayStatus(store);
      } finally {
        await store.close();
      }
      process.stdout.write(
        flags.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status, store.location),
      );
      process.exitCode = status.errors.length > 0 ? EXIT.findings : EXIT.ok;
    });
}

export function formatStatus(s: GatewayStatus, location: string): string {
  const lines = [
    `gateway store ${location}`,
    `${s.files.total} files (${counts(s.files.byStatus)}), ${s.resources.total} resources, ${s.patients} patients`,
    ...(s.dicom.instances > 0 ? [`DICOM: ${s.dicom.studies} studies, ${s.dicom.instances} instances`] : []),
    ...(s.pacs ? [pacsLine(s.pacs)] : []),
    s.directory.entries > 0
      ? `network directory (ITI-59 from the hub): ${s.directory.entries} entries, last change ${s.directory.updatedAt}; feed token ${s.directory.feedTokenFromHub ? 'handed over by the hub' : 'from the config'}`
      : 'network directory: none pushed by the hub yet (every user the hub vouches for is served)',
    `last ingest ${s.lastIngestAt ?? 'never'}; newest file ${s.newestFileAt ?? '-'}; lag ${
      s.lagMs === null ? '-' : `${(s.lagMs / 1000).toFixed(1)} s`
    }`,
    '',
  ];
  table(lines, ['data type', 'files'], s.files.byDataType);
  table(lines, ['category', 'resources'], s.resources.byCategory);
  table(lines, ['resource type', 'resources'], s.resources.byType);
  if (s.errors.length > 0) {
    lines.push(`${s.errors.length} file(s) not ingested (file, position, reason):`);
    for (const e of s.errors) {
      lines.push(
        `  ${e.path}${e.position ? ` [${e.position}]` : ''} ${e.code}: ${e.reason}` +
          ` (first seen ${e.firstSeen}, last tried ${e.lastTried}, ${e.attempts} attempt${e.attempts === 1 ? '' : 's'})`,
      );
    }
  } else {
    lines.push('no ingest errors');
  }
  return `${lines.join('\n')}\n`;
}

/** The PACS's health in one line: where, the last pass (and its failure), the slowest answer, its studies. */
function pacsLine(p: NonNullable<GatewayStatus['pacs']>): string {
  const outcome = p.lastError ? `FAILED ${p.lastError.code}: ${p.lastError.message}` : 'ok';
  return (
    `PACS ${p.url}: last pass ${p.lastSyncAt ?? 'never'} ${outcome} (${p.lastMs} ms, slowest answer ` +
    `${p.slowestMs} ms); full listing ${p.lastFullAt ?? 'never'}; studies ${counts(p.studies)}`
  );
}

function counts(byStatus: Record<string, number>): string {
  const parts = Object.entries(byStatus).map(([k, n]) => `${n} ${k}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

function table(lines: string[], header: [string, string], rows: Partial<Record<string, number>>): void {
  const entries = Object.entries(rows).sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length === 0) return;
  lines.push(`${header[0].padEnd(20)} ${header[1].padStart(10)}`);
  for (const [k, n] of entries) lines.push(`${k.padEnd(20)} ${String(n ?? 0).padStart(10)}`);
  lines.push('');
}
