import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { Store } from './open.js';

/** A unit's migration set: name → migration, applied in name order. Only portable column types. */
export type Migrations = Readonly<Record<string, Migration>>;

/** Kysely's bookkeeping table (the same name for every unit: one store holds one unit). */
const MIGRATION_TABLE = 'kysely_migration';

/**
 * Brings the store's schema up to the unit's migration set; safe to call at every start.
 *
 * Until the split into units, every unit ran one shared set (0001–0007), so a store may record
 * migrations of another unit (a gateway's store the hub's 0003–0006, whose tables stay empty). Those
 * are kept as done; Kysely would otherwise refuse the store as "corrupted".
 */
export async function migrateToLatest<DB>(store: Store<DB>, migrations: Migrations): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await migrateOnce(store, migrations);
      return;
    } catch (e) {
      // Kysely's migrator reads the catalog of every schema; when another tenant's schema is dropped
      // at that moment (test stores, a deleted repository tenant), PostgreSQL names that schema as
      // missing. Not ours: read again. Our own schema missing is a real error.
      const vanished = /(?:schema "|relation ")([a-z_][a-z0-9_]*)(?:"|\.)[\s\S]*does not exist/.exec(
        String(e),
      )?.[1];
      const another =
        store.engine === 'postgres' && vanished !== undefined && vanished !== (store.schema ?? 'public');
      if (!another || attempt >= 5) throw e;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

async function migrateOnce<DB>(store: Store<DB>, migrations: Migrations): Promise<void> {
  const db = store.db as unknown as Kysely<unknown>;
  const recorded = await recordedMigrations(db);
  const known: Record<string, Migration> = { ...migrations };
  for (const name of recorded) known[name] ??= { up: async () => {} };
  // On PostgreSQL the bookkeeping tables must live in the store's own schema: otherwise Kysely finds
  // another schema's kysely_migration_lock through the catalog and never creates its own.
  const migrator = new Migrator({
    db,
    provider: new StaticProvider(known),
    allowUnorderedMigrations: true,
    ...(store.engine === 'postgres' ? { migrationTableSchema: store.schema ?? 'public' } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed on ${store.location}: ${String(error)}`);
  }
}

/** Names already applied to this store (none on a new store). */
async function recordedMigrations(db: Kysely<unknown>): Promise<string[]> {
  try {
    const { rows } = await sql<{ name: string }>`SELECT name FROM ${sql.table(MIGRATION_TABLE)}`.execute(db);
    return rows.map((r) => r.name);
  } catch {
    return [];
  }
}

class StaticProvider implements MigrationProvider {
  constructor(private readonly migrations: Record<string, Migration>) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return this.migrations;
  }
}
