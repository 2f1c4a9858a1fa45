import { runGatewayUntilSignal } from '@hie/gateway';
import type { Command } from 'commander';
import { EXIT } from '../exit.js';
import { registerGatewayAuditCommand } from './gateway-audit.js';
import { registerGatewayFeedCommand } from './gateway-feed.js';
import {
  type GatewayFlags,
  gatewayConfigFrom,
  list,
  portOption,
  storeAndFacilityOptions,
} from './gateway-options.js';
import { registerReindexCommand } from './gateway-reindex.js';
import { registerGatewaySendCommand } from './gateway-send.js';
import { registerGatewayStatusCommand } from './gateway-status.js';

/**
 * `hie gateway …`: run the facility gateway in the foreground; `status`, `reindex`, `send`, `feed` and
 * `audit-verify` beside it.
 */
export function registerGatewayCommands(program: Command): void {
  const gateway = program
    .command('gateway')
    .description(
      'The facility gateway: run it (the default: `hie gateway --storage DIR …`, options in `hie gateway run --help`), ' +
        'see its status, rebuild it, send it HL7 v2, verify its audit chain',
    );
  // `hie gateway --storage DIR …` runs the gateway: `run` is the default subcommand, so the options of
  // `status`, `reindex` and `send` (which share names such as --db) stay their own.
  runOptions(
    gateway
      .command('run', { isDefault: true })
      .description(
        'Run the facility gateway in the foreground: project SS-MIX2 storage to FHIR R4 (JP Core), serve ' +
          'it to hub-signed requests, take HL7 v2 from authenticated senders: MLLP (loopback unless configured) ' +
          'and, with --inbound-port, HTTP on its own port (POST /hl7/v2, registered senders only: inbound.senders ' +
          'in --config). Stop with Ctrl-C or SIGTERM.',
      ),
  ).action(async (flags: GatewayFlags) => {
    const config = gatewayConfigFrom(flags);
    await runGatewayUntilSignal(config);
    process.exitCode = EXIT.ok;
  });
  registerGatewayStatusCommand(gateway);
  registerReindexCommand(gateway);
  registerGatewaySendCommand(gateway);
  registerGatewayFeedCommand(gateway);
  registerGatewayAuditCommand(gateway);
}

function runOptions(command: Command): Command {
  return storeAndFacilityOptions(command)
    .option(
      '--inbound <dir>',
      'storage the gateway files received HL7 messages into (default <data-dir>/inbound)',
    )
    .option('--host <host>', 'address to listen on (default 0.0.0.0)')
    .option('--port <n>', 'HTTP port of the API (default 8080)', portOption('--port'))
    .option('--mllp-port <n>', 'MLLP port for HL7 v2 (default 2575)', portOption('--mllp-port'))
    .option('--no-mllp', 'do not listen for MLLP')
    .option('--mllp-host <host>', 'address MLLP listens on (default 127.0.0.1: this host’s own systems only)')
    .option(
      '--local-facility-ids <ids>',
      'MSH-4 values the hospital’s own systems use, comma-separated (besides the institution code and OID)',
      list,
    )
    .option(
      '--inbound-port <n>',
      'HTTP port for HL7 v2 from registered senders (POST /hl7/v2; off by default)',
      portOption('--inbound-port'),
    )
    .option('--hub-key <file>', "the hub's public key(s): PEM, JWKS or {keys:[{issuer, jwk|pem}]}")
    .option(
      '--disclose <categories>',
      'categories this facility discloses, comma-separated (default none)',
      list,
    );
}
