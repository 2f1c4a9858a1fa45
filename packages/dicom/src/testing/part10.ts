// Test support: Part 10 files built byte by byte, in any of the native transfer syntaxes, so that tests
// can say exactly which bytes a hospital sent (JIS escape sequences, implicit VR, big endian, deflate).
import { deflateRawSync } from 'node:zlib';
import {
  DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
  EXPLICIT_VR_BIG_ENDIAN,
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLICIT_VR_LITTLE_ENDIAN,
} from '../transfer-syntax.js';

export interface RawElement {
  /** `0x00100010` */
  tag: number;
  vr: string;
  /** Bytes as written (strings: as Latin-1 bytes, i.e. one byte per char code < 256), or sequence items. */
  value: Uint8Array | string | number[] | RawElement[][];
  /** Write an undefined length (sequences; Pixel Data when encapsulated). */
  undefinedLength?: boolean;
}

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT']);

/** Bytes from a string whose char codes are bytes (`'\x1b$B;3ED\x1b(B'`). */
export const bytesOf = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

interface Encoding {
  explicit: boolean;
  littleEndian: boolean;
}

function u16(n: number, le: boolean): number[] {
  return le ? [n & 0xff, (n >> 8) & 0xff] : [(n >> 8) & 0xff, n & 0xff];
}
function u32(n: number, le: boolean): number[] {
  const b = [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
  return le ? b : b.reverse();
}

function valueBytes(e: RawElement, enc: Encoding): number[] {
  if (e.vr === 'SQ') {
    const items = e.value as RawElement[][];
    return items.flatMap((item) => {
      const body = item.flatMap((x) => encodeElement(x, enc));
      return [
        ...u16(0xfffe, enc.littleEndian),
        ...u16(0xe000, enc.littleEndian),
        ...u32(body.length, enc.littleEndian),
        ...body,
      ];
    });
  }
  const v = e.value;
  let bytes: number[];
  if (typeof v === 'string') bytes = Array.from(bytesOf(v));
  else if (v instanceof Uint8Array) bytes = Array.from(v);
  else bytes = (v as number[]).flatMap((n) => numberBytes(e.vr, n, enc.littleEndian));
  if (bytes.length % 2 === 1) bytes.push(e.vr === 'UI' || e.vr === 'OB' || e.vr === 'UN' ? 0 : 0x20);
  return bytes;
}

function numberBytes(vr: string, n: number, le: boolean): number[] {
  switch (vr) {
    case 'US':
    case 'SS':
      return u16(n & 0xffff, le);
    case 'UL':
    case 'SL':
      return u32(n >>> 0, le);
    case 'FD': {
      const b = Buffer.alloc(8);
      if (le) b.writeDoubleLE(n);
      else b.writeDoubleBE(n);
      return Array.from(b);
    }
    case 'AT':
      return [...u16(n >>> 16, le), ...u16(n & 0xffff, le)];
    default:
      throw new Error(`numberBytes: ${vr}`);
  }
}

export function encodeElement(e: RawElement, enc: Encoding): number[] {
  const le = enc.littleEndian;
  const body = valueBytes(e, enc);
  const undefinedLength = e.undefinedLength === true;
  const head = [...u16(e.tag >>> 16, le), ...u16(e.tag & 0xffff, le)];
  const length = undefinedLength ? 0xffffffff : body.length;
  if (enc.explicit) {
    head.push(e.vr.charCodeAt(0), e.vr.charCodeAt(1));
    if (LONG_VRS.has(e.vr)) head.push(0, 0, ...u32(length, le));
    else head.push(...u16(length, le));
  } else head.push(...u32(length, le));
  const tail = undefinedLength && e.vr === 'SQ' ? [...u16(0xfffe, le), ...u16(0xe0dd, le), 0, 0, 0, 0] : [];
  return [...head, ...body, ...tail];
}

export interface Part10Options {
  transferSyntax?: string;
  /** Leave the meta header's transfer syntax out. */
  omitTransferSyntax?: boolean;
}

/** A whole Part 10 file: preamble, DICM, File Meta Information (explicit LE), then the data set. */
export function part10(dataSet: readonly RawElement[], options: Part10Options = {}): Uint8Array {
  const ts = options.transferSyntax ?? EXPLICIT_VR_LITTLE_ENDIAN;
  const metaElements: RawElement[] = [
    { tag: 0x00020001, vr: 'OB', value: new Uint8Array([0, 1]) },
    { tag: 0x00020002, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.7' },
    { tag: 0x00020003, vr: 'UI', value: '2.25.1' },
    ...(options.omitTransferSyntax ? [] : [{ tag: 0x00020010, vr: 'UI', value: ts }]),
  ];
  const metaLe = { explicit: true, littleEndian: true };
  const metaBody = metaElements.flatMap((e) => encodeElement(e, metaLe));
  const groupLength = encodeElement({ tag: 0x00020000, vr: 'UL', value: [metaBody.length] }, metaLe);
  const enc: Encoding = {
    explicit: ts !== IMPLICIT_VR_LITTLE_ENDIAN,
    littleEndian: ts !== EXPLICIT_VR_BIG_ENDIAN,
  };
  const sorted = [...dataSet].sort((a, b) => a.tag - b.tag);
  let body = Uint8Array.from(sorted.flatMap((e) => encodeElement(e, enc)));
  if (ts === DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN) body = new Uint8Array(deflateRawSync(body));
  const out = new Uint8Array(132 + groupLength.length + metaBody.length + body.length);
  out.set(bytesOf('DICM'), 128);
  out.set(groupLength, 132);
  out.set(metaBody, 132 + groupLength.length);
  out.set(body, 132 + groupLength.length + metaBody.length);
  return out;
}

/** The identifying attributes every indexable instance needs, to spread and then override or drop. */
export function minimalImage(rows = 2, columns = 2): RawElement[] {
  return [
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.7' },
    { tag: 0x00080018, vr: 'UI', value: '2.25.11' },
    { tag: 0x00080060, vr: 'CS', value: 'OT' },
    { tag: 0x00100010, vr: 'PN', value: 'TEST^PATIENT' },
    { tag: 0x00100020, vr: 'LO', value: 'P001' },
    { tag: 0x0020000d, vr: 'UI', value: '2.25.12' },
    { tag: 0x0020000e, vr: 'UI', value: '2.25.13' },
    { tag: 0x00280002, vr: 'US', value: [1] },
    { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
    { tag: 0x00280010, vr: 'US', value: [rows] },
    { tag: 0x00280011, vr: 'US', value: [columns] },
    { tag: 0x00280100, vr: 'US', value: [16] },
    { tag: 0x00280101, vr: 'US', value: [16] },
    { tag: 0x00280102, vr: 'US', value: [15] },
    { tag: 0x00280103, vr: 'US', value: [0] },
    {
      tag: 0x7fe00010,
      vr: 'OW',
      value: Uint8Array.from({ length: rows * columns * 2 }, (_, i) => (i * 37) & 0xff),
    },
  ];
}

/** `elements` with the one of tag `tag` replaced (or added), or removed when `replacement` is null. */
export function withElement(
  elements: readonly RawElement[],
  tag: number,
  replacement: RawElement | null,
): RawElement[] {
  const rest = elements.filter((e) => e.tag !== tag);
  return replacement ? [...rest, replacement] : rest;
}
