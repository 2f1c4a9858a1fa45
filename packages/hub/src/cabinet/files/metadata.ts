import { type FileHandle, open } from 'node:fs/promises';

/**
 * Reading a photo's metadata only as far as the cabinet needs: the EXIF orientation (JPEG APP1, PNG eXIf,
 * WebP EXIF), so the pixels are turned before the metadata goes; and, for HEIC/HEIF, where the Exif and
 * XMP items lie, so they are blanked in place (the picture itself is left as it was: its rotation is a
 * property of the item, not EXIF). Positional reads only: a file is never read whole.
 */

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(Math.max(0, length));
  const { bytesRead } = await fh.read(buffer, 0, buffer.length, position);
  return buffer.subarray(0, bytesRead);
}

/** EXIF orientation (1–8) from a TIFF structure (the body of an Exif segment), or null. */
export function orientationFromTiff(tiff: Buffer): number | null {
  if (tiff.length < 8) return null;
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return null;
  const le = order === 'II';
  const u16 = (at: number) => (le ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (le ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  if (u16(2) !== 42) return null;
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return null;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return null;
    if (u16(entry) === 0x0112) {
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 ? value : null;
    }
  }
  return null;
}

const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1');
const tiffOf = (body: Buffer) => (body.subarray(0, 6).equals(EXIF_HEADER) ? body.subarray(6) : body);

async function jpegOrientation(fh: FileHandle): Promise<number | null> {
  // EXIF comes first (after SOI and perhaps JFIF): the first 256 KB hold it if it is there at all.
  const head = await readAt(fh, 0, 256 * 1024);
  let at = 2;
  while (at + 4 <= head.length && head[at] === 0xff) {
    const marker = head[at + 1] ?? 0;
    if (marker === 0xda || marker === 0xd9) break; // start of scan, end of image
    const length = head.readUInt16BE(at + 2);
    const body = head.subarray(at + 4, at + 2 + length);
    if (marker === 0xe1 && body.subarray(0, 6).equals(EXIF_HEADER))
      return orientationFromTiff(body.subarray(6));
    at += 2 + length;
  }
  return null;
}

async function pngOrientation(fh: FileHandle, size: number): Promise<number | null> {
  let at = 8;
  while (at + 8 <= size) {
    const header = await readAt(fh, at, 8);
    if (header.length < 8) return null;
    const length = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    if (type === 'eXIf') return orientationFromTiff(await readAt(fh, at + 8, Math.min(length, 65_536)));
    if (type === 'IEND') return null;
    at += 12 + length;
  }
  return null;
}

async function webpOrientation(fh: FileHandle, size: number): Promise<number | null> {
  let at = 12;
  while (at + 8 <= size) {
    const header = await readAt(fh, at, 8);
    if (header.length < 8) return null;
    const type = header.toString('latin1', 0, 4);
    const length = header.readUInt32LE(4);
    if (type === 'EXIF')
      return orientationFromTiff(tiffOf(await readAt(fh, at + 8, Math.min(length, 65_536))));
    at += 8 + length + (length % 2);
  }
  return null;
}

/** The EXIF orientation of a JPEG, PNG or WebP (1 when none is recorded). */
export async function imageOrientation(path: string, mediaType: string): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const found =
      mediaType === 'image/jpeg'
        ? await jpegOrientation(fh)
        : mediaType === 'image/png'
          ? await pngOrientation(fh, size)
          : mediaType === 'image/webp'
            ? await webpOrientation(fh, size)
            : null;
    return found ?? 1;
  } finally {
    await fh.close();
  }
}

/** ffmpeg filters that turn stored pixels the way EXIF orientation 1–8 says (empty for 1). */
export function orientationFilters(orientation: number): string[] {
  switch (orientation) {
    case 2:
      return ['hflip'];
    case 3:
      return ['hflip', 'vflip'];
    case 4:
      return ['vflip'];
    case 5:
      return ['transpose=0'];
    case 6:
      return ['transpose=1'];
    case 7:
      return ['transpose=3'];
    case 8:
      return ['transpose=2'];
    default:
      return [];
  }
}

// ---- HEIC / HEIF (ISO/IEC 23008-12): boxes, items, their extents.

interface Box {
  type: string;
  /** Absolute position of the box's payload, and its end. */
  start: number;
  end: number;
}

