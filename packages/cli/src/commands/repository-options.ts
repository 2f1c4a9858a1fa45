import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, openStore, type Store } from '@hie/platform';
import {
  loadRepositoryConfig,
  migrateRepositoryStore,
  type RepositoryConfig,
  type RepositorySchema,
  TenantError,
  TenantRegistry,
} from '@hie/repository';
import type { Command } from 'commander';
import { UsageError } from '../usage-error.js';

/** Where the repository's store is: --db / --db-schema, else the config file / HIE_DB, else the data folder. */
export interface RepositoryStoreFlags {
  config?: string;
  db?: string;
  dbSchema?: string;
  dataDir?: string;
}

/** The repository configuration: file (--config), then HIE_* variables, then these overrides. Bad → exit 2. */
export function repositoryConfigOf(
  flags: Pick<RepositoryStoreFlags, 'config'>,
  overrides: Record<string, unknown>,
): RepositoryConfig {
  try {
    return loadRepositoryConfig({ ...(flags.config ? { file: flags.config } : {}), overrides });
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
}

export function repositoryStoreConfig(flags: RepositoryStoreFlags): RepositoryConfig {
  return repositoryConfigOf(flags, { db: flags.db, dbSchema: flags.dbSchema, dataDir: flags.dataDir });
}

/** The options of every command that opens the store itself (`tenant …`, `sender …`, `lab-centre …`). */
export function repositoryStoreOptions(command: Command): Command {
  return command
    .option('--config <file>', 'the repository configuration file (for its store)')
    .option(
      '--db <url>',
      'store: sqlite:FILE or postgres://… (default: from --config, HIE_DB, or the data folder)',
    )
    .option('--db-schema <name>', 'the PostgreSQL schema of the store')
    .option('--data-dir <dir>', 'the data folder of a repository run with the default SQLite store');
}

export interface LocalRepository {
  store: Store<RepositorySchema>;
  tenants: TenantRegistry;
  config: RepositoryConfig;
}

/**
 * Opens the repository's store (migrated) and its tenants, runs `work`, closes. Only commands that make
 * the first rows (`tenant add`, `lab-centre add`) may create a SQLite file: for the others a file that
 * is not there is a mistyped path (exit 2), not an empty repository. A tenant refusal (code taken,
 * unknown OID, bad input) is exit 2 with its code and reason.
 */
export async function withRepository<T>(
  flags: RepositoryStoreFlags,
  options: { create?: boolean },
  work: (repository: LocalRepository) => Promise<T>,
): Promise<T> {
  const config = repositoryStoreConfig(flags);
  if (config.db.startsWith('sqlite:')) {
    const path = config.db.slice('sqlite:'.length);
    if (options.create) mkdirSync(dirname(path), { recursive: true });
    else if (!existsSync(path))
      throw new UsageError(`${path}: no repository store there (give --db, --data-dir or --config)`);
  }
  const store = await openStore<RepositorySchema>(
    config.db,
    config.dbSchema ? { schema: config.dbSchema } : {},
  );
  try {
    await migrateRepositoryStore(store);
    const tenants = await TenantRegistry.open(store);
    return await work({ store, tenants, config });
  } catch (e) {
    if (e instanceof TenantError) throw new UsageError(`${e.code}: ${e.message}`);
    throw e;
  } finally {
    await store.close();
  }
}

/**
 * A secret named by an environment variable (`--orca-password-env VAR`, `--token-env VAR`): secrets
 * never come from the command line, which every user of the machine can read in `ps`.
 */
export function secretFromEnv(option: string, variable: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable))
    throw new UsageError(`${option} expects the name of an environment variable, got '${variable}'`);
  const value = process.env[variable];
  if (value === undefined || value === '')
    throw new UsageError(`${option} ${variable}: that environment variable is not set`);
  return value;
}

/** The tenant a command names, or exit 2. */
export function tenantNamed(tenants: TenantRegistry, oid: string) {
  const tenant = tenants.get(oid);
  if (!tenant) throw new UsageError(`tenant-unknown: no tenant ${oid}`);
  return tenant;
}

/**
 * A running repository reads its tenants when it starts; what this command changed in the store reaches
 * it at its next start (the admin API changes a running one at once).
 */
export function noteRestart(): void {
  process.stderr.write(
    'note: a running repository sees this change after it restarts (the admin API /admin/tenants changes it at once)\n',
  );
}
