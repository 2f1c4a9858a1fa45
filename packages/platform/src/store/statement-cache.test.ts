import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { cachingStatements } from './statement-cache.js';

interface Db {
  item: { id: number; name: string };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A real better-sqlite3 database whose prepare calls are counted. */
function countingDatabase() {
  const dir = mkdtempSync(join(tmpdir(), 'hie-stmt-'));
  dirs.push(dir);
  const database = new Database(join(dir, 'cache.db'));
  const prepared: string[] = [];
  const counting = {
    prepare(text: string) {
      prepared.push(text);
      return database.prepare(text);
    },
    close: () => database.close(),
  };
  return { database, prepared, counting };
}

describe('cachingStatements', () => {
  it('prepares each SQL text once, whatever the parameters', async () => {
    const { prepared, counting } = countingDatabase();
    const cache = cachingStatements(counting);
    const db = new Kysely<Db>({ dialect: new SqliteDialect({ database: cache }) });
    await sql`create table item (id integer primary key, name text not null)`.execute(db);
    for (let i = 1; i <= 5; i++)
      await db
        .insertInto('item')
        .values({ id: i, name: `n${i}` })
        .execute();
    const names: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const row = await db.selectFrom('item').select('name').where('id', '=', i).executeTakeFirst();
      names.push(row?.name ?? '');
    }
    expect(names).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
    const inserts = prepared.filter((s) => s.startsWith('insert'));
    const selects = prepared.filter((s) => s.startsWith('select'));
    expect(inserts).toHaveLength(1);
    expect(selects).toHaveLength(1);
    await db.destroy();
  });

  it('works inside transactions, and a rollback undoes writes made through cached statements', async () => {
    const { counting } = countingDatabase();
    const db = new Kysely<Db>({ dialect: new SqliteDialect({ database: cachingStatements(counting) }) });
    await sql`create table item (id integer primary key, name text not null)`.execute(db);
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('item').values({ id: 1, name: 'kept' }).execute();
    });
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('item').values({ id: 2, name: 'undone' }).execute();
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const rows = await db.selectFrom('item').select(['id', 'name']).execute();
    expect(rows).toEqual([{ id: 1, name: 'kept' }]);
    await db.destroy();
  });

  it('drops the least recently used statement past its capacity', () => {
    const { prepared, counting } = countingDatabase();
    const cache = cachingStatements(counting, 2);
    cache.prepare('select 1');
    cache.prepare('select 2');
    cache.prepare('select 1'); // now most recent
    cache.prepare('select 3'); // evicts 'select 2'
    expect(cache.cachedStatements).toBe(2);
    cache.prepare('select 1');
    cache.prepare('select 2');
    expect(prepared).toEqual(['select 1', 'select 2', 'select 3', 'select 2']);
    cache.close();
  });

  it('never hands out a statement that is still iterating', () => {
    const { database, counting } = countingDatabase();
    database.exec('create table item (id integer primary key, name text not null)');
    database.exec("insert into item values (1, 'a'), (2, 'b')");
    const cache = cachingStatements(counting);
    const text = 'select id from item order by id';
    const open = cache.prepare(text).iterate([]);
    expect(open.next().value).toEqual({ id: 1 });
    // The same SQL while the first iterator is open: a second statement, which runs on its own.
    expect(cache.prepare(text).all([])).toEqual([{ id: 1 }, { id: 2 }]);
    expect(open.next().value).toEqual({ id: 2 });
    open.return?.();
    cache.close();
  });

  it('sees a schema change (SQLite re-prepares a cached statement itself)', async () => {
    const { counting } = countingDatabase();
    const db = new Kysely<Db>({ dialect: new SqliteDialect({ database: cachingStatements(counting) }) });
    await sql`create table item (id integer primary key, name text not null)`.execute(db);
    await db.insertInto('item').values({ id: 1, name: 'a' }).execute();
    const before = await sql<Record<string, unknown>>`select * from item`.execute(db);
    await sql`alter table item add column note text`.execute(db);
    const after = await sql<Record<string, unknown>>`select * from item`.execute(db);
    expect(Object.keys(before.rows[0] ?? {})).toEqual(['id', 'name']);
    expect(Object.keys(after.rows[0] ?? {})).toEqual(['id', 'name', 'note']);
    await db.destroy();
  });
});