function childBoxes(buffer: Buffer, from: number, to: number, base: number): Box[] {
  const boxes: Box[] = [];
  let at = from;
  while (at + 8 <= to) {
    let size = buffer.readUInt32BE(at);
    const type = buffer.toString('latin1', at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) break;
      size = Number(buffer.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) size = to - at;
    if (size < header || at + size > to) throw new Error(`bad box ${type}`);
    boxes.push({ type, start: base + at + header, end: base + at + size });
    at += size;
  }
  return boxes;
}

function readUInt(buffer: Buffer, at: number, bytes: number): number {
  if (bytes === 0) return 0;
  if (bytes === 2) return buffer.readUInt16BE(at);
  if (bytes === 4) return buffer.readUInt32BE(at);
  if (bytes === 8) return Number(buffer.readBigUInt64BE(at));
  throw new Error(`bad field size ${bytes}`);
}

function cString(buffer: Buffer, at: number, end: number): { value: string; next: number } {
  let stop = at;
  while (stop < end && buffer[stop] !== 0) stop++;
  return { value: buffer.toString('utf8', at, stop), next: stop + 1 };
}

export interface HeifLayout {
  /** The primary picture's size as shown (after its rotation), when recorded. */
  width: number | null;
  height: number | null;
  /** Where the Exif and XMP items' bytes are in the file. */
  metadata: { kind: 'exif' | 'xmp'; offset: number; length: number }[];
}

const MAX_META_BYTES = 4 * 1024 * 1024;

export async function heifLayout(path: string): Promise<HeifLayout> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    // Top-level boxes: find `meta` by reading box headers only.
    let at = 0;
    let meta: { start: number; end: number } | null = null;
    while (at + 8 <= size) {
      const header = await readAt(fh, at, 16);
      let boxSize = header.readUInt32BE(0);
      const type = header.toString('latin1', 4, 8);
      let headerSize = 8;
      if (boxSize === 1) {
        boxSize = Number(header.readBigUInt64BE(8));
        headerSize = 16;
      } else if (boxSize === 0) boxSize = size - at;
      if (boxSize < headerSize) throw new Error('bad top-level box');
      if (type === 'meta') {
        meta = { start: at + headerSize, end: Math.min(at + boxSize, size) };
        break;
      }
      at += boxSize;
    }
    if (!meta) throw new Error('no meta box');
    if (meta.end - meta.start > MAX_META_BYTES) throw new Error('meta box too large');
    const buffer = await readAt(fh, meta.start, meta.end - meta.start);
    // meta is a FullBox: version and flags first.
    const boxes = childBoxes(buffer, 4, buffer.length, meta.start);
    const local = (box: Box) => buffer.subarray(box.start - meta.start, box.end - meta.start);
    const find = (list: Box[], type: string) => list.find((b) => b.type === type);

    const itemTypes = new Map<number, 'exif' | 'xmp'>();
    const iinf = find(boxes, 'iinf');
    if (iinf) {
      const body = local(iinf);
      const version = body[0] ?? 0;
      const first = version === 0 ? 6 : 8;
      for (const infe of childBoxes(body, first, body.length, 0).filter((b) => b.type === 'infe')) {
        const e = body.subarray(infe.start, infe.end);
        const v = e[0] ?? 0;
        if (v >= 2) {
          const id = v === 2 ? e.readUInt16BE(4) : e.readUInt32BE(4);
          let p = v === 2 ? 6 : 8;
          p += 2; // item_protection_index
          const type = e.toString('latin1', p, p + 4);
          p += 4;
          const name = cString(e, p, e.length);
          if (type === 'Exif') itemTypes.set(id, 'exif');
          if (type === 'mime' && cString(e, name.next, e.length).value.startsWith('application/rdf+xml'))
            itemTypes.set(id, 'xmp');
        } else {
          const id = e.readUInt16BE(4);
          const name = cString(e, 8, e.length);
          if (cString(e, name.next, e.length).value.startsWith('application/rdf+xml'))
            itemTypes.set(id, 'xmp');
        }
      }
    }

    const idat = find(boxes, 'idat');
    const metadata: HeifLayout['metadata'] = [];
    const iloc = find(boxes, 'iloc');
    if (iloc) {
      const b = local(iloc);
      const version = b[0] ?? 0;
      const offsetSize = (b[4] ?? 0) >> 4;
      const lengthSize = (b[4] ?? 0) & 15;
      const baseOffsetSize = (b[5] ?? 0) >> 4;
      const indexSize = version === 1 || version === 2 ? (b[5] ?? 0) & 15 : 0;
      let p = 6;
      const itemCount = version < 2 ? b.readUInt16BE(p) : b.readUInt32BE(p);
      p += version < 2 ? 2 : 4;
      for (let i = 0; i < itemCount; i++) {
        const id = version < 2 ? b.readUInt16BE(p) : b.readUInt32BE(p);
        p += version < 2 ? 2 : 4;
        let method = 0;
        if (version === 1 || version === 2) {
          method = b.readUInt16BE(p) & 15;
          p += 2;
        }
        p += 2; // data_reference_index
        const baseOffset = readUInt(b, p, baseOffsetSize);
        p += baseOffsetSize;
        const extents = b.readUInt16BE(p);
        p += 2;
        for (let x = 0; x < extents; x++) {
          p += indexSize;
          const offset = readUInt(b, p, offsetSize);
          p += offsetSize;
          const length = readUInt(b, p, lengthSize);
          p += lengthSize;
          const kind = itemTypes.get(id);
          if (!kind) continue;
          if (method === 2) throw new Error('metadata by item reference');
          const origin = method === 1 ? (idat?.start ?? Number.NaN) : 0;
          const absolute = origin + baseOffset + offset;
          if (length === 0 || !Number.isFinite(absolute) || absolute + length > size)
            throw new Error('metadata extent outside the file');
          metadata.push({ kind, offset: absolute, length });
        }
      }
    }
    const found = new Set(metadata.map((m) => m.kind));
    if ([...itemTypes.values()].some((k) => !found.has(k))) throw new Error('metadata item without extent');

    return { ...primarySize(boxes, local), metadata };
  } finally {
    await fh.close();
  }
}

