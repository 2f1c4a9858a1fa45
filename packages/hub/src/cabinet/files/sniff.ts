import type { FileFamily } from './limits.js';

/**
 * What a file's first bytes show it to be (magic bytes), among the types the cabinet keeps; null for
 * anything else (an executable, a ZIP, an AVIF, audio, …). Never trusts the name or the declared type.
 */
export interface Sniffed {
  mediaType: string;
  family: FileFamily;
}

/** How many leading bytes `sniff` looks at. */
export const SNIFF_BYTES = 4096;
/** Enough bytes to recognise every allowed type (the ISO box and EBML checks look a little further). */
export const SNIFF_MIN_BYTES = 64;

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0) =>
  bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);
const ascii = (bytes: Uint8Array, from: number, to: number) =>
  Buffer.from(bytes.buffer, bytes.byteOffset + from, Math.max(0, Math.min(to, bytes.length) - from)).toString(
    'latin1',
  );

const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
/** ISO files that are not a picture or video the cabinet keeps: AVIF, audio, Flash, JPEG 2000, camera raw. */
const REFUSED_BRANDS = new Set([
  'avif',
  'avis',
  'M4A ',
  'M4B ',
  'M4P ',
  'F4A ',
  'F4B ',
  'crx ',
  'jp2 ',
  'jpx ',
]);

function sniffIso(bytes: Uint8Array): Sniffed | null {
  // A box: size (4), type `ftyp` (4), major brand (4), minor version (4), compatible brands (4 each).
  if (bytes.length < 16 || ascii(bytes, 4, 8) !== 'ftyp') return null;
  const boxSize = Buffer.from(bytes.buffer, bytes.byteOffset, 4).readUInt32BE(0);
  if (boxSize < 16 || boxSize > 1024) return null;
  const major = ascii(bytes, 8, 12);
  const compatible: string[] = [];
  for (let at = 16; at + 4 <= Math.min(boxSize, bytes.length); at += 4)
    compatible.push(ascii(bytes, at, at + 4));
  if (REFUSED_BRANDS.has(major)) return null;
  if (HEIC_BRANDS.has(major)) return { mediaType: 'image/heic', family: 'heif' };
  if (major === 'mif1' || major === 'msf1') {
    return compatible.some((b) => REFUSED_BRANDS.has(b)) ? null : { mediaType: 'image/heif', family: 'heif' };
  }
  if (major === 'qt  ') return { mediaType: 'video/quicktime', family: 'iso-video' };
  if (/^[\x20-\x7e]{4}$/.test(major)) return { mediaType: 'video/mp4', family: 'iso-video' };
  return null;
}

function sniffMatroska(bytes: Uint8Array): Sniffed | null {
  if (!startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return null;
  // The EBML header's DocType (element 0x4282) says webm or matroska.
  const header = ascii(bytes, 4, 64);
  if (header.includes('webm')) return { mediaType: 'video/webm', family: 'matroska' };
  if (header.includes('matroska')) return { mediaType: 'video/x-matroska', family: 'matroska' };
  return null;
}

export function sniff(bytes: Uint8Array): Sniffed | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { mediaType: 'image/jpeg', family: 'jpeg' };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { mediaType: 'image/png', family: 'png' };
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP')
    return { mediaType: 'image/webp', family: 'webp' };
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d]))
    return { mediaType: 'application/pdf', family: 'pdf' };
  return sniffIso(bytes) ?? sniffMatroska(bytes);
}
