import { publicTenant, type TenantKind, type TenantSettings, tenantRoot } from '@hie/repository';
import { type Command, Option } from 'commander';
import { EXIT } from '../exit.js';
import { UsageError } from '../usage-error.js';
import {
  noteRestart,
  type RepositoryStoreFlags,
  repositoryStoreOptions,
  secretFromEnv,
  withRepository,
} from './repository-options.js';
import { formatTable } from './repository-table.js';
import { orcaLine, registerTenantStatusCommand } from './repository-tenant-status.js';
import { countOption } from './ssmix2-args.js';

// The registry's TENANT_KINDS is not exported from @hie/repository; the type keeps this list honest.
const KINDS: readonly TenantKind[] = ['clinic', 'pharmacy', 'hospital', 'lab'];

interface AddFlags extends RepositoryStoreFlags {
  oid: string;
  code: string;
  name: string;
  kind: TenantKind;
  orcaUrl?: string;
  orcaUser?: string;
  orcaPasswordEnv?: string;
  orcaEvery?: number;
  feedTokenEnv?: string;
}

interface ListFlags extends RepositoryStoreFlags {
  json?: boolean;
}

/** `hie repository tenant add|list|suspend|resume|status`: the facilities the repository serves. */
export function registerRepositoryTenantCommands(repository: Command): void {
  const tenant = repository
    .command('tenant')
    .description(
      'The facilities (tenants) of the repository, in its store: add, list, suspend, resume, status',
    );

  repositoryStoreOptions(
    tenant.command('add').description('Add a facility: its records are served at /t/<OID>'),
  )
    .requiredOption('--oid <oid>', "the facility's OID (its URL and the hub's audience)")
    .requiredOption('--code <code>', '10-digit 医療機関コード / 薬局コード')
    .requiredOption('--name <name>', "the facility's name, as the directory writes it")
    .addOption(new Option('--kind <kind>', 'what the facility is').choices(KINDS).makeOptionMandatory())
    .option('--orca-url <url>', "the clinic's ORCA API (pulled on a schedule)")
    .option('--orca-user <user>', 'the ORCA API user')
    .option('--orca-password-env <var>', "environment variable holding the ORCA user's password")
    .option('--orca-every <minutes>', 'minutes between ORCA pulls (default 15)', countOption('--orca-every'))
    .option('--feed-token-env <var>', "environment variable holding the tenant's feed token from the hub")
    .action(async (flags: AddFlags) => {
      const settings = settingsOf(flags);
      await withRepository(flags, { create: true }, async ({ tenants, config }) => {
        const added = await tenants.create({
          oid: flags.oid,
          institutionCode: flags.code,
          name: flags.name,
          kind: flags.kind,
          settings,
        });
        const path = tenantRoot(added.oid);
        process.stdout.write(
          `tenant added: ${added.oid} ${added.name} (${added.institutionCode}, ${added.kind})\n` +
            `URL path: ${path}${config.baseUrl ? ` (${config.baseUrl.replace(/\/+$/, '')}${path})` : ''}\n` +
            `ORCA: ${orcaLine(added)}; identity feed: ${added.settings.feedToken ? 'yes' : 'no'}\n`,
        );
      });
      noteRestart();
      process.exitCode = EXIT.ok;
    });

  repositoryStoreOptions(tenant.command('list').description('List the tenants'))
    .option('--json', 'print the tenants as JSON (never the ORCA password or feed token)')
    .action(async (flags: ListFlags) => {
      const all = await withRepository(flags, {}, async ({ tenants }) => tenants.list());
      if (flags.json) process.stdout.write(`${JSON.stringify(all.map(publicTenant), null, 2)}\n`);
      else if (all.length === 0) process.stdout.write('no tenants\n');
      else
        process.stdout.write(
          formatTable(
            ['OID', 'code', 'name', 'kind', 'status', 'ORCA', 'feed'],
            all.map((t) => [
              t.oid,
              t.institutionCode,
              t.name,
              t.kind,
              t.status,
              t.settings.orca ? 'yes' : 'no',
              t.settings.feedToken ? 'yes' : 'no',
            ]),
          ),
        );
      process.exitCode = EXIT.ok;
    });

  for (const [verb, status] of [
    ['suspend', 'suspended'],
    ['resume', 'active'],
  ] as const) {
    repositoryStoreOptions(
      tenant
        .command(verb)
        .description(
          status === 'suspended'
            ? 'Suspend a tenant: its FHIR API and intake answer 404, its records stay'
            : 'Resume a suspended tenant',
        )
        .argument('<oid>', "the tenant's OID"),
    ).action(async (oid: string, flags: RepositoryStoreFlags) => {
      const updated = await withRepository(flags, {}, ({ tenants }) => tenants.update(oid, { status }));
      process.stdout.write(`tenant ${updated.oid} ${updated.name}: ${updated.status}\n`);
      noteRestart();
      process.exitCode = EXIT.ok;
    });
  }

  registerTenantStatusCommand(tenant);
}

/** The tenant's intake settings from the flags; its secrets from the environment variables they name. */
function settingsOf(flags: AddFlags): TenantSettings {
  const settings: TenantSettings = {};
  const orcaGiven = [flags.orcaUrl, flags.orcaUser, flags.orcaPasswordEnv, flags.orcaEvery].some(
    (v) => v !== undefined,
  );
  if (orcaGiven) {
    if (!flags.orcaUrl || !flags.orcaUser || !flags.orcaPasswordEnv)
      throw new UsageError('an ORCA connection needs --orca-url, --orca-user and --orca-password-env');
    settings.orca = {
      url: flags.orcaUrl,
      username: flags.orcaUser,
      password: secretFromEnv('--orca-password-env', flags.orcaPasswordEnv),
      everyMinutes: flags.orcaEvery ?? 15,
      format: 'json',
    };
  }
  if (flags.feedTokenEnv) settings.feedToken = secretFromEnv('--feed-token-env', flags.feedTokenEnv);
  return settings;
}
