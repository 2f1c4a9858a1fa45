// A zip reader for uploads from outside: the whole archive is in memory (the request body, bounded), every
// offset is checked before it is read, and nothing is inflated until every entry has passed the checks
// below. No zip library: the ones on npm either hide what must be refused (fflate: no external attributes,
// so no symlink test) or add a callback API and a types package (yauzl); the central directory is a small,
// fixed format, and inflating is Node's own zlib, bounded by `maxOutputLength`.
import zlib from 'node:zlib';
import type { IntakeIssue } from '../batch.js';

export interface ZipLimits {
  /** Entries in the central directory (directories included). */
  maxEntries: number;
  /** Uncompressed bytes of one entry. */
  maxEntryBytes: number;
  /** Uncompressed bytes of all entries together. */
  maxTotalBytes: number;
}

export interface ZipEntry {
  /** The name as stored, `\` read as `/` (for issues and the storage layout). */
  path: string;
  directory: boolean;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  /** Where the entry's compressed bytes are in the archive. */
  dataStart: number;
}

export type ZipListing = { ok: true; entries: ZipEntry[] } | { ok: false; issues: IntakeIssue[] };
export type ZipRead = { ok: true; data: Buffer } | { ok: false; issue: IntakeIssue };

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;
/** General purpose flags: 0 encrypted, 6 strong encryption, 13 encrypted central directory. */
const ENCRYPTED_FLAGS = (1 << 0) | (1 << 6) | (1 << 13);
const UTF8_NAME = 1 << 11;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/** A malformed archive: caught by listZip and reported as `ssmix2-zip-unreadable`. */
class ZipFormatError extends Error {}

/**
 * Lists an archive and checks every entry before any is inflated: one volume, at most `maxEntries`,
 * no absolute path or `..`, no symlink or device, no encryption, deflate or stored only, declared sizes
 * within bounds, every entry's data inside the archive and not shared with another entry (overlapping
 * entries are how the smallest zip bombs multiply their output). Every problem is listed, by entry path.
 */
export function listZip(bytes: Buffer, limits: ZipLimits, zipName: string): ZipListing {
  try {
    return list(bytes, limits, zipName);
  } catch (e) {
    if (!(e instanceof ZipFormatError)) throw e;
    return {
      ok: false,
      issues: [issue('ssmix2-zip-unreadable', `not a readable zip: ${e.message}`, zipName)],
    };
  }
}

