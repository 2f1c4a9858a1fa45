import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseFileName } from '../names/file-name.js';
import { resolveKey } from './condition.js';
import { type StorageEntry, StorageEntryError, StorageWriter } from './writer.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ssmix2-writer-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const entry = (timestamp: string, text: string, department = '01'): StorageEntry => ({
  patientId: '9999013',
  careDate: '20110701',
  dataType: 'OMP-01',
  orderNo: '000000011000185',
  timestamp,
  department,
  bytes: new TextEncoder().encode(text),
});
const folder = () => join(root, '999', '901', '9999013', '20110701', 'OMP-01');
const listing = async () => (await readdir(folder())).sort();
const prefix = '9999013_20110701_OMP-01_000000011000185_';

describe('StorageWriter', () => {
  it('writes a new current file in the standardized path, creating folders', async () => {
    const path = await new StorageWriter(root).write(entry('20110701100000000', 'v1'));
    expect(path).toBe(join(folder(), `${prefix}20110701100000000_01_1`));
    expect(await readFile(path, 'utf8')).toBe('v1');
  });

  it('update renames the current file to _2; delete renames all to _0 and adds a _0 file', async () => {
    const writer = new StorageWriter(root, { fsync: true });
    await writer.write(entry('20110701100000000', 'v1'));
    await writer.write(entry('20110701110000000', 'v2', '02'));
    expect(await listing()).toEqual([`${prefix}20110701100000000_01_2`, `${prefix}20110701110000000_02_1`]);
    await writer.write(entry('20110701120000000', 'v3'));
    expect(await listing()).toEqual([
      `${prefix}20110701100000000_01_2`,
      `${prefix}20110701110000000_02_2`,
      `${prefix}20110701120000000_01_1`,
    ]);
    const names = async () =>
      (await listing()).map((s) => parseFileName(s)).flatMap((r) => (r.ok ? [r.value] : []));
    expect(resolveKey(await names())).toMatchObject({
      state: 'current',
      record: { timestamp: '20110701120000000' },
    });

    await writer.delete(entry('20110701130000000', 'cancel'));
    expect(await listing()).toEqual([
      `${prefix}20110701100000000_01_0`,
      `${prefix}20110701110000000_02_0`,
      `${prefix}20110701120000000_01_0`,
      `${prefix}20110701130000000_01_0`,
    ]);
    expect(resolveKey(await names())?.state).toBe('deleted');
    expect(await readFile(join(folder(), `${prefix}20110701130000000_01_0`), 'utf8')).toBe('cancel');
  });

  it('leaves other keys of the folder alone and never leaves a temp file', async () => {
    const writer = new StorageWriter(root);
    await writer.write(entry('20110701100000000', 'v1'));
    await writer.write({ ...entry('20110701100000000', 'other'), orderNo: '000000011000999' });
    await writer.write(entry('20110701110000000', 'v2'));
    const all = await readdir(folder());
    expect(all.filter((s) => s.startsWith('.'))).toEqual([]);
    expect(all).toContain('9999013_20110701_OMP-01_000000011000999_20110701100000000_01_1');
  });

  it('serializes concurrent writes of one key: exactly one current file remains', async () => {
    const writer = new StorageWriter(root);
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => writer.write(entry(`2011070110000000${i}`, `v${i}`))),
    );
    const flags = (await listing()).map((s) => s.slice(-1));
    expect(flags.filter((f) => f === '1')).toHaveLength(1);
    expect(flags.filter((f) => f === '2')).toHaveLength(7);
  });

  it('rejects an entry that would not make a valid name, writing nothing', async () => {
    const writer = new StorageWriter(root);
    await expect(writer.write({ ...entry('2011', 'x') })).rejects.toBeInstanceOf(StorageEntryError);
    await expect(writer.write({ ...entry('20110701100000000', 'x'), orderNo: 'a_b' })).rejects.toMatchObject({
      reason: 'ORDER_NO',
    });
    expect(await readdir(root)).toEqual([]);
  });

  it('ignores dot-files (another writer’s temp file) when renaming', async () => {
    const writer = new StorageWriter(root);
    await writer.write(entry('20110701100000000', 'v1'));
    await writeFile(join(folder(), `.${prefix}20110701100000000_01_1.tmp`), 'partial');
    await writer.write(entry('20110701110000000', 'v2'));
    expect((await readdir(folder())).filter((s) => s.startsWith('.'))).toHaveLength(1);
  });
});
