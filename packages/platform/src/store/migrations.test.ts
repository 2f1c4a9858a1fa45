import { type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Migrations } from './migrations.js';
import { createTestStore, TEST_ENGINES, type TestStore } from './testing.js';

const table = (name: string): Migrations[string] => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable(name)
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .execute();
  },
});

const UNIT_A: Migrations = { '0001_a': table('a_one'), '0003_a': table('a_two') };
const UNIT_B: Migrations = { '0002_b': table('b_one') };

describe.each(TEST_ENGINES)('a unit migration set on %s', (engine) => {
  let store: TestStore;
  afterEach(async () => store?.dispose());

  it('carries on a store that ran another unit’s migrations too (the single set of earlier releases)', async () => {
    store = await createTestStore(engine, { ...UNIT_A, ...UNIT_B });
    const { migrateToLatest } = await import('./migrations.js');
    await migrateToLatest(store, UNIT_A);
    await migrateToLatest(store, { ...UNIT_A, '0004_a': table('a_three') });
    const names = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(
      store.db,
    );
    expect(names.rows.map((r) => r.name)).toEqual(['0001_a', '0002_b', '0003_a', '0004_a']);
  });

  it('creates only the unit’s own tables on a new store', async () => {
    store = await createTestStore(engine, UNIT_B);
    const probe = (name: string) =>
      sql`SELECT count(*) AS n FROM ${sql.table(name)}`
        .execute(store.db)
        .then(() => true)
        .catch(() => false);
    expect(await probe('b_one')).toBe(true);
    expect(await probe('a_one')).toBe(false);
  });
});
