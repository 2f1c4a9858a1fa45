import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Migrations, migrateToLatest } from './migrations.js';
import { type Engine, openStore, type Store } from './open.js';

/** PostgreSQL used by tests: DATABASE_URL, else the machine's server (CI has one at 127.0.0.1:5432). */
export const TEST_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestStore<DB = unknown> extends Store<DB> {
  /** Removes the isolated tenant (temporary file or PostgreSQL schema). */
  dispose(): Promise<void>;
}

/** The engines every store test runs on. */
export const TEST_ENGINES: readonly Engine[] = ['sqlite', 'postgres'];

/**
 * A fresh, migrated, isolated store: a temporary SQLite file, or a new PostgreSQL schema — so tests
 * run in parallel and never depend on one another.
 */
export async function createTestStore<DB>(engine: Engine, migrations: Migrations): Promise<TestStore<DB>> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'hie-store-'));
    const store = await openStore<DB>(join(dir, 'store.db'));
    await migrateToLatest(store, migrations);
    return {
      ...store,
      async dispose() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const store = await openStore<DB>(TEST_DATABASE_URL, { schema, poolSize: 4 });
  await migrateToLatest(store, migrations);
  return {
    ...store,
    async dispose() {
      await store.close();
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
