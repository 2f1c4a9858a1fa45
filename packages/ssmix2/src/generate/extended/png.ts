/**
 * A tiny PNG writer for the placeholder sketches (シェーマ) attached to some documents: 1-bit
 * greyscale (dark strokes on white), IDAT deflated with node:zlib, chunk CRCs with zlib.crc32.
 */

import { crc32, deflateSync } from 'node:zlib';

export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** A bitmap: `ink(x, y)` is true where a stroke is drawn. */
export interface Sketch {
  readonly width: number;
  readonly height: number;
  readonly ink: (x: number, y: number) => boolean;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

export function renderPng(s: Sketch): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(s.width, 0);
  ihdr.writeUInt32BE(s.height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // adaptive filtering
  ihdr[12] = 0; // no interlace
  const rowBytes = Math.ceil(s.width / 8);
  const raw = Buffer.alloc((rowBytes + 1) * s.height);
  for (let y = 0; y < s.height; y++) {
    const row = y * (rowBytes + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < s.width; x++) {
      // 1 = white; strokes clear the bit.
      if (!s.ink(x, y)) raw[row + 1 + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  return new Uint8Array(
    Buffer.concat([
      PNG_SIGNATURE,
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(raw, { level: 9 })),
      chunk('IEND', new Uint8Array(0)),
    ]),
  );
}

/**
 * A schematic placeholder: a frame, an outline (an ellipse for a chest or abdomen, with a midline)
 * and a marked region where the finding lies (`mark` in 0..1 page coordinates).
 */
export function schemaSketch(mark: { x: number; y: number }, width = 160, height = 120): Sketch {
  const cx = width / 2;
  const cy = height / 2;
  const rx = width * 0.32;
  const ry = height * 0.38;
  const mx = mark.x * width;
  const my = mark.y * height;
  return {
    width,
    height,
    ink: (x, y) => {
      if (x < 2 || y < 2 || x >= width - 2 || y >= height - 2) return true;
      const e = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2;
      if (Math.abs(e - 1) < 0.06) return true;
      if (Math.abs(x - cx) < 0.6 && e < 1) return true;
      const d = Math.hypot(x - mx, y - my);
      return Math.abs(d - 9) < 0.9 || (Math.abs(x - mx) < 0.6 && d < 5) || (Math.abs(y - my) < 0.6 && d < 5);
    },
  };
}