function primarySize(
  boxes: Box[],
  local: (box: Box) => Buffer,
): { width: number | null; height: number | null } {
  const none = { width: null, height: null };
  const pitm = boxes.find((b) => b.type === 'pitm');
  const iprp = boxes.find((b) => b.type === 'iprp');
  if (!pitm || !iprp) return none;
  const p = local(pitm);
  const primary = p[0] === 0 ? p.readUInt16BE(4) : p.readUInt32BE(4);
  const iprpBody = local(iprp);
  const inner = childBoxes(iprpBody, 0, iprpBody.length, 0);
  const ipco = inner.find((b) => b.type === 'ipco');
  if (!ipco) return none;
  const properties = childBoxes(iprpBody.subarray(ipco.start, ipco.end), 0, ipco.end - ipco.start, 0).map(
    (b) => ({ type: b.type, body: iprpBody.subarray(ipco.start + b.start, ipco.start + b.end) }),
  );
  let width: number | null = null;
  let height: number | null = null;
  let turned = false;
  for (const ipma of inner.filter((b) => b.type === 'ipma')) {
    const m = iprpBody.subarray(ipma.start, ipma.end);
    const version = m[0] ?? 0;
    const wide = ((m[3] ?? 0) & 1) === 1;
    let at = 4;
    const entries = m.readUInt32BE(at);
    at += 4;
    for (let e = 0; e < entries; e++) {
      const id = version < 1 ? m.readUInt16BE(at) : m.readUInt32BE(at);
      at += version < 1 ? 2 : 4;
      const count = m[at] ?? 0;
      at += 1;
      for (let a = 0; a < count; a++) {
        const index = wide ? m.readUInt16BE(at) & 0x7fff : (m[at] ?? 0) & 0x7f;
        at += wide ? 2 : 1;
        if (id !== primary || index === 0) continue;
        const property = properties[index - 1];
        if (property?.type === 'ispe' && property.body.length >= 12) {
          width = property.body.readUInt32BE(4);
          height = property.body.readUInt32BE(8);
        }
        if (property?.type === 'irot' && property.body.length >= 1)
          turned = ((property.body[0] ?? 0) & 3) % 2 === 1;
      }
    }
  }
  return turned ? { width: height, height: width } : { width, height };
}

/** An empty but well-formed Exif item body (tiff header offset 0, a TIFF with an empty IFD). */
const EMPTY_EXIF = Buffer.from([0, 0, 0, 0, 0x49, 0x49, 0x2a, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
const EMPTY_XMP = Buffer.from('<x:xmpmeta xmlns:x="adobe:ns:meta/"/>', 'utf8');

/** Overwrites the Exif and XMP items of a HEIC/HEIF in place (same length: nothing else moves). */
export async function blankHeifMetadata(path: string, layout: HeifLayout): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    for (const item of layout.metadata) {
      const body = Buffer.alloc(item.length, item.kind === 'xmp' ? 0x20 : 0);
      const empty = item.kind === 'xmp' ? EMPTY_XMP : EMPTY_EXIF;
      if (empty.length <= item.length) empty.copy(body);
      await fh.write(body, 0, body.length, item.offset);
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
}
