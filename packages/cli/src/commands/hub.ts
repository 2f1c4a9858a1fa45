import {
  createFacility,
  createUser,
  type HubConfig,
  HubError,
  hubSettingsOf,
  loadHubConfig,
  migrateHubStore,
  runHubUntilSignal,
  type Schema,
} from '@hie/hub';
import { ConfigError, openStore } from '@hie/platform';
import type { Command } from 'commander';
import { EXIT } from '../exit.js';
import { UsageError } from '../usage-error.js';
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
  registerHubBootstrap(hub);
  return hub;
}

interface BootstrapFlags extends HubFlags {
  login: string;
  name: string;
  office: string;
  officeOid: string;
}

/**
 * `hie hub bootstrap`: on a new hub, the network office and its first administrator (a generated
 * initial password, printed once; the authenticator is enrolled at the first login). Refused when
 * the directory already has an office user.
 */
export function registerHubBootstrap(hub: Command): void {
  hubStoreOptions(
    hub
      .command('bootstrap')
      .description(
        'Create the network office and its first administrator on a new hub (prints a one-time password)',
      ),
  )
    .requiredOption('--login <id>', 'login ID of the first administrator')
    .requiredOption('--name <name>', 'their name (漢字)')
    .option('--office <name>', 'the network office’s name', 'ネットワーク事務局')
    .requiredOption('--office-oid <oid>', 'the network office’s OID (it has no institution code)')
    .action(async (flags: BootstrapFlags) => {
      const config = hubConfigFrom(flags);
      const store = await openStore<Schema>(config.db, config.dbSchema ? { schema: config.dbSchema } : {});
      try {
        await migrateHubStore(store);
        const existing = await store.db
          .selectFrom('hub_user')
          .select('login_id')
          .where('profession', '=', 'office')
          .executeTakeFirst();
        if (existing) throw new UsageError(`the hub already has an office user (${existing.login_id})`);
        const deps = { store, settings: hubSettingsOf(config), now: () => new Date() };
        try {
          await createFacility(deps, {
            oid: flags.officeOid,
            code: null,
            name: flags.office,
            type: 'network-office',
            prefecture: config.prefecture,
            discloses: false,
            views: false,
          });
          const { user, initialPassword } = await createUser(deps, {
            loginId: flags.login,
            name: flags.name,
            profession: 'office',
            memberships: [{ facilityOid: flags.officeOid, role: 'admin' }],
          });
          process.stdout.write(
            `office ${flags.office} (${flags.officeOid}) and user ${user.loginId} created\n` +
              `initial password (shown once; to be changed at the first login): ${initialPassword}\n`,
          );
        } catch (e) {
          if (e instanceof HubError) throw new UsageError(`${e.code}: ${e.message}`);
          throw e;
        }
        process.exitCode = EXIT.ok;
      } finally {
        await store.close();
      }
    });
}