function list(bytes: Buffer, limits: ZipLimits, zipName: string): ZipListing {
  const dir = centralDirectory(bytes);
  if (dir.count > limits.maxEntries)
    return refuse(
      issue(
        'ssmix2-zip-too-many-entries',
        `${dir.count} entries, more than ${limits.maxEntries}: send the storage in several zips`,
        zipName,
      ),
    );
  const issues: IntakeIssue[] = [];
  const entries: (ZipEntry & { localOffset: number; dataEnd: number })[] = [];
  let total = 0;
  let p = dir.offset;
  for (let i = 0; i < dir.count; i++) {
    need(bytes, p, 46, dir.end);
    if (bytes.readUInt32LE(p) !== CENTRAL) throw new ZipFormatError(`no central directory entry at ${p}`);
    const madeBy = bytes.readUInt16LE(p + 4);
    const flags = bytes.readUInt16LE(p + 8);
    const method = bytes.readUInt16LE(p + 10);
    const crc32 = bytes.readUInt32LE(p + 16);
    let compressedSize = bytes.readUInt32LE(p + 20);
    let size = bytes.readUInt32LE(p + 24);
    const nameLength = bytes.readUInt16LE(p + 28);
    const extraLength = bytes.readUInt16LE(p + 30);
    const commentLength = bytes.readUInt16LE(p + 32);
    const mode = bytes.readUInt32LE(p + 38) >>> 16;
    let localOffset = bytes.readUInt32LE(p + 42);
    need(bytes, p + 46, nameLength + extraLength + commentLength, dir.end);
    const rawName = bytes.subarray(p + 46, p + 46 + nameLength);
    // SS-MIX2 names are ASCII; a name in another code page only has to be shown, not matched.
    const name = rawName.toString(flags & UTF8_NAME ? 'utf8' : 'latin1');
    const zip64 = zip64Extra(bytes.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength));
    if (size === 0xffffffff) size = zip64.next();
    if (compressedSize === 0xffffffff) compressedSize = zip64.next();
    if (localOffset === 0xffffffff) localOffset = zip64.next();
    p += 46 + nameLength + extraLength + commentLength;

    const path = name.replaceAll('\\', '/');
    const shown = path.replace(/[\u0000-\u001f\u007f]/g, '?');
    const refused = refusal(path, shown, flags, method, mode, madeBy >>> 8 === 3 || madeBy >>> 8 === 19);
    if (refused) {
      issues.push(refused);
      continue;
    }
    if (size > limits.maxEntryBytes) {
      issues.push(issue('ssmix2-zip-entry-too-large', `${size} bytes, over ${limits.maxEntryBytes}`, shown));
      continue;
    }
    total += size;
    const local = localHeader(bytes, localOffset, dir.offset);
    if (local.flags & ENCRYPTED_FLAGS) {
      issues.push(
        issue('ssmix2-zip-encrypted', 'the entry is encrypted: send the storage unencrypted', shown),
      );
      continue;
    }
    const dataEnd = local.dataStart + compressedSize;
    if (dataEnd > dir.offset)
      throw new ZipFormatError(`the data of ${shown} runs into the central directory`);
    entries.push({
      path,
      directory: path.endsWith('/') || (mode & S_IFMT) === S_IFDIR,
      method,
      crc32,
      compressedSize,
      size,
      dataStart: local.dataStart,
      localOffset,
      dataEnd,
    });
  }
  if (total > limits.maxTotalBytes)
    issues.push(
      issue(
        'ssmix2-zip-too-large',
        `${total} bytes uncompressed, over ${limits.maxTotalBytes}: send the storage in several zips`,
        zipName,
      ),
    );
  const sorted = [...entries].sort((a, b) => a.localOffset - b.localOffset);
  for (let i = 1; i < sorted.length; i++) {
    const [before, after] = [sorted[i - 1]!, sorted[i]!];
    if (after.localOffset < before.dataEnd)
      issues.push(issue('ssmix2-zip-overlap', `shares its data with ${before.path}`, after.path));
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, entries: entries.map(({ localOffset: _, dataEnd: __, ...e }) => e) };
}

/** Why one entry is refused whatever it holds, or undefined. */
function refusal(
  path: string,
  shown: string,
  flags: number,
  method: number,
  mode: number,
  unixMode: boolean,
): IntakeIssue | undefined {
  if (path === '' || /[\u0000-\u001f\u007f]/.test(path))
    return issue('ssmix2-zip-bad-name', 'the entry name is empty or holds control characters', shown);
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path))
    return issue('ssmix2-zip-absolute-path', 'an absolute path: entries must be relative', shown);
  if (path.split('/').includes('..'))
    return issue(
      'ssmix2-zip-path-traversal',
      "a path with '..': entries must stay inside the archive",
      shown,
    );
  const type = mode & S_IFMT;
  if (type === S_IFLNK)
    return issue('ssmix2-zip-symlink', 'a symbolic link: send the files themselves', shown);
  if (unixMode && type !== 0 && type !== S_IFREG && type !== S_IFDIR)
    return issue('ssmix2-zip-special-file', 'not a regular file or folder', shown);
  if (flags & ENCRYPTED_FLAGS)
    return issue('ssmix2-zip-encrypted', 'the entry is encrypted: send the storage unencrypted', shown);
  if (method !== STORED && method !== DEFLATED && !path.endsWith('/'))
    return issue(
      'ssmix2-zip-method',
      `compression method ${method}: only deflate and stored are read`,
      shown,
    );
  return undefined;
}

/**
 * Inflates one listed entry. Inflation stops as soon as the output passes the entry's declared size
 * (zlib's `maxOutputLength`), so an entry declared small that inflates to gigabytes costs one chunk past
 * the declaration; the declared sizes were bounded by listZip. The CRC-32 must match.
 */
