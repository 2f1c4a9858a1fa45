import {
  type FeedRunResult,
  type GatewayConfig,
  IdentityFeeder,
  rememberedFacility,
  storedFeedState,
} from '@hie/gateway';
import type { Command } from 'commander';
import { EXIT } from '../exit.js';
import { UsageError } from '../usage-error.js';
import { type GatewayFlags, gatewayConfigFrom, openGatewayStore } from './gateway-options.js';

interface FeedFlags extends GatewayFlags {
  full?: boolean;
  status?: boolean;
  json?: boolean;
}

/**
 * `hie gateway feed`: send the patients the hub has not been told about yet, now (the running
 * gateway does this by itself); `--full` sends every patient again; `--status` only shows the
 * checkpoint and how many patients wait. Exit 1 when the hub did not take them.
 */
export function registerGatewayFeedCommand(gateway: Command): void {
  gateway
    .command('feed')
    .description(
      "Feed patient identities to the hub's patient index now: those new or changed since the last " +
        'accepted batch (the running gateway does this by itself). --full sends every patient again ' +
        '(a running gateway also starts over). Hub URL and feed token from the config file or ' +
        'HIE_HUB_URL / HIE_HUB_FEED_TOKEN. Exit 1 when the hub did not take them.',
    )
    .option('--config <file>', 'the gateway configuration file')
    .option('--data-dir <dir>', 'the data folder of a gateway run with the default SQLite store')
    .option(
      '--db <url>',
      'store: sqlite:FILE or postgres://… (default: from --config, HIE_DB, or the data folder)',
    )
    .option('--full', 'forget the checkpoint: every patient is sent again')
    .option('--status', 'only show the checkpoint and the number of patients waiting')
    .option('--json', 'print the result as JSON')
    .action(async (flags: FeedFlags) => {
      const store = await openGatewayStore(flags);
      let out: Record<string, unknown>;
      let failed = false;
      try {
        if (flags.status) {
          out = await storedFeedState(store.db);
        } else {
          const config = configOf(flags, await rememberedFacility(store));
          const { url, feedToken } = config.hub;
          if (!url || !feedToken)
            throw new UsageError(
              'the feed needs hub.url and hub.feedToken (HIE_HUB_URL, HIE_HUB_FEED_TOKEN)',
            );
          const feeder = new IdentityFeeder(store, {
            hub: { url, feedToken },
            facilityOid: config.facility.oid,
          });
          let result: FeedRunResult;
          try {
            result = flags.full ? await feeder.feedAll() : await feeder.feedOnce();
          } finally {
            await feeder.stop();
          }
          failed = result.failure !== undefined;
          out = { ...result, ...(await storedFeedState(store.db)) };
        }
      } finally {
        await store.close();
      }
      process.stdout.write(flags.json ? `${JSON.stringify(out, null, 2)}\n` : formatFeed(out));
      process.exitCode = failed ? EXIT.findings : EXIT.ok;
    });
}

function configOf(
  flags: GatewayFlags,
  remembered: Awaited<ReturnType<typeof rememberedFacility>>,
): GatewayConfig {
  try {
    return gatewayConfigFrom(flags);
  } catch (e) {
    if (!(e instanceof UsageError) || !remembered) throw e;
  }
  // The facility the store was built for: its rows are that facility's patients.
  const config = gatewayConfigFrom({ ...flags, facility: remembered.institutionCode, name: remembered.name });
  return { ...config, facility: { ...config.facility, oid: remembered.oid } };
}

function formatFeed(out: Record<string, unknown>): string {
  const lines: string[] = [];
  if (typeof out.sent === 'number') lines.push(`sent ${out.sent} identities in ${out.requests} request(s)`);
  const skipped = out.skipped as string[] | undefined;
  if (skipped?.length) lines.push(`refused by the hub (skipped): ${skipped.join(', ')}`);
  const failure = out.failure as { kind: string; message: string } | undefined;
  if (failure) lines.push(`failed (${failure.kind}): ${failure.message}`);
  const cp = out.checkpoint as { updatedAt: string; patientId: string } | null;
  lines.push(`checkpoint ${cp ? `${cp.updatedAt} / ${cp.patientId}` : 'none (everything will be sent)'}`);
  lines.push(`${out.pending} patient(s) waiting`);
  return `${lines.join('\n')}\n`;
}
