// Test support (not built): a zip writer that writes what a test asks for — also what no honest zip tool
// writes (a `..` path, a symlink, a declared size that lies) — and a storage folder read as zip entries.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import zlib from 'node:zlib';

export interface ZipSpec {
  name: string;
  data?: Uint8Array;
  /** Default deflate. */
  method?: 'deflate' | 'store';
  /** The uncompressed size the headers declare (default: the true one). */
  declaredSize?: number;
  /** Unix mode in the external attributes (`0o120777` a symlink). */
  unixMode?: number;
  /** General purpose flags (bit 0: encrypted). */
  flags?: number;
  /** Already deflated data (a bomb made once for several tests). */
  deflated?: Buffer;
}

/** A zip of these entries, in order (one volume, no zip64). */
export function writeZip(specs: readonly ZipSpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const s of specs) {
    const data = Buffer.from(s.data ?? new Uint8Array());
    const body = s.deflated ?? (s.method === 'store' ? data : zlib.deflateRawSync(data));
    const method = s.method === 'store' ? 0 : 8;
    const name = Buffer.from(s.name, 'utf8');
    const crc = zlib.crc32(data) >>> 0;
    const size = s.declaredSize ?? data.length;
    const flags = (s.flags ?? 0) | (1 << 11);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(s.unixMode !== undefined ? (3 << 8) | 20 : 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((s.unixMode ?? 0) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(specs.length, 8);
  end.writeUInt16LE(specs.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** Every file under `root` (dot-folders included) as zip entries named `<prefix><relative path>`. */
export async function storageEntries(root: string, prefix = ''): Promise<ZipSpec[]> {
  const out: ZipSpec[] = [];
  for (const e of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    const relative = path.slice(root.length + 1).replaceAll('\\', '/');
    out.push({ name: `${prefix}${relative}`, data: await readFile(path) });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
