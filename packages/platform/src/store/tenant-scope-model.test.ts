// Property: random operations of random tenants, run through the plugin on one shared table and on
// one in-memory model per tenant, agree on every result and on the final table — no tenant reads or
// changes another's rows, and every count is exact.
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Migrations } from './migrations.js';
import { TenantScopePlugin } from './tenant-scope.js';
import { createTestStore, TEST_ENGINES, type TestStore } from './testing.js';

interface Row {
  id: number;
  grp: string;
  qty: number;
}
interface Tables {
  ts_row: Row;
}
interface Stored {
  ts_row: Row & { tenant: string };
}

const MIGRATIONS: Migrations = {
  '0001_ts_row': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('ts_row')
        .addColumn('tenant', 'text', (c) => c.notNull())
        .addColumn('id', 'integer', (c) => c.notNull())
        .addColumn('grp', 'text', (c) => c.notNull())
        .addColumn('qty', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('ts_row_pk', ['tenant', 'id'])
        .execute();
    },
  },
};

type Op =
  | { kind: 'insert'; tenant: string; row: Row }
  | { kind: 'upsert'; tenant: string; row: Row }
  | { kind: 'update'; tenant: string; grp: string; delta: number }
  | { kind: 'delete'; tenant: string; maxQty: number }
  | { kind: 'select'; tenant: string; grp?: string; minQty?: number }
  | { kind: 'count'; tenant: string };

const tenant = fc.constantFrom('A', 'B', 'C');
const grp = fc.constantFrom('x', 'y');
// Few ids, so tenants keep writing the same keys.
const row = fc.record({ id: fc.integer({ min: 1, max: 4 }), grp, qty: fc.integer({ min: 0, max: 50 }) });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), tenant, row }),
  fc.record({ kind: fc.constant('upsert' as const), tenant, row }),
  fc.record({ kind: fc.constant('update' as const), tenant, grp, delta: fc.integer({ min: -5, max: 5 }) }),
  fc.record({ kind: fc.constant('delete' as const), tenant, maxQty: fc.integer({ min: 0, max: 30 }) }),
  fc.record(
    { kind: fc.constant('select' as const), tenant, grp, minQty: fc.integer({ min: 0, max: 50 }) },
    { requiredKeys: ['kind', 'tenant'] },
  ),
  fc.record({ kind: fc.constant('count' as const), tenant }),
);

type Model = Map<string, Map<number, Row>>;

/** What the operation returns, on the model of its tenant. */
function onModel(model: Model, o: Op): unknown {
  const rows = model.get(o.tenant) ?? new Map<number, Row>();
  model.set(o.tenant, rows);
  switch (o.kind) {
    case 'insert':
      if (rows.has(o.row.id)) return 'duplicate';
      rows.set(o.row.id, { ...o.row });
      return 'inserted';
    case 'upsert': {
      const held = rows.get(o.row.id);
      rows.set(o.row.id, held ? { id: o.row.id, grp: o.row.grp, qty: held.qty + o.row.qty } : { ...o.row });
      return 'upserted';
    }
    case 'update': {
      const hit = [...rows.values()].filter((r) => r.grp === o.grp);
      for (const r of hit) r.qty += o.delta;
      return hit.length;
    }
    case 'delete': {
      const hit = [...rows.values()].filter((r) => r.qty <= o.maxQty);
      for (const r of hit) rows.delete(r.id);
      return hit.length;
    }
    case 'select':
      return [...rows.values()]
        .filter(
          (r) => (o.grp === undefined || r.grp === o.grp) && (o.minQty === undefined || r.qty >= o.minQty),
        )
        .sort((p, q) => p.id - q.id)
        .map((r) => ({ ...r }));
    case 'count':
      return rows.size;
  }
}

/** The same operation through the tenant's scoped db. */
async function onStore(db: Kysely<Tables>, o: Op): Promise<unknown> {
  switch (o.kind) {
    case 'insert':
      return db
        .insertInto('ts_row')
        .values(o.row)
        .execute()
        .then(
          () => 'inserted',
          (e: unknown) => {
            if (/unique|duplicate/i.test(String(e))) return 'duplicate';
            throw e;
          },
        );
    case 'upsert':
      await db
        .insertInto('ts_row')
        .values(o.row)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            grp: eb.ref('excluded.grp'),
            qty: eb('ts_row.qty', '+', eb.ref('excluded.qty')),
          })),
        )
        .execute();
      return 'upserted';
    case 'update': {
      const r = await db
        .updateTable('ts_row')
        .set((eb) => ({ qty: eb('qty', '+', o.delta) }))
        .where('grp', '=', o.grp)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    }
    case 'delete': {
      const r = await db.deleteFrom('ts_row').where('qty', '<=', o.maxQty).executeTakeFirst();
      return Number(r.numDeletedRows);
    }
    case 'select': {
      let q = db.selectFrom('ts_row').select(['id', 'grp', 'qty']);
      if (o.grp !== undefined) q = q.where('grp', '=', o.grp);
      if (o.minQty !== undefined) q = q.where('qty', '>=', o.minQty);
      return q.orderBy('id').execute();
    }
    case 'count': {
      const r = await db
        .selectFrom('ts_row')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    }
  }
}

describe.each(TEST_ENGINES)('tenant scope against per-tenant models on %s', (engine) => {
  let store: TestStore<Stored>;
  const dbs = new Map<string, Kysely<Tables>>();
  beforeAll(async () => {
    store = await createTestStore<Stored>(engine, MIGRATIONS);
    for (const t of ['A', 'B', 'C'])
      dbs.set(
        t,
        (store.db as unknown as Kysely<Tables>).withPlugin(
          new TenantScopePlugin({ tenant: t, tables: ['ts_row'] }),
        ),
      );
  });
  afterAll(async () => store?.dispose());

  it('every result and the final table agree with one model per tenant', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 30 }), async (ops) => {
        await store.db.deleteFrom('ts_row').execute();
        const model: Model = new Map();
        for (const o of ops) {
          const db = dbs.get(o.tenant)!;
          expect(await onStore(db, o), JSON.stringify(o)).toEqual(onModel(model, o));
        }
        const table = await store.db
          .selectFrom('ts_row')
          .selectAll()
          .orderBy('tenant')
          .orderBy('id')
          .execute();
        const expected = [...model.entries()]
          .sort(([p], [q]) => p.localeCompare(q))
          .flatMap(([t, rows]) =>
            [...rows.values()].sort((p, q) => p.id - q.id).map((r) => ({ tenant: t, ...r })),
          );
        expect(table).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });
});
