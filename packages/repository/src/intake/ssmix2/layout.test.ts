import { describe, expect, it } from 'vitest';
import { storageLayout } from './layout.js';
import type { ZipEntry } from './zip.js';

const NAME = '0000001_-_ADT-00_999999999999999_20240101120000000_-_1';
const AT = `000/000/0000001/-/ADT-00/${NAME}`;
const entry = (path: string): ZipEntry => ({
  path,
  directory: path.endsWith('/'),
  method: 8,
  crc32: 0,
  compressedSize: 0,
  size: 0,
  dataStart: 0,
});

describe('storageLayout', () => {
  it('takes the layout with or without a root folder and passes over folders and OS litter', () => {
    for (const path of [AT, `storage/${AT}`, `./${AT}`]) {
      const layout = storageLayout([
        entry('storage/'),
        entry('__MACOSX/storage/._x'),
        entry('storage/.DS_Store'),
        entry('storage/.hie/ground-truth.csv'),
        entry('storage/000/Thumbs.db'),
        entry(path),
      ]);
      expect(layout).toMatchObject({
        ok: true,
        ignored: 5,
        files: [{ path, name: { patientId: '0000001' } }],
      });
    }
  });

  it('refuses a file under another patient’s folders, too deep, not a storage name, or twice', () => {
    const layout = storageLayout([
      entry(`000/000/0000002/-/ADT-00/${NAME}`),
      entry(`a/b/${AT}`),
      entry('000/000/0000001/-/ADT-00/readme.txt'),
      entry(AT),
      entry(`copy/${AT}`),
    ]);
    expect(layout.ok ? [] : layout.issues.map((i) => `${i.code} ${i.file}`)).toEqual([
      `ssmix2-layout 000/000/0000002/-/ADT-00/${NAME}`,
      `ssmix2-layout a/b/${AT}`,
      'ssmix2-file-name 000/000/0000001/-/ADT-00/readme.txt',
      `ssmix2-duplicate-file copy/${AT}`,
    ]);
  });

  it('refuses a zip with no storage file', () => {
    expect(storageLayout([entry('storage/'), entry('.DS_Store')])).toMatchObject({
      ok: false,
      issues: [{ code: 'ssmix2-empty' }],
    });
  });
});
