import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startWalCheckpointer } from './checkpointer.js';
import { openStore } from './open.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDb = () => {
  const dir = mkdtempSync(join(tmpdir(), 'hie-ckpt-'));
  dirs.push(dir);
  return join(dir, 'store.db');
};
const until = async (done: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
};

/** A WAL-mode database whose writer never checkpoints (auto-checkpoint off), with a table `t`. */
const walWriter = () => {
  const path = tempDb();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('create table t (x text)');
  return { path, db };
};
/** Writes `rows` rows of 200 characters in one transaction. */
const fill = (db: Database.Database, rows: number, char: string) => {
  const insert = db.prepare('insert into t values (?)');
  db.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run(char.repeat(200));
  })();
};

describe('startWalCheckpointer', () => {
  it('copies WAL frames into the database file from its worker while the writer has auto-checkpoint off', async () => {
    const { path, db } = walWriter();
    const checkpointer = startWalCheckpointer(path, { intervalMs: 20 });
    // The writer never checkpoints (auto-checkpoint off): frames copied back are the worker's doing.
    fill(db, 2000, 'x');
    const before = checkpointer.runs;
    await until(() => checkpointer.runs > before + 1 && (checkpointer.last?.checkpointed ?? 0) > 0);
    expect(checkpointer.last?.checkpointed).toBeGreaterThan(0);
    expect(checkpointer.last?.checkpointed).toBe(checkpointer.last?.log);
    await checkpointer.stop();
    db.close();
    expect(statSync(path).size).toBeGreaterThan(2000 * 200);
  });

  it('has the writer truncate a WAL past its size limit between transactions, never inside one', async () => {
    const { path, db } = walWriter();
    const limit = 256 * 1024;
    const checkpointer = startWalCheckpointer(path, { intervalMs: 10, truncateBytes: limit, writer: db });
    const insert = db.prepare('insert into t values (?)');
    const count = db.prepare('select count(*) as n from t');
    const wal = () => statSync(`${path}-wal`).size;
    // One big transaction takes the WAL far past the limit (PASSIVE alone would leave it so).
    fill(db, 10_000, 'y');
    expect(wal()).toBeGreaterThan(8 * limit);
    // A transaction that reads, waits while the worker sees the large WAL, then writes: a
    // checkpoint taking the write lock meanwhile would make this write fail with SQLITE_BUSY.
    for (let round = 0; round < 5; round++) {
      db.exec('BEGIN');
      count.get();
      await new Promise((r) => setTimeout(r, 30));
      for (let i = 0; i < 50; i++) insert.run('z'.repeat(200));
      db.exec('COMMIT');
    }
    await until(() => checkpointer.truncations >= 1 && wal() < limit);
    expect(checkpointer.truncations).toBeGreaterThanOrEqual(1);
    expect(wal()).toBeLessThan(limit);
    expect(count.get()).toEqual({ n: 10_250 });
    await checkpointer.stop();
    db.close();
  });

  it('without a writer, only checkpoints: the WAL file keeps its size', async () => {
    const { path, db } = walWriter();
    const limit = 256 * 1024;
    const checkpointer = startWalCheckpointer(path, { intervalMs: 10, truncateBytes: limit });
    fill(db, 10_000, 'y');
    await until(
      () => checkpointer.last?.large === true && checkpointer.last.checkpointed === checkpointer.last.log,
    );
    expect(checkpointer.last?.large).toBe(true);
    expect(checkpointer.truncations).toBe(0);
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(limit);
    await checkpointer.stop();
    db.close();
  });

  it('leaves a WAL under its size limit alone (PASSIVE only)', async () => {
    const { path, db } = walWriter();
    const checkpointer = startWalCheckpointer(path, { intervalMs: 10, truncateBytes: 64 * 1024 * 1024 });
    fill(db, 2000, 'x');
    await until(() => checkpointer.runs > 3 && (checkpointer.last?.checkpointed ?? 0) > 0);
    expect(checkpointer.truncations).toBe(0);
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(0);
    await checkpointer.stop();
    db.close();
  });

  it('reports a worker that cannot open the database, so the caller can turn auto-checkpoint back on', async () => {
    const failures: unknown[] = [];
    const checkpointer = startWalCheckpointer(join(tempDb(), 'missing', 'store.db'), {
      onFailure: (error) => failures.push(error),
    });
    await until(() => failures.length > 0);
    expect(failures.length).toBeGreaterThan(0);
    await checkpointer.stop();
  });

  it('openStore keeps data written through the store after close and reopen', async () => {
    const path = tempDb();
    const store = await openStore<{ t: { x: string } }>(`sqlite:${path}`);
    await store.db.schema.createTable('t').addColumn('x', 'text').execute();
    for (let i = 0; i < 50; i++)
      await store.db
        .insertInto('t')
        .values({ x: `v${i}` })
        .execute();
    await store.close();
    const again = await openStore<{ t: { x: string } }>(`sqlite:${path}`);
    const rows = await again.db.selectFrom('t').select('x').execute();
    expect(rows).toHaveLength(50);
    await again.close();
  });
});
