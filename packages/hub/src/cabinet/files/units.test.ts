import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowedType, cleanFileName, nameWithExtension } from './limits.js';
import { blankHeifMetadata, heifLayout, imageOrientation, orientationFromTiff } from './metadata.js';
import { dispositionOf, parseRange } from './serve.js';
import { sniff } from './sniff.js';
import { exifSegment, hasGps, syntheticHeic, testPicture, withExif } from './testing.js';

const ascii = (s: string) => Buffer.from(s, 'latin1');
const ftyp = (major: string, ...compatible: string[]) => {
  const body = Buffer.concat([ascii(major), Buffer.alloc(4), ...compatible.map(ascii)]);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length + 8, 0);
  head.write('ftyp', 4, 'latin1');
  return Buffer.concat([head, body, Buffer.alloc(32)]);
};

describe('sniffing by magic bytes', () => {
  it('recognises what the cabinet keeps', () => {
    expect(sniff(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))?.mediaType).toBe('image/jpeg');
    expect(sniff(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))?.mediaType).toBe(
      'image/png',
    );
    expect(sniff(Buffer.concat([ascii('RIFF'), Buffer.alloc(4), ascii('WEBPVP8 ')]))?.mediaType).toBe(
      'image/webp',
    );
    expect(sniff(ascii('%PDF-1.7\n'))?.mediaType).toBe('application/pdf');
    expect(sniff(ftyp('heic', 'mif1', 'heic'))?.family).toBe('heif');
    expect(sniff(ftyp('mif1', 'heic'))?.family).toBe('heif');
    expect(sniff(ftyp('isom', 'isom', 'avc1'))?.mediaType).toBe('video/mp4');
    expect(sniff(ftyp('qt  ', 'qt  '))?.mediaType).toBe('video/quicktime');
    const ebml = (doc: string) =>
      Buffer.concat([
        Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84]),
        ascii(doc),
        Buffer.alloc(16),
      ]);
    expect(sniff(ebml('webm'))?.mediaType).toBe('video/webm');
    expect(sniff(ebml('matroska'))?.family).toBe('matroska');
  });

  it('refuses everything else: executables, archives, AVIF, audio, text', () => {
    expect(sniff(Buffer.concat([ascii('MZ'), Buffer.alloc(62)]))).toBeNull();
    expect(sniff(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]))).toBeNull();
    expect(sniff(Buffer.from([0x50, 0x4b, 0x03, 0x04]))).toBeNull();
    expect(sniff(ftyp('avif', 'avif', 'mif1'))).toBeNull();
    expect(sniff(ftyp('mif1', 'avif'))).toBeNull();
    expect(sniff(ftyp('M4A ', 'M4A '))).toBeNull();
    expect(sniff(ascii('<html><script>alert(1)</script>'))).toBeNull();
    expect(sniff(Buffer.alloc(0))).toBeNull();
  });
});

describe('declared types and names', () => {
  it('knows the allowed types, their aliases and kinds', () => {
    expect(allowedType('image/JPG')).toMatchObject({ mediaType: 'image/jpeg', kind: 'image' });
    expect(allowedType('video/quicktime; codecs=hvc1')).toMatchObject({ kind: 'video', family: 'iso-video' });
    expect(allowedType('application/pdf')?.kind).toBe('pdf');
    expect(allowedType('application/x-msdownload')).toBeNull();
    expect(allowedType('image/svg+xml')).toBeNull();
    expect(allowedType('text/html')).toBeNull();
  });

  it('keeps no folders in a name, and serves it with the extension of what it is', () => {
    expect(cleanFileName('C:\\fakepath\\傷の写真.JPG')).toBe('傷の写真.JPG');
    expect(cleanFileName('../../etc/passwd')).toBe('passwd');
    expect(cleanFileName('\u0000\u0007')).toBe('file');
    expect(nameWithExtension('invoice.exe', 'application/pdf')).toBe('invoice.exe.pdf');
    expect(nameWithExtension('IMG_0001.HEIC', 'image/jpeg')).toBe('IMG_0001.jpg');
    expect(nameWithExtension('photo.jpeg', 'image/jpeg')).toBe('photo.jpeg');
    expect(dispositionOf('image/jpeg', '褥瘡 "1".jpg')).toMatch(
      /^inline; filename="_+ _1_\.jpg"; filename\*=UTF-8''/,
    );
    expect(dispositionOf('application/pdf', 'a.pdf').startsWith('attachment;')).toBe(true);
  });
});

describe('range requests', () => {
  it('reads a single byte range, an open end and a suffix', () => {
    expect(parseRange(undefined, 100)).toEqual({ kind: 'full' });
    expect(parseRange('bytes=0-9', 100)).toEqual({ kind: 'partial', start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ kind: 'partial', start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ kind: 'partial', start: 90, end: 99 });
    expect(parseRange('bytes=-500', 100)).toEqual({ kind: 'partial', start: 0, end: 99 });
    expect(parseRange('bytes=50-5000', 100)).toEqual({ kind: 'partial', start: 50, end: 99 });
  });

  it('416 for a range it cannot meet; ignores several ranges and other units', () => {
    expect(parseRange('bytes=100-', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-0', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=9-3', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=abc', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=0-1,5-6', 100)).toEqual({ kind: 'full' });
    expect(parseRange('items=0-1', 100)).toEqual({ kind: 'full' });
  });
});

describe('photo metadata', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hie-meta-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads the EXIF orientation of a JPEG, and 1 when there is none', async () => {
    expect(orientationFromTiff(exifSegment(6).subarray(10))).toBe(6);
    const jpeg = await testPicture(64, 48, 'jpg');
    await writeFile(join(dir, 'plain.jpg'), jpeg);
    await writeFile(join(dir, 'turned.jpg'), withExif(jpeg, 8));
    expect(await imageOrientation(join(dir, 'plain.jpg'), 'image/jpeg')).toBe(1);
    expect(await imageOrientation(join(dir, 'turned.jpg'), 'image/jpeg')).toBe(8);
  });

  it('finds a HEIC’s Exif item and picture size, and blanks the Exif in place', async () => {
    const heic = syntheticHeic();
    const path = join(dir, 'photo.heic');
    await writeFile(path, heic.bytes);
    expect(hasGps(heic.bytes)).toBe(true);
    const layout = await heifLayout(path);
    // ispe 4032×3024 turned by irot 90°: shown 3024 wide.
    expect(layout).toEqual({ width: 3024, height: 4032, metadata: [{ kind: 'exif', ...heic.exif }] });
    await blankHeifMetadata(path, layout);
    const after = await readFile(path);
    expect(after.length).toBe(heic.bytes.length);
    expect(hasGps(after)).toBe(false);
    // An empty but well-formed Exif item: TIFF offset 0, a TIFF header, an IFD without entries.
    expect([...after.subarray(heic.exif.offset, heic.exif.offset + 18)]).toEqual([
      0, 0, 0, 0, 0x49, 0x49, 0x2a, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
    expect(after.subarray(0, heic.exif.offset)).toEqual(heic.bytes.subarray(0, heic.exif.offset));
    const end = heic.exif.offset + heic.exif.length;
    expect(after.subarray(end)).toEqual(heic.bytes.subarray(end));
  });
});
