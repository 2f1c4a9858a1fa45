import { CompiledQuery, type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Migrations } from './migrations.js';
import { TenantScopePlugin, type TenantScopeRefusal } from './tenant-scope.js';
import { createTestStore, TEST_ENGINES, type TestStore } from './testing.js';

/** What the shared query code sees: no tenant column. */
interface Tables {
  ts_item: { id: number; grp: string; qty: number };
  ts_tag: { item_id: number; tag: string };
  ts_setting: { name: string; value: string };
}
/** What the store holds. */
interface Stored {
  ts_item: Tables['ts_item'] & { tenant: string };
  ts_tag: Tables['ts_tag'] & { tenant: string };
  ts_setting: Tables['ts_setting'];
}

const SCOPED = ['ts_item', 'ts_tag'];

/** Two tenant tables with the tenant in every key, and one shared table. */
const MIGRATIONS: Migrations = {
  '0001_tenant_scope': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('ts_item')
        .addColumn('tenant', 'text', (c) => c.notNull())
        .addColumn('id', 'integer', (c) => c.notNull())
        .addColumn('grp', 'text', (c) => c.notNull())
        .addColumn('qty', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('ts_item_pk', ['tenant', 'id'])
        .execute();
      await db.schema
        .createTable('ts_tag')
        .addColumn('tenant', 'text', (c) => c.notNull())
        .addColumn('item_id', 'integer', (c) => c.notNull())
        .addColumn('tag', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('ts_tag_pk', ['tenant', 'item_id', 'tag'])
        .execute();
      await db.schema
        .createTable('ts_setting')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
  },
};

/** A's items 1–3, B's items 1–2 (same ids); B tags its item 2, which A leaves untagged, and an item 3 it lacks. */
async function seed(a: Kysely<Tables>, b: Kysely<Tables>): Promise<void> {
  await a
    .insertInto('ts_item')
    .values([
      { id: 1, grp: 'x', qty: 10 },
      { id: 2, grp: 'x', qty: 20 },
      { id: 3, grp: 'y', qty: 30 },
    ])
    .execute();
  await b
    .insertInto('ts_item')
    .values([
      { id: 1, grp: 'x', qty: 100 },
      { id: 2, grp: 'z', qty: 200 },
    ])
    .execute();
  await a
    .insertInto('ts_tag')
    .values([
      { item_id: 1, tag: 'red' },
      { item_id: 1, tag: 'blue' },
      { item_id: 3, tag: 'red' },
    ])
    .execute();
  await b
    .insertInto('ts_tag')
    .values([
      { item_id: 2, tag: 'red' },
      { item_id: 3, tag: 'green' },
    ])
    .execute();
}

const refusal = (reason: TenantScopeRefusal) =>
  expect.objectContaining({
    name: 'TenantScopeError',
    reason,
    message: expect.stringContaining('tenant scope'),
  });

describe.each(TEST_ENGINES)('TenantScopePlugin on %s', (engine) => {
  let store: TestStore<Stored>;
  let a: Kysely<Tables>;
  let b: Kysely<Tables>;
  const scope = (tenant: string) =>
    (store.db as unknown as Kysely<Tables>).withPlugin(new TenantScopePlugin({ tenant, tables: SCOPED }));
  const stored = async () => ({
    items: await store.db.selectFrom('ts_item').selectAll().orderBy('tenant').orderBy('id').execute(),
    tags: await store.db
      .selectFrom('ts_tag')
      .selectAll()
      .orderBy('tenant')
      .orderBy('item_id')
      .orderBy('tag')
      .execute(),
  });

  beforeEach(async () => {
    store = await createTestStore<Stored>(engine, MIGRATIONS);
    a = scope('A');
    b = scope('B');
    await seed(a, b);
  });
  afterEach(async () => store?.dispose());

  it('writes every row with the tenant of the db that wrote it', async () => {
    const { items, tags } = await stored();
    expect(items.map((r) => `${r.tenant}:${r.id}:${r.qty}`)).toEqual([
      'A:1:10',
      'A:2:20',
      'A:3:30',
      'B:1:100',
      'B:2:200',
    ]);
    expect(tags.map((r) => `${r.tenant}:${r.item_id}:${r.tag}`)).toEqual([
      'A:1:blue',
      'A:1:red',
      'A:3:red',
      'B:2:red',
      'B:3:green',
    ]);
    expect(await a.selectFrom('ts_item').select(['id', 'qty']).orderBy('id').execute()).toEqual([
      { id: 1, qty: 10 },
      { id: 2, qty: 20 },
      { id: 3, qty: 30 },
    ]);
    expect(await b.selectFrom('ts_item').select('qty').orderBy('id').execute()).toEqual([
      { qty: 100 },
      { qty: 200 },
    ]);
  });

  it('joins: an inner join and a left join see only the tenant’s matches, and a left join keeps its misses', async () => {
    const inner = await a
      .selectFrom('ts_item as i')
      .innerJoin('ts_tag as t', 't.item_id', 'i.id')
      .select(['i.id', 't.tag'])
      .orderBy('i.id')
      .orderBy('t.tag')
      .execute();
    expect(inner).toEqual([
      { id: 1, tag: 'blue' },
      { id: 1, tag: 'red' },
      { id: 3, tag: 'red' },
    ]);
    // B's tag on item 2 must not appear, and A's untagged item 2 must stay (predicate in ON, not WHERE).
    const left = await a
      .selectFrom('ts_item')
      .leftJoin('ts_tag', 'ts_tag.item_id', 'ts_item.id')
      .select(['ts_item.id', 'ts_tag.tag'])
      .orderBy('ts_item.id')
      .orderBy('ts_tag.tag')
      .execute();
    expect(left).toEqual([
      { id: 1, tag: 'blue' },
      { id: 1, tag: 'red' },
      { id: 2, tag: null },
      { id: 3, tag: 'red' },
    ]);
    const selfJoin = await b
      .selectFrom('ts_item as x')
      .innerJoin('ts_item as y', (j) => j.onRef('y.id', '>', 'x.id'))
      .select(['x.id as lo', 'y.id as hi'])
      .execute();
    expect(selfJoin).toEqual([{ lo: 1, hi: 2 }]);
  });

  it('subqueries: IN, NOT EXISTS, a scalar selection, a CTE, a union and an aggregate stay inside the tenant', async () => {
    const redIds = await a
      .selectFrom('ts_item')
      .select('id')
      .where('id', 'in', (eb) => eb.selectFrom('ts_tag').select('item_id').where('tag', '=', 'red'))
      .orderBy('id')
      .execute();
    expect(redIds.map((r) => r.id)).toEqual([1, 3]);
    const untagged = await a
      .selectFrom('ts_item as i')
      .select('i.id')
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('ts_tag as t').select('t.tag').whereRef('t.item_id', '=', 'i.id'))),
      )
      .execute();
    expect(untagged).toEqual([{ id: 2 }]);
    const tagCounts = await a
      .selectFrom('ts_item as i')
      .select((eb) => [
        'i.id',
        eb
          .selectFrom('ts_tag as t')
          .select((e) => e.fn.countAll<number | string>().as('n'))
          .whereRef('t.item_id', '=', 'i.id')
          .as('tags'),
      ])
      .orderBy('i.id')
      .execute();
    expect(tagCounts.map((r) => [r.id, Number(r.tags)])).toEqual([
      [1, 2],
      [2, 0],
      [3, 1],
    ]);
    const viaCte = await a
      .with('red', (db) => db.selectFrom('ts_tag').select('item_id').where('tag', '=', 'red'))
      .selectFrom('ts_item')
      .innerJoin('red', 'red.item_id', 'ts_item.id')
      .select('ts_item.id')
      .orderBy('ts_item.id')
      .execute();
    expect(viaCte.map((r) => r.id)).toEqual([1, 3]);
    const union = await b
      .selectFrom('ts_item')
      .select('id')
      .unionAll((eb) => eb.selectFrom('ts_tag').select('item_id as id'))
      .execute();
    expect(union.map((r) => r.id).sort()).toEqual([1, 2, 2, 3]);
    const sums = await a
      .selectFrom('ts_item')
      .select(['grp', (eb) => eb.fn.sum<number | string>('qty').as('total')])
      .groupBy('grp')
      .orderBy('grp')
      .execute();
    expect(sums.map((r) => [r.grp, Number(r.total)])).toEqual([
      ['x', 30],
      ['y', 30],
    ]);
  });

  it('updates and deletes change only the tenant’s rows (exact counts)', async () => {
    const updated = await a
      .updateTable('ts_item')
      .set((eb) => ({ qty: eb('qty', '+', 1) }))
      .where('grp', '=', 'x')
      .executeTakeFirst();
    expect(Number(updated.numUpdatedRows)).toBe(2);
    const deleted = await a.deleteFrom('ts_item').where('qty', '>', 15).executeTakeFirst();
    expect(Number(deleted.numDeletedRows)).toBe(2);
    const tagsGone = await b.deleteFrom('ts_tag').where('tag', '=', 'red').executeTakeFirst();
    expect(Number(tagsGone.numDeletedRows)).toBe(1);
    const { items, tags } = await stored();
    expect(items.map((r) => `${r.tenant}:${r.id}:${r.qty}`)).toEqual(['A:1:11', 'B:1:100', 'B:2:200']);
    expect(tags.map((r) => `${r.tenant}:${r.item_id}:${r.tag}`)).toEqual([
      'A:1:blue',
      'A:1:red',
      'A:3:red',
      'B:3:green',
    ]);
  });

  it('UPDATE … FROM scopes both the target and the FROM table', async () => {
    const r = await a
      .updateTable('ts_item')
      .from('ts_tag')
      .set({ grp: 'tagged' })
      .whereRef('ts_tag.item_id', '=', 'ts_item.id')
      .executeTakeFirst();
    expect(Number(r.numUpdatedRows)).toBe(2);
    const { items } = await stored();
    expect(items.map((i) => `${i.tenant}:${i.id}:${i.grp}`)).toEqual([
      'A:1:tagged',
      'A:2:x',
      'A:3:tagged',
      'B:1:x',
      'B:2:z',
    ]);
  });

  it.runIf(engine === 'postgres')('DELETE … USING scopes the USING table', async () => {
    const r = await b
      .deleteFrom('ts_item')
      .using('ts_tag')
      .whereRef('ts_tag.item_id', '=', 'ts_item.id')
      .executeTakeFirst();
    expect(Number(r.numDeletedRows)).toBe(1);
    const { items } = await stored();
    expect(items.map((i) => `${i.tenant}:${i.id}`)).toEqual(['A:1', 'A:2', 'A:3', 'B:1']);
  });

  it('upserts: the conflict target gains the tenant, so the same key of another tenant is never touched', async () => {
    await a
      .insertInto('ts_item')
      .values([
        { id: 1, grp: 'x', qty: 5 },
        { id: 9, grp: sql<string>`lower('X')`, qty: 9 },
      ])
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({ qty: eb('ts_item.qty', '+', eb.ref('excluded.qty')) })),
      )
      .execute();
    const nothing = await b
      .insertInto('ts_item')
      .values({ id: 1, grp: 'x', qty: 1 })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    expect(Number(nothing.numInsertedOrUpdatedRows ?? 0)).toBe(0);
    // A has an item 3, B does not: no conflict for B.
    await b
      .insertInto('ts_item')
      .values({ id: 3, grp: 'w', qty: 3 })
      .onConflict((oc) => oc.column('id').doUpdateSet({ qty: 0 }))
      .execute();
    const { items } = await stored();
    expect(items.map((r) => `${r.tenant}:${r.id}:${r.qty}`)).toEqual([
      'A:1:15',
      'A:2:20',
      'A:3:30',
      'A:9:9',
      'B:1:100',
      'B:2:200',
      'B:3:3',
    ]);
  });

  it('INSERT … SELECT copies within the tenant and writes the tenant on the copies', async () => {
    await a
      .insertInto('ts_tag')
      .columns(['item_id', 'tag'])
      .expression((eb) =>
        eb
          .selectFrom('ts_item')
          .select(['id', sql.lit('copy').as('tag')])
          .where('grp', '=', 'x'),
      )
      .execute();
    const { tags } = await stored();
    expect(tags.filter((t) => t.tag === 'copy').map((t) => `${t.tenant}:${t.item_id}`)).toEqual([
      'A:1',
      'A:2',
    ]);
    expect(tags).toHaveLength(7);
  });

  it('a filter in raw SQL or with OR cannot widen the scope', async () => {
    const raw = await a.selectFrom('ts_item').select('id').where(sql<boolean>`1 = 1 or 1 = 1`).execute();
    expect(raw).toHaveLength(3);
    const ored = await a
      .selectFrom('ts_item')
      .select('id')
      .where((eb) => eb.or([eb('qty', '>', 0), eb('qty', '<=', 0)]))
      .execute();
    expect(ored).toHaveLength(3);
    const joined = await a
      .selectFrom('ts_item')
      .leftJoin('ts_tag', (j) => j.on(sql<boolean>`1 = 1 or 1 = 1`))
      .select('ts_tag.tag')
      .execute();
    expect(joined).toHaveLength(9); // 3 items × A's 3 tags, none of B's
  });

  it('a transaction of a tenant’s db stays scoped', async () => {
    const seen = await a.transaction().execute(async (trx) => {
      await trx.updateTable('ts_item').set({ grp: 'q' }).execute();
      return trx.selectFrom('ts_item').select('grp').execute();
    });
    expect(seen).toEqual([{ grp: 'q' }, { grp: 'q' }, { grp: 'q' }]);
    expect((await stored()).items.filter((i) => i.grp === 'q')).toHaveLength(3);
  });

  it('refuses a query that sets the tenant column itself, and writes nothing', async () => {
    const before = await stored();
    const setIt = { id: 7, grp: 'x', qty: 1, tenant: 'B' } as Tables['ts_item'];
    await expect(a.insertInto('ts_item').values(setIt).execute()).rejects.toEqual(refusal('sets-tenant'));
    await expect(
      a
        .updateTable('ts_item')
        .set({ tenant: 'B' } as Partial<Tables['ts_item']>)
        .execute(),
    ).rejects.toEqual(refusal('sets-tenant'));
    await expect(
      a
        .insertInto('ts_item')
        .values({ id: 1, grp: 'x', qty: 1 })
        .onConflict((oc) => oc.column('id').doUpdateSet({ tenant: 'B' } as Partial<Tables['ts_item']>))
        .execute(),
    ).rejects.toEqual(refusal('sets-tenant'));
    expect(await stored()).toEqual(before);
  });

  it('refuses raw SQL it cannot see into: a raw table, a raw statement, raw SQL naming a scoped table', async () => {
    const rawFrom = a.selectFrom(sql<Tables['ts_item']>`ts_item`.as('i')).selectAll();
    await expect(rawFrom.execute()).rejects.toEqual(refusal('raw-table'));
    const rawJoin = a
      .selectFrom('ts_setting')
      .innerJoin(sql<Tables['ts_tag']>`(select * from ts_tag)`.as('t'), (j) => j.onTrue())
      .selectAll();
    await expect(rawJoin.execute()).rejects.toEqual(refusal('raw-table'));
    await expect(sql`select * from ts_item`.execute(a)).rejects.toEqual(refusal('raw-query'));
    await expect(sql`select 1`.execute(a)).rejects.toEqual(refusal('raw-query'));
    const rawExists = a
      .selectFrom('ts_setting')
      .selectAll()
      .where(sql<boolean>`exists (select 1 from "ts_item" where qty > 150)`);
    await expect(rawExists.execute()).rejects.toEqual(refusal('raw-table'));
    const rawTable = a
      .selectFrom('ts_setting')
      .selectAll()
      .where(sql<boolean>`exists (select 1 from ${sql.table('ts_tag')})`);
    await expect(rawTable.execute()).rejects.toEqual(refusal('raw-table'));
  });

  it('refuses what it cannot scope: a CTE shadowing a scoped table, a RIGHT JOIN, DDL, MERGE, odd inserts', async () => {
    const shadow = a
      .with('ts_item', (db) => db.selectFrom('ts_setting').select('name as grp'))
      .selectFrom('ts_item')
      .selectAll();
    await expect(shadow.execute()).rejects.toEqual(refusal('cte-shadows-table'));
    const right = a.selectFrom('ts_item').rightJoin('ts_tag', 'ts_tag.item_id', 'ts_item.id').selectAll();
    await expect(right.execute()).rejects.toEqual(refusal('outer-join'));
    await expect(a.schema.dropTable('ts_tag').execute()).rejects.toEqual(refusal('statement'));
    const merge = a
      .mergeInto('ts_item')
      .using('ts_tag', 'ts_tag.item_id', 'ts_item.id')
      .whenMatched()
      .thenDelete();
    await expect(merge.execute()).rejects.toEqual(refusal('statement'));
    await expect(a.insertInto('ts_item').defaultValues().execute()).rejects.toEqual(refusal('insert-shape'));
    const noColumns = a
      .insertInto('ts_tag')
      .expression((eb) => eb.selectFrom('ts_item').select(['id', 'grp']));
    await expect(noColumns.execute()).rejects.toEqual(refusal('insert-shape'));
    const onExpression = a
      .insertInto('ts_item')
      .values({ id: 1, grp: 'x', qty: 1 })
      .onConflict((oc) => oc.expression(sql`lower(grp)`).doNothing());
    await expect(onExpression.execute()).rejects.toEqual(refusal('conflict-target'));
    const { items, tags } = await stored();
    expect([items.length, tags.length]).toEqual([5, 5]);
  });

  it('passes a query on a shared table unchanged', async () => {
    await a.insertInto('ts_setting').values({ name: 'n', value: 'from A' }).execute();
    expect(await b.selectFrom('ts_setting').selectAll().execute()).toEqual([{ name: 'n', value: 'from A' }]);
  });

  it('never sees a query compiled elsewhere: the NOT NULL tenant column is the last line', async () => {
    // rows.ts upserts run prepared text through executeQuery(CompiledQuery.raw(…)): no plugin sees it.
    const mark = engine === 'postgres' ? '$1' : '?';
    const bypass = CompiledQuery.raw(`insert into ts_item (id, grp, qty) values (7, ${mark}, 1)`, ['x']);
    await expect(a.executeQuery(bypass)).rejects.toThrow(/null|NOT NULL/i);
  });
});
