// Scaling 8-bit images: box averaging down (thumbnails keep their detail), nearest neighbour up.

/** The size that fits `width`×`height` within `size`×`size`, keeping the aspect ratio. */
export function fitWithin(width: number, height: number, size: number): { width: number; height: number } {
  const scale = size / Math.max(width, height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

export function resample(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: number,
  toWidth: number,
  toHeight: number,
): Uint8Array {
  if (toWidth === width && toHeight === height) return pixels;
  const out = new Uint8Array(toWidth * toHeight * channels);
  const span = (t: number, from: number, to: number): [number, number] => {
    const a = Math.floor((t * from) / to);
    return [a, Math.max(a + 1, Math.floor(((t + 1) * from) / to))];
  };
  for (let ty = 0; ty < toHeight; ty++) {
    const [y0, y1] = span(ty, height, toHeight);
    for (let tx = 0; tx < toWidth; tx++) {
      const [x0, x1] = span(tx, width, toWidth);
      const n = (y1 - y0) * (x1 - x0);
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let y = y0; y < y1; y++) {
          const row = y * width;
          for (let x = x0; x < x1; x++) sum += pixels[(row + x) * channels + c] as number;
        }
        out[(ty * toWidth + tx) * channels + c] = Math.round(sum / n);
      }
    }
  }
  return out;
}
