// How native pixel data is laid out: bytes per frame, byte order.
import type { DicomInstance } from './model.js';

/** Bytes of one frame of native pixel data, or null when the image description is incomplete. */
export function frameBytes(
  f: Pick<DicomInstance, 'rows' | 'columns' | 'samplesPerPixel' | 'bitsAllocated'>,
): number | null {
  const { rows, columns, samplesPerPixel, bitsAllocated } = f;
  if (!rows || !columns || !samplesPerPixel || !bitsAllocated) return null;
  if (bitsAllocated !== 1 && bitsAllocated % 8 !== 0) return null;
  const bits = rows * columns * samplesPerPixel * bitsAllocated;
  return bits % 8 === 0 ? bits / 8 : null;
}

/** A little-endian copy of big-endian words of `word` bytes (the same bytes when `word` is 1). */
export function swapped(bytes: Uint8Array, word: number): Uint8Array {
  if (word <= 1) return bytes;
  const out = new Uint8Array(bytes.length);
  const whole = bytes.length - (bytes.length % word);
  for (let i = 0; i < whole; i += word)
    for (let k = 0; k < word; k++) out[i + k] = bytes[i + word - 1 - k] as number;
  out.set(bytes.subarray(whole), whole);
  return out;
}
