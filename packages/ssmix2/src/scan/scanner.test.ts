import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compareWalkOrder, walkStorage } from '../storage/walk.js';
import { listFiles, NHO, TWINS } from '../test-support/samples.js';
import { type ScanItem, scanStorage } from './scanner.js';

const collect = async (gen: AsyncGenerator<ScanItem>) => {
  const out: ScanItem[] = [];
  for await (const item of gen) out.push(item);
  return out;
};

let temp: string | undefined;
afterEach(async () => {
  if (temp) await rm(temp, { recursive: true, force: true });
  temp = undefined;
});

describe('scanStorage', () => {
  it('lists the 19 NHO files with parsed names, sizes and times, in a stable sorted order', async () => {
    const items = await collect(scanStorage(NHO));
    expect(items).toHaveLength(19);
    const files = items.flatMap((i) => (i.kind === 'file' ? [i] : []));
    expect(files.map((f) => f.relPath)).toEqual(listFiles(NHO).map((p) => p.split(sep).join('/')));
    for (const f of files) {
      expect(f.name.ok).toBe(true);
      expect(f.size).toBeGreaterThan(100);
      expect(f.mtimeMs).toBeGreaterThan(0);
      expect(f.check).toBeUndefined();
    }
    expect(files[0]).toMatchObject({ folders: ['999', '901', '9999013', '-', 'ADT-00'] });
  });

  it('walks several roots one after the other, and reads or checks on request', async () => {
    const items = await collect(scanStorage([NHO, TWINS], { check: true }));
    expect(items).toHaveLength(49);
    const first = items[0]!;
    expect(first.kind === 'file' && first.check?.status).toBe('ok');
    const read = await collect(scanStorage(NHO, { read: true }));
    expect(read.every((i) => i.kind === 'file' && i.bytes?.length === i.size)).toBe(true);
  });

  it('keeps the parsed message only when asked', async () => {
    const [item] = await collect(scanStorage(NHO, { check: true, keepMessage: true }));
    expect(item?.kind === 'file' && item.check?.message?.messageType.code).toBe('ADT');
  });

  it('skips dot-names, reports files at the wrong depth and bad names, and never throws', async () => {
    temp = await mkdtemp(join(tmpdir(), 'ssmix2-scan-'));
    const typeDir = join(temp, '123', '456', '1234567', '-', 'ADT-00');
    await mkdir(typeDir, { recursive: true });
    await mkdir(join(temp, '.hie'));
    await writeFile(join(temp, '.hie', 'ground-truth.csv'), 'x');
    await writeFile(join(typeDir, '.1234567_-_ADT-00_999999999999999_20240101000000000_-_1.tmp'), 'x');
    await writeFile(join(typeDir, 'README'), 'not a message');
    await writeFile(join(temp, 'stray.txt'), '');
    const items = await collect(scanStorage(temp, { check: true }));
    expect(items.map((i) => i.relPath)).toEqual(['stray.txt', '123/456/1234567/-/ADT-00/README']);
    const readme = items[1]!;
    expect(readme.kind === 'file' && readme.check?.findings.map((f) => f.code)).toEqual([
      'NAME_INVALID',
      'HL7_PARSE',
    ]);
    const stray = items[0]!;
    expect(stray.kind === 'file' && stray.check?.findings.map((f) => f.code)).toEqual([
      'NAME_INVALID',
      'UNKNOWN_DATA_TYPE',
      'EMPTY_FILE',
    ]);
  });

  it('reports a file that vanishes between listing and reading as moved', async () => {
    temp = await mkdtemp(join(tmpdir(), 'ssmix2-scan-'));
    const dir = join(temp, '123', '456', '1234567', '-', 'ADT-00');
    await mkdir(dir, { recursive: true });
    const a = join(dir, '1234567_-_ADT-00_999999999999999_20240101000000000_-_1');
    const b = join(dir, '1234567_-_ADT-00_999999999999999_20240102000000000_-_1');
    await writeFile(a, 'x');
    await writeFile(b, 'y');
    const out: ScanItem[] = [];
    for await (const item of scanStorage(temp, { read: true })) {
      out.push(item);
      if (out.length === 1) await rm(b); // listed with `a`, gone before it is read
    }
    expect(out.map((i) => i.kind)).toEqual(['file', 'moved']);
  });

  it('reports a missing root as a problem item', async () => {
    const items = await collect(scanStorage(join(tmpdir(), 'no-such-ssmix2-root')));
    expect(items).toMatchObject([{ kind: 'problem', code: 'DIR_MOVED' }]);
  });
});

describe('walk order', () => {
  it('is the order compareWalkOrder defines: a folder’s files before its subfolders', () => {
    const paths: string[][] = [];
    for (const item of walkStorage([TWINS])) {
      if (item.kind === 'file') paths.push([...item.file.folders, item.file.fileName]);
    }
    const sorted = [...paths].sort(compareWalkOrder);
    expect(paths).toEqual(sorted);
    expect(compareWalkOrder(['a', 'z'], ['a', 'b', 'c'])).toBeLessThan(0);
    expect(compareWalkOrder(['a', 'b', 'c'], ['a', 'c', 'a'])).toBeLessThan(0);
  });
});
