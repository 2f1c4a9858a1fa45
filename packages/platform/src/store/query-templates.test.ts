import Database from 'better-sqlite3';
import fc from 'fast-check';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { QueryTemplates } from './query-templates.js';

interface Db {
  item: { id: number; kind: string; day: string };
}

const db = new Kysely<Db>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });

/** A query whose SQL depends on the number of kinds and on whether a day bound is given. */
const build = (values: readonly unknown[], kinds: number, withDay: boolean) => {
  let q = db
    .selectFrom('item')
    .select(['id', 'kind'])
    .where('kind', 'in', values.slice(0, kinds) as string[])
    .where('id', '>', sql.lit(0)); // a constant of the query, not an input
  if (withDay) q = q.where('day', '>=', values[kinds] as string);
  return q.orderBy('id', 'desc').limit(values[values.length - 1] as number);
};

describe('QueryTemplates', () => {
  it('gives the same SQL and parameters as compiling afresh, for any values of a shape', () => {
    const templates = new QueryTemplates();
    fc.assert(
      fc.property(
        fc.array(fc.string(), { minLength: 1, maxLength: 5 }),
        fc.option(fc.string(), { nil: undefined }),
        fc.integer({ min: 0, max: 500 }),
        (kinds, day, limit) => {
          const values = [...kinds, ...(day === undefined ? [] : [day]), limit];
          const withDay = day !== undefined;
          const shape = `${kinds.length}:${withDay}`;
          const cached = templates.compile(shape, values, (v) => build(v, kinds.length, withDay));
          const fresh = build(values, kinds.length, withDay).compile();
          expect(cached.sql).toBe(fresh.sql);
          expect(cached.parameters).toEqual(fresh.parameters);
        },
      ),
      { numRuns: 200 },
    );
    expect(templates.size).toBeLessThanOrEqual(10);
  });

  it('keeps constants bound as parameters by the builder itself', () => {
    const templates = new QueryTemplates();
    const q = (v: readonly unknown[]) =>
      db
        .selectFrom('item')
        .select('id')
        .where('kind', '=', 'fixed')
        .where('id', '=', v[0] as number);
    expect(templates.compile('k', [7], q).parameters).toEqual(['fixed', 7]);
    expect(templates.compile('k', [8], q).parameters).toEqual(['fixed', 8]);
  });

  it('refuses a builder that does not bind a value as a parameter', () => {
    const templates = new QueryTemplates();
    const misuse = (v: readonly unknown[]) =>
      db
        .selectFrom('item')
        .select('id')
        .where('id', '=', v[0] as number)
        .$if(v.length > 1, (qb) => qb.where('kind', '=', 'ignored'));
    expect(() => templates.compile('bad', [1, 'unused'], misuse)).toThrow(/values 1 are not bound/);
  });

  it('runs: the compiled template executes with the new values', async () => {
    await sql`create table item (id integer primary key, kind text, day text)`.execute(db);
    await db
      .insertInto('item')
      .values([
        { id: 1, kind: 'a', day: '2026-01-01' },
        { id: 2, kind: 'b', day: '2026-02-01' },
        { id: 3, kind: 'a', day: '2026-03-01' },
      ])
      .execute();
    const templates = new QueryTemplates();
    const run = async (kind: string, day: string) =>
      (await db.executeQuery(templates.compile('1:true', [kind, day, 10], (v) => build(v, 1, true)))).rows;
    expect(await run('a', '2026-02-15')).toEqual([{ id: 3, kind: 'a' }]);
    expect(await run('b', '2026-01-01')).toEqual([{ id: 2, kind: 'b' }]);
  });
});
