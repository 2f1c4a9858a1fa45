import { cp, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageWriter } from '../storage/writer.js';
import { NHO } from '../test-support/samples.js';
import { CheckpointError } from './checkpoint.js';
import { type StorageChange, scanChanges } from './incremental.js';

let temp: string;
let root: string;
beforeEach(async () => {
  temp = await mkdtemp(join(tmpdir(), 'ssmix2-incr-'));
  root = join(temp, 'root');
  await cp(NHO, root, { recursive: true });
});
afterEach(async () => {
  await rm(temp, { recursive: true, force: true });
});

const collect = async (gen: AsyncGenerator<StorageChange>) => {
  const out: string[] = [];
  for await (const c of gen) out.push(`${c.kind} ${c.relPath.split('/').slice(5).join('/')}`);
  return out;
};

describe('scanChanges', () => {
  it.each(['cp.ndjson', 'cp.ndjson.gz'])(
    'reports add, change and delete since a checkpoint (%s)',
    async (file) => {
      const checkpoint = join(temp, file);
      const first = await collect(scanChanges(root, { save: checkpoint }));
      expect(first).toHaveLength(19);
      expect(first.every((c) => c.startsWith('added '))).toBe(true);
      expect(await collect(scanChanges(root, { since: checkpoint }))).toEqual([]);

      // An update through the writer renames the current file and adds a new one.
      const writer = new StorageWriter(root);
      await writer.write({
        patientId: '9999013',
        careDate: '20110701',
        dataType: 'OMP-01',
        orderNo: '000000011000185',
        timestamp: '20260101000000000',
        department: '01',
        bytes: new Uint8Array([0x4d]),
      });
      // A file changed in place, and a new patient.
      const adt00 = join(
        root,
        '999/901/9999013/-/ADT-00/9999013_-_ADT-00_999999999999999_20111220224447339_-_1',
      );
      await utimes(adt00, new Date(), new Date('2030-01-01'));
      await writer.write({
        patientId: '0000001',
        careDate: '-',
        dataType: 'ADT-00',
        orderNo: '999999999999999',
        timestamp: '20260101000000000',
        department: '-',
        bytes: new Uint8Array([0x4d]),
      });
      const changes = await collect(scanChanges(root, { since: checkpoint, save: checkpoint }));
      expect(changes).toEqual([
        'added 0000001_-_ADT-00_999999999999999_20260101000000000_-_1',
        'changed 9999013_-_ADT-00_999999999999999_20111220224447339_-_1',
        'removed 9999013_20110701_OMP-01_000000011000185_20110701224603984_01_1',
        'added 9999013_20110701_OMP-01_000000011000185_20110701224603984_01_2',
        'added 9999013_20110701_OMP-01_000000011000185_20260101000000000_01_1',
      ]);
      expect(await collect(scanChanges(root, { since: checkpoint }))).toEqual([]);

      await rm(join(root, '999/901/9999013/20111220'), { recursive: true });
      const removed = await collect(scanChanges(root, { since: checkpoint }));
      expect(removed).toHaveLength(10);
      expect(removed.every((c) => c.startsWith('removed 9999013_20111220_'))).toBe(true);
    },
  );

  it('keeps the old checkpoint when a scan is abandoned half way', async () => {
    const checkpoint = join(temp, 'cp.ndjson');
    await collect(scanChanges(root, { save: checkpoint }));
    const before = await readFile(checkpoint, 'utf8');
    for await (const _ of scanChanges(root, { save: checkpoint })) break;
    expect(await readFile(checkpoint, 'utf8')).toBe(before);
  });

  it('refuses a checkpoint of other roots, or a file that is not a checkpoint', async () => {
    const checkpoint = join(temp, 'cp.ndjson');
    await collect(scanChanges(root, { save: checkpoint }));
    await expect(collect(scanChanges(NHO, { since: checkpoint }))).rejects.toBeInstanceOf(CheckpointError);
    await writeFile(join(temp, 'junk'), 'hello\n');
    await expect(collect(scanChanges(root, { since: join(temp, 'junk') }))).rejects.toBeInstanceOf(
      CheckpointError,
    );
  });
});
