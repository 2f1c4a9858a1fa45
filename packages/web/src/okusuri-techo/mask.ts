/**
 * Paints a found QR code white in an RGBA image (its four corners, grown a little from their centre to
 * cover the finder patterns' edges), so that reading the image again finds the next code. Pure.
 */
export interface Point {
  x: number;
  y: number;
}

/** How much the quad grows around its centre (the corners jsQR gives are the code's outer edges). */
const GROW = 1.12;

export function maskQuad(data: Uint8ClampedArray, width: number, height: number, corners: readonly Point[]) {
  if (corners.length !== 4) return;
  const cx = corners.reduce((s, p) => s + p.x, 0) / 4;
  const cy = corners.reduce((s, p) => s + p.y, 0) / 4;
  const quad = corners.map((p) => ({ x: cx + (p.x - cx) * GROW, y: cy + (p.y - cy) * GROW }));
  const xs = quad.map((p) => p.x);
  const ys = quad.map((p) => p.y);
  const x0 = Math.max(0, Math.floor(Math.min(...xs)));
  const x1 = Math.min(width - 1, Math.ceil(Math.max(...xs)));
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const y1 = Math.min(height - 1, Math.ceil(Math.max(...ys)));
  for (let y = y0; y <= y1; y++)
    for (let x = x0; x <= x1; x++) {
      if (!inside(quad, x + 0.5, y + 0.5)) continue;
      const i = (y * width + x) * 4;
      data[i] = 255;
      data[i + 1] = 255;
      data[i + 2] = 255;
    }
}

/** A point inside a convex quad: on the same side of all four edges. */
export function inside(quad: readonly Point[], x: number, y: number): boolean {
  let sign = 0;
  for (let i = 0; i < quad.length; i++) {
    const a = quad[i]!;
    const b = quad[(i + 1) % quad.length]!;
    const cross = (b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x);
    if (cross === 0) continue;
    const s = Math.sign(cross);
    if (sign === 0) sign = s;
    else if (s !== sign) return false;
  }
  return true;
}
