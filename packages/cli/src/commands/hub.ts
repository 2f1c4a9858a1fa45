import { ConfigError, type HubConfig, loadHubConfig, runHubUntilSignal } from '@hie/server';
import type { Command } from 'commander';
import { EXIT } from '../exit.js';
import { UsageError } from '../main.js';
import { portOption } from './gateway-options.js';

export interface HubFlags {
  config?: string;
  dataDir?: string;
  db?: string;
  host?: string;
  port?: number;
  signingKey?: string;
  issuer?: string;
  webRoot?: string;
  insecureCookies?: boolean;
}

/** The hub configuration: file (--config), then HIE_* variables, then these flags. Bad → exit 2. */
export function hubConfigFrom(flags: HubFlags): HubConfig {
  const overrides: Record<string, unknown> = {
    dataDir: flags.dataDir,
    db: flags.db,
    host: flags.host,
    port: flags.port,
    signingKey: flags.signingKey,
    issuer: flags.issuer,
    webRoot: flags.webRoot,
    secureCookies: flags.insecureCookies ? false : undefined,
  };
  try {
    return loadHubConfig({ ...(flags.config ? { file: flags.config } : {}), overrides });
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
}

export function hubStoreOptions(command: Command): Command {
  return command
    .option('--config <file>', 'JSON configuration file (HIE_* variables and flags override it)')
    .option(
      '--data-dir <dir>',
      'folder for the default SQLite store and the signing key (default hie-hub-data)',
    )
    .option('--db <url>', 'sqlite:PATH or postgres://… (default sqlite:<data-dir>/hub.db; or $DATABASE_URL)');
}

/** `hie hub …`: the network centre. */
export function registerHubCommands(program: Command): Command {
  const hub = program
    .command('hub')
    .description(
      'The network centre (hub): directory, login, patient index, consent, policy, viewing, audit',
    );
  hubStoreOptions(
    hub
      .command('run', { isDefault: true })
      .description(
        'Run the hub in the foreground: the portal API under /api/v1 (OpenAPI at /api/v1/openapi.json) and the web app. ' +
          'Stop with Ctrl-C or SIGTERM.',
      ),
  )
    .option('--host <host>', 'address to listen on (default 0.0.0.0)')
    .option('--port <n>', 'HTTP port (default 8100)', portOption('--port'))
    .option(
      '--signing-key <file>',
      "the hub's Ed25519 key, PKCS#8 PEM (default <data-dir>/keys/hub-signing.key.pem, created on first run)",
    )
    .option('--issuer <name>', 'issuer name in the assertions sent to gateways (default hie-hub)')
    .option('--web-root <dir>', 'the built web app to serve at /')
    .option('--insecure-cookies', 'session cookies without Secure (plain-HTTP demo on localhost only)')
    .action(async (flags: HubFlags) => {
      await runHubUntilSignal(hubConfigFrom(flags));
      process.exitCode = EXIT.ok;
    });
  return hub;
}
