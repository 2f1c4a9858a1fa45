import { type RepositoryConfig, runRepositoryUntilSignal } from '@hie/repository';
import type { Command } from 'commander';
import { EXIT } from '../exit.js';
import { list, portOption } from './gateway-options.js';
import { repositoryConfigOf, repositoryStoreOptions } from './repository-options.js';
import { registerRepositorySenderCommands } from './repository-senders.js';
import { registerRepositoryTenantCommands } from './repository-tenants.js';
import { registerRepositoryUploadCommands } from './repository-upload.js';

interface RunFlags {
  config?: string;
  db?: string;
  dbSchema?: string;
  dataDir?: string;
  host?: string;
  port?: number;
  baseUrl?: string;
  hubUrl?: string;
  hubKeys?: string;
  adminToken?: string;
  ukeDiseaseMaster?: string;
  ukeModifierMaster?: string;
  ukeDrugMaster?: string;
  disclose?: string[];
}

/**
 * `hie repository …`: run the small-facility repository in the foreground (the default subcommand, as
 * `hie gateway`'s), manage its tenants and senders in its store, and send it files over HTTP.
 */
export function registerRepositoryCommands(program: Command): void {
  const repository = program
    .command('repository')
    .description(
      'The small-facility repository (clinics, pharmacies, lab centres without SS-MIX2): run it (the default: ' +
        '`hie repository --data-dir DIR …`, options in `hie repository run --help`), manage its tenants and ' +
        'senders, upload UKE, お薬手帳 and lab files to it',
    );
  // `run` is the default subcommand, so the options of the other subcommands (which share names such as
  // --db) stay their own.
  runOptions(
    repository
      .command('run', { isDefault: true })
      .description(
        "Run the repository in the foreground: every tenant's FHIR API at /t/<OID>/fhir (hub-signed " +
          'requests), its intake at /t/<OID>/intake, lab results at /intake/lab, the office API at /admin ' +
          '(admin token). Stop with Ctrl-C or SIGTERM.',
      ),
  ).action(async (flags: RunFlags) => {
    await runRepositoryUntilSignal(runConfigOf(flags));
    process.exitCode = EXIT.ok;
  });
  registerRepositoryTenantCommands(repository);
  registerRepositorySenderCommands(repository);
  registerRepositoryUploadCommands(repository);
}

function runOptions(command: Command): Command {
  return repositoryStoreOptions(command)
    .option('--host <host>', 'address to listen on (default 0.0.0.0)')
    .option('--port <n>', 'HTTP port (default 8090)', portOption('--port'))
    .option('--base-url <url>', "public base URL: a tenant's URL is <base-url>/t/<OID>")
    .option('--hub-url <url>', "the hub's base URL (identity feed of tenants that have a feed token)")
    .option('--hub-keys <file>', "the hub's public key(s): PEM, JWKS or {keys:[{issuer, jwk|pem}]}")
    .option(
      '--admin-token <token>',
      'the office token for /admin (≥ 16 characters); prefer HIE_ADMIN_TOKEN: a flag shows in `ps`',
    )
    .option('--uke-disease-master <file>', '傷病名マスター (b_*.csv); UKE uploads need all three masters')
    .option('--uke-modifier-master <file>', '修飾語マスター (z_*.csv)')
    .option('--uke-drug-master <file>', '医薬品マスター (y_*.csv)')
    .option('--disclose <categories>', 'what a new tenant discloses, comma-separated (default none)', list);
}

/** The full configuration: file (--config), then HIE_* variables, then these flags. Bad → exit 2. */
function runConfigOf(flags: RunFlags): RepositoryConfig {
  if (flags.adminToken)
    process.stderr.write(
      'hie: warning: --admin-token is visible in the process list; prefer HIE_ADMIN_TOKEN\n',
    );
  return repositoryConfigOf(flags, {
    db: flags.db,
    dbSchema: flags.dbSchema,
    dataDir: flags.dataDir,
    host: flags.host,
    port: flags.port,
    baseUrl: flags.baseUrl,
    'hub.url': flags.hubUrl,
    'hub.keys': flags.hubKeys,
    adminToken: flags.adminToken,
    'uke.diseaseMaster': flags.ukeDiseaseMaster,
    'uke.modifierMaster': flags.ukeModifierMaster,
    'uke.drugMaster': flags.ukeDrugMaster,
    'disclosure.categories': flags.disclose,
  });
}
