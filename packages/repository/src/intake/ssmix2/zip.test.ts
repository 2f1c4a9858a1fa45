import zlib from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeZip } from './testing.js';
import { listZip, readZipEntry, type ZipLimits } from './zip.js';

const LIMITS: ZipLimits = { maxEntries: 100, maxEntryBytes: 1024 * 1024, maxTotalBytes: 4 * 1024 * 1024 };
const FILE = '000/000/0000001/-/ADT-00/0000001_-_ADT-00_999999999999999_20240101120000000_-_1';
const text = (s: string) => Buffer.from(s, 'utf8');

const codes = (zip: Buffer, limits = LIMITS) => {
  const listed = listZip(zip, limits, 'up.zip');
  return listed.ok ? [] : listed.issues.map((i) => `${i.code} ${i.file}`);
};

describe('listZip / readZipEntry', () => {
  afterEach(() => vi.restoreAllMocks());

  it('reads deflated and stored entries back, byte for byte', () => {
    const zip = writeZip([
      { name: 'root/', data: new Uint8Array() },
      { name: `root/${FILE}`, data: text('MSH|^~\\&|a\r'.repeat(50)) },
      { name: 'root/stored.txt', data: text('plain'), method: 'store' },
    ]);
    const listed = listZip(zip, LIMITS, 'up.zip');
    if (!listed.ok) throw new Error(JSON.stringify(listed.issues));
    expect(listed.entries.map((e) => [e.path, e.directory])).toEqual([
      ['root/', true],
      [`root/${FILE}`, false],
      ['root/stored.txt', false],
    ]);
    const read = readZipEntry(zip, listed.entries[1]!);
    expect(read.ok && read.data.toString()).toBe('MSH|^~\\&|a\r'.repeat(50));
    const stored = readZipEntry(zip, listed.entries[2]!);
    expect(stored.ok && stored.data.toString()).toBe('plain');
  });

  it('refuses paths that leave the archive, absolute paths, symlinks, devices and encryption — naming each entry', () => {
    const zip = writeZip([
      { name: '../../etc/cron.d/x', data: text('x') },
      { name: 'root/000/../../../x', data: text('x') },
      { name: '..\\windows\\x', data: text('x') },
      { name: '/etc/passwd', data: text('x') },
      { name: 'C:/x', data: text('x') },
      { name: 'root/link', data: text('/etc/passwd'), unixMode: 0o120777 },
      { name: 'root/fifo', data: text(''), unixMode: 0o010644 },
      { name: 'root/secret', data: text('x'), flags: 1 },
      { name: `root/${FILE}`, data: text('fine') },
    ]);
    expect(codes(zip)).toEqual([
      'ssmix2-zip-path-traversal ../../etc/cron.d/x',
      'ssmix2-zip-path-traversal root/000/../../../x',
      'ssmix2-zip-path-traversal ../windows/x',
      'ssmix2-zip-absolute-path /etc/passwd',
      'ssmix2-zip-absolute-path C:/x',
      'ssmix2-zip-symlink root/link',
      'ssmix2-zip-special-file root/fifo',
      'ssmix2-zip-encrypted root/secret',
    ]);
  });

  it('refuses more entries than the bound before reading any', () => {
    const specs = Array.from({ length: 101 }, (_, i) => ({ name: `f${i}`, data: text('') }));
    expect(codes(writeZip(specs))).toEqual(['ssmix2-zip-too-many-entries up.zip']);
  });

  it('refuses an entry declared over the entry bound, and entries over the total bound', () => {
    const big = writeZip([{ name: 'big', data: text('x'), declaredSize: 2 * 1024 * 1024 }]);
    expect(codes(big)).toEqual(['ssmix2-zip-entry-too-large big']);
    const many = writeZip(
      Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, data: text('x'), declaredSize: 1024 * 1024 })),
    );
    expect(codes(many)).toEqual(['ssmix2-zip-too-large up.zip']);
  });

  it('stops inflating a bomb at its declared size: 300 MB of zeros declared as 1,000 bytes', () => {
    // Zero-filled pages cost little until written; deflated they are ~1.3 MB.
    const bomb = zlib.deflateRawSync(Buffer.alloc(300 * 1024 * 1024), { level: 1 });
    const zip = writeZip([{ name: FILE, data: new Uint8Array(1000), deflated: bomb }]);
    const listed = listZip(zip, LIMITS, 'up.zip');
    if (!listed.ok) throw new Error(JSON.stringify(listed.issues));
    const inflate = vi.spyOn(zlib, 'inflateRawSync');
    const read = readZipEntry(zip, listed.entries[0]!);
    expect(read.ok ? 'read' : read.issue.code).toBe('ssmix2-zip-size-mismatch');
    // zlib was told to stop past the declared size and did (it throws rather than return more).
    expect(inflate).toHaveBeenCalledTimes(1);
    expect(inflate.mock.calls[0]![1]).toMatchObject({ maxOutputLength: 1000 });
    expect(inflate.mock.results[0]!.type).toBe('throw');
  });

  it('refuses an entry shorter than declared, a damaged one (CRC) and a truncated or foreign file', () => {
    const short = writeZip([{ name: 'a', data: text('abc'), declaredSize: 10 }]);
    const listedShort = listZip(short, LIMITS, 'up.zip');
    expect(listedShort.ok && readZipEntry(short, listedShort.entries[0]!)).toMatchObject({
      ok: false,
      issue: { code: 'ssmix2-zip-size-mismatch', file: 'a' },
    });
    const good = writeZip([{ name: 'a', data: text('abcdef'), method: 'store' }]);
    const damaged = Buffer.from(good);
    damaged[30 + 1] = 'X'.charCodeAt(0); // the stored data follows the 30-byte header and the name 'a'
    const listed = listZip(damaged, LIMITS, 'up.zip');
    expect(listed.ok && readZipEntry(damaged, listed.entries[0]!)).toMatchObject({
      ok: false,
      issue: { code: 'ssmix2-zip-crc' },
    });
    expect(codes(good.subarray(0, good.length - 5))).toEqual(['ssmix2-zip-unreadable up.zip']);
    expect(codes(text('MSH|^~\\&|not a zip at all, but long enough to search'))).toEqual([
      'ssmix2-zip-unreadable up.zip',
    ]);
    expect(codes(Buffer.alloc(0))).toEqual(['ssmix2-zip-unreadable up.zip']);
  });

  it('refuses entries that share their data (overlapping entries multiply a bomb)', () => {
    const zip = writeZip([
      { name: 'a', data: text('aaaa') },
      { name: 'b', data: text('bbbb') },
    ]);
    // Point the second central entry at the first entry's local header.
    const directory = zip.readUInt32LE(zip.length - 22 + 16);
    const second = directory + 46 + 1;
    zip.writeUInt32LE(0, second + 42);
    expect(codes(zip)).toContain('ssmix2-zip-overlap b');
  });
});