export function readZipEntry(bytes: Buffer, entry: ZipEntry): ZipRead {
  const raw = bytes.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
  let data: Buffer;
  if (entry.method === STORED) {
    if (raw.length !== entry.size)
      return { ok: false, issue: sizeMismatch(entry, `${raw.length} stored bytes`) };
    data = raw;
  } else {
    try {
      data = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ERR_BUFFER_TOO_LARGE')
        return { ok: false, issue: sizeMismatch(entry, 'more bytes (inflation stopped there)') };
      return {
        ok: false,
        issue: issue('ssmix2-zip-corrupt', `cannot inflate: ${(e as Error).message}`, entry.path),
      };
    }
    if (data.length !== entry.size) return { ok: false, issue: sizeMismatch(entry, `${data.length} bytes`) };
  }
  if (zlib.crc32(data) >>> 0 !== entry.crc32)
    return {
      ok: false,
      issue: issue('ssmix2-zip-crc', 'the CRC-32 does not match: the zip is damaged', entry.path),
    };
  return { ok: true, data };
}

function sizeMismatch(entry: ZipEntry, actual: string): IntakeIssue {
  return issue('ssmix2-zip-size-mismatch', `declared ${entry.size} bytes, holds ${actual}`, entry.path);
}

/** Where the central directory is and how many entries it declares (zip64 records followed). */
function centralDirectory(bytes: Buffer): { offset: number; end: number; count: number } {
  const at = findEocd(bytes);
  if (bytes.readUInt16LE(at + 4) !== 0 || bytes.readUInt16LE(at + 6) !== 0)
    throw new ZipFormatError('a multi-volume archive');
  let count = bytes.readUInt16LE(at + 10);
  let size = bytes.readUInt32LE(at + 12);
  let offset = bytes.readUInt32LE(at + 16);
  let end = at;
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locator = at - 20;
    need(bytes, locator, 20, at);
    if (bytes.readUInt32LE(locator) !== EOCD64_LOCATOR) throw new ZipFormatError('zip64 locator missing');
    const record = safe(bytes.readBigUInt64LE(locator + 8));
    need(bytes, record, 56, locator);
    if (bytes.readUInt32LE(record) !== EOCD64) throw new ZipFormatError('zip64 end record missing');
    count = safe(bytes.readBigUInt64LE(record + 32));
    size = safe(bytes.readBigUInt64LE(record + 40));
    offset = safe(bytes.readBigUInt64LE(record + 48));
    end = record;
  }
  // Strict: data before the first entry (a self-extractor, a prepended file) shifts every offset.
  if (offset + size !== end)
    throw new ZipFormatError('the central directory is not where the end record says');
  return { offset, end, count };
}

function findEocd(bytes: Buffer): number {
  const last = bytes.length - 22;
  if (last < 0) throw new ZipFormatError('too short');
  for (let at = last; at >= Math.max(0, last - 0xffff); at--)
    if (bytes.readUInt32LE(at) === EOCD && at + 22 + bytes.readUInt16LE(at + 20) === bytes.length) return at;
  throw new ZipFormatError('no end of central directory record');
}

function localHeader(bytes: Buffer, at: number, limit: number): { flags: number; dataStart: number } {
  need(bytes, at, 30, limit);
  if (bytes.readUInt32LE(at) !== LOCAL) throw new ZipFormatError(`no local header at ${at}`);
  const dataStart = at + 30 + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
  need(bytes, at, dataStart - at, limit);
  return { flags: bytes.readUInt16LE(at + 6), dataStart };
}

/** The 8-byte values of a zip64 extended information field (0x0001), in the order they are needed. */
function zip64Extra(extra: Buffer): { next: () => number } {
  let values: Buffer | undefined;
  for (let p = 0; p + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(p);
    const length = extra.readUInt16LE(p + 2);
    if (p + 4 + length > extra.length) break;
    if (id === 0x0001) values = extra.subarray(p + 4, p + 4 + length);
    p += 4 + length;
  }
  let at = 0;
  return {
    next() {
      if (!values || at + 8 > values.length) throw new ZipFormatError('a zip64 size without its extra field');
      const v = safe(values.readBigUInt64LE(at));
      at += 8;
      return v;
    },
  };
}

/** Sizes and offsets beyond 2^53 are no archive this reader takes: they fail every bound. */
function safe(v: bigint): number {
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

function need(bytes: Buffer, at: number, length: number, limit: number): void {
  if (at < 0 || length < 0 || at + length > Math.min(limit, bytes.length))
    throw new ZipFormatError(`truncated (${length} bytes at ${at})`);
}

function refuse(i: IntakeIssue): ZipListing {
  return { ok: false, issues: [i] };
}

function issue(code: string, message: string, file: string): IntakeIssue {
  return { code, message, file };
}
