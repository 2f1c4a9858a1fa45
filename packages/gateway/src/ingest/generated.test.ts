import { readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createTestStore, TEST_ENGINES, type TestStore } from '@hie/record-source/testing';
import { parseFileName, type Ssmix2FileName, StorageWriter } from '@hie/ssmix2';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { GatewayIngest, gatewayStatus } from './index.js';
import { FACILITY } from './testing/fixtures.js';
import { generatedStorage } from './testing/generated.js';
import { projectionHash } from './testing/projection-hash.js';

describe.each(TEST_ENGINES)('ingest of a generated storage on %s', (engine) => {
  let store: TestStore;
  let storage: Awaited<ReturnType<typeof generatedStorage>>;
  let ingest: GatewayIngest;
  beforeEach(async () => {
    store = await createTestStore(engine);
    storage = await generatedStorage(8);
    ingest = new GatewayIngest(store, { roots: [storage.root], facility: FACILITY, batchSize: 200 });
  });
  afterEach(async () => {
    await ingest.stop();
    await store.dispose();
    storage.remove();
  });

  /**
   * After any sequence of changes, the projection must equal a clean build of the storage as it is:
   * reindex() drops everything and rebuilds from storage (one store at a time: a second PostgreSQL
   * schema during a migration trips the migrator's table check).
   */
  const expectEqualsCleanBuild = async () => {
    const incremental = await projectionHash(store);
    const fresh = new GatewayIngest(store, { roots: [storage.root], facility: FACILITY });
    try {
      await fresh.reindex();
      expect(incremental).toEqual(await projectionHash(store));
    } finally {
      await fresh.stop();
    }
  };

  /** A current OML-11 (lab result) file that is the only file of its key. */
  const loneLabResult = async () => {
    const rows = await store.db
      .selectFrom('gw_file')
      .select(['record_key', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('path').as('path')])
      .where('data_type', '=', 'OML-11')
      .groupBy('record_key')
      .execute();
    const row = rows.find((r) => Number(r.n) === 1)!;
    const path = String(row.path);
    const parsed = parseFileName(basename(path));
    if (!parsed.ok) throw new Error(parsed.message);
    return { key: row.record_key, path, name: parsed.value, bytes: readFileSync(path) };
  };

  const entryOf = (n: Ssmix2FileName, bytes: Uint8Array, timestamp: string) => ({
    patientId: n.patientId,
    careDate: n.careDate,
    dataType: n.dataType,
    orderNo: n.orderNo,
    timestamp,
    department: n.department,
    bytes,
  });

  const resourcesOfKey = (key: string) =>
    store.db.selectFrom('gw_resource').selectAll().where('record_key', '=', key).orderBy('id').execute();
  const fileStatesOfKey = (key: string) =>
    store.db
      .selectFrom('gw_file')
      .select(['flag', 'status'])
      .where('record_key', '=', key)
      .orderBy('timestamp')
      .execute();

  test('full load projects every key; a second pass reads nothing', async () => {
    const first = await ingest.fullLoad();
    expect(first.seen).toBe(storage.files);
    expect(first.errors).toBe(0);
    expect(first.resourcesPut).toBeGreaterThan(storage.files);
    const status = await gatewayStatus(store);
    expect(status.files.byStatus.history).toBeGreaterThan(0);
    const second = await ingest.fullLoad();
    expect(second).toMatchObject({ unchanged: storage.files, ingested: 0, resourcesPut: 0 });
  });

  test('an update (_1 → _2, new _1) replaces the key’s resources and drops the ids it no longer yields', async () => {
    await ingest.fullLoad();
    const lab = await loneLabResult();
    const before = await resourcesOfKey(lab.key);
    // The update carries one OBX less.
    const segments = lab.bytes.toString('latin1').split('\r');
    const lastObx = segments.map((s) => s.startsWith('OBX|')).lastIndexOf(true);
    const dropped = before.find((r) => r.id.endsWith(`.${lastObx}`));
    expect(dropped).toBeDefined();
    segments.splice(lastObx, 1);
    const path = await new StorageWriter(storage.root).write(
      entryOf(lab.name, Buffer.from(segments.join('\r'), 'latin1'), '20991231120000000'),
    );
    const report = await ingest.fullLoad();
    expect(report.removed).toBe(1);
    const after = await resourcesOfKey(lab.key);
    expect(after.length).toBe(before.length - 1);
    expect(after.map((r) => r.id)).not.toContain(dropped!.id);
    for (const r of after) {
      expect(r.file_path).toBe(path);
      expect(JSON.parse(r.json).meta.source).toContain(encodeURIComponent(basename(path)));
    }
    expect(await fileStatesOfKey(lab.key)).toEqual([
      { flag: '2', status: 'history' },
      { flag: '1', status: 'current' },
    ]);
    await expectEqualsCleanBuild();
  });

  test('a delete (_0) removes the key’s resources and keeps its files as history', async () => {
    await ingest.fullLoad();
    const lab = await loneLabResult();
    expect((await resourcesOfKey(lab.key)).length).toBeGreaterThan(0);
    await new StorageWriter(storage.root).delete(entryOf(lab.name, lab.bytes, '20991231120000000'));
    await ingest.fullLoad();
    expect(await resourcesOfKey(lab.key)).toEqual([]);
    expect(await fileStatesOfKey(lab.key)).toEqual([
      { flag: '0', status: 'history' },
      { flag: '0', status: 'deleted' },
    ]);
    await expectEqualsCleanBuild();
  });

  test('the same file seen twice changes nothing; a touched file only updates its mtime', async () => {
    await ingest.fullLoad();
    const lab = await loneLabResult();
    const before = await resourcesOfKey(lab.key);
    expect(await ingest.notify([lab.path])).toMatchObject({ unchanged: 1, ingested: 0 });
    utimesSync(lab.path, new Date(), new Date('2030-01-01T00:00:00Z'));
    expect(await ingest.notify([lab.path])).toMatchObject({ unchanged: 0, ingested: 0, resourcesPut: 0 });
    expect(await resourcesOfKey(lab.key)).toEqual(before);
    const row = await store.db
      .selectFrom('gw_file')
      .select('mtime_ms')
      .where('path', '=', lab.path)
      .executeTakeFirstOrThrow();
    expect(Number(row.mtime_ms)).toBe(Date.parse('2030-01-01T00:00:00Z'));
    expect(await ingest.fullLoad()).toMatchObject({ ingested: 0, unchanged: storage.files });
  });

  test('a bad file is listed, not retried while unchanged, retried and cleared once fixed', async () => {
    await ingest.fullLoad();
    const lab = await loneLabResult();
    const badPath = join(
      dirname(lab.path),
      basename(lab.path).replace(`_${lab.name.orderNo}_`, '_000000000000777_'),
    );
    writeFileSync(badPath, 'this is not HL7');
    const badName = join(dirname(lab.path), 'not-a-standardized-name');
    writeFileSync(badName, lab.bytes);
    expect(await ingest.fullLoad()).toMatchObject({ errors: 2 });
    let errors = (await gatewayStatus(store)).errors;
    expect(errors.map((e) => [basename(e.path), e.code, e.attempts])).toEqual(
      [
        [basename(badPath), 'NO_MSH', 1],
        ['not-a-standardized-name', 'BAD_NAME', 1],
      ].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)),
    );
    expect(errors.every((e) => e.reason.length > 0 && e.firstSeen <= e.lastTried)).toBe(true);
    expect(await ingest.fullLoad()).toMatchObject({ errors: 0, ingested: 0 });
    writeFileSync(badPath, 'still not HL7!');
    await ingest.fullLoad();
    errors = (await gatewayStatus(store)).errors;
    expect(errors.find((e) => e.path === badPath)?.attempts).toBe(2);
    // Fixed: the error goes and the file is projected.
    writeFileSync(badPath, lab.bytes);
    rmSync(badName);
    const fixed = await ingest.fullLoad();
    expect(fixed).toMatchObject({ errors: 0, ingested: 1 });
    expect((await gatewayStatus(store)).errors).toEqual([]);
    const rows = await store.db
      .selectFrom('gw_resource')
      .select('id')
      .where('file_path', '=', badPath)
      .execute();
    expect(rows.length).toBeGreaterThan(0);
    await expectEqualsCleanBuild();
  });

  test('notify() makes a new file queryable; a vanished file takes its resources along', async () => {
    await ingest.fullLoad();
    const lab = await loneLabResult();
    const path = await new StorageWriter(storage.root).write(
      entryOf({ ...lab.name, orderNo: '000000000000888' }, lab.bytes, '20991231120000000'),
    );
    expect(await ingest.notify([path])).toMatchObject({ ingested: 1 });
    const rows = await store.db
      .selectFrom('gw_resource')
      .select('id')
      .where('file_path', '=', path)
      .execute();
    expect(rows.length).toBeGreaterThan(0);
    rmSync(lab.path);
    await ingest.notify([lab.path]);
    expect(await resourcesOfKey(lab.key)).toEqual([]);
    await expectEqualsCleanBuild();
  });

  test('started with the watcher, a file written by StorageWriter becomes queryable within seconds', async () => {
    // The generated dates are months old: watch every date folder, not only the recent ones.
    await ingest.stop();
    ingest = new GatewayIngest(store, {
      roots: [storage.root],
      facility: FACILITY,
      rescanIntervalMs: 0,
      watchOptions: { recentDays: 100_000 },
    });
    await ingest.start();
    const lab = await loneLabResult();
    const writer = new StorageWriter(storage.root);
    // An update of an existing key and a file in a folder that does not exist yet.
    const update = await writer.write(entryOf(lab.name, lab.bytes, '20991231120000000'));
    const fresh = await writer.write(
      entryOf(
        { ...lab.name, careDate: '20991231', orderNo: '000000000000999' },
        lab.bytes,
        '20991231120000001',
      ),
    );
    const deadline = Date.now() + 10_000;
    const visible = async (p: string) =>
      (await store.db.selectFrom('gw_resource').select('id').where('file_path', '=', p).execute()).length > 0;
    while (Date.now() < deadline && !((await visible(update)) && (await visible(fresh)))) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await visible(update)).toBe(true);
    expect(await visible(fresh)).toBe(true);
    await ingest.stop();
    await expectEqualsCleanBuild();
  });

  test('reindex() rebuilds the same projection from storage', async () => {
    await ingest.fullLoad();
    const before = await projectionHash(store);
    const report = await ingest.reindex();
    expect(report.ingested).toBe(storage.files);
    expect(await projectionHash(store)).toEqual(before);
  });
});
