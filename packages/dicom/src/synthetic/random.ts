// Seeded randomness: the same seed draws the same phantom, on every machine (no Math.random).

/** mulberry32: a small, fast 32-bit generator; uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed from a seed and labels (FNV-1a), so each generator and series draws its own stream. */
export function deriveSeed(seed: number, ...labels: readonly (string | number)[]): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (const ch of labels.join('/')) {
    h ^= ch.codePointAt(0) as number;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Uniform in [min, max). */
export const between = (random: () => number, min: number, max: number) => min + (max - min) * random();

/**
 * Gaussian noise for millions of pixels: a table of 4096 normal deviates (Box–Muller) indexed by an inline
 * xorshift, about as fast as reading an array.
 */
export function gaussianNoise(seed: number): { next(): number } {
  const random = seededRandom(seed);
  const table = new Float32Array(4096);
  for (let i = 0; i < table.length; i += 2) {
    const u = Math.max(1e-12, random());
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    table[i] = r * Math.cos(2 * Math.PI * v);
    table[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  let x = seed >>> 0 || 0x9e3779b9;
  return {
    next() {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return table[(x >>> 0) & 4095] as number;
    },
  };
}

/** Smooth value noise in [0, 1] over a coarse grid, bilinearly interpolated (textures, blotches). */
export function valueNoise(
  random: () => number,
  cellsX: number,
  cellsY: number,
): (x: number, y: number) => number {
  const grid = Float32Array.from({ length: (cellsX + 1) * (cellsY + 1) }, () => random());
  return (x, y) => {
    // x, y in [0, 1]
    const gx = Math.min(cellsX - 1e-6, Math.max(0, x * cellsX));
    const gy = Math.min(cellsY - 1e-6, Math.max(0, y * cellsY));
    const ix = Math.floor(gx);
    const iy = Math.floor(gy);
    const fx = gx - ix;
    const fy = gy - iy;
    const sx = fx * fx * (3 - 2 * fx);
    const sy = fy * fy * (3 - 2 * fy);
    const at = (cx: number, cy: number) => grid[cy * (cellsX + 1) + cx] as number;
    const top = at(ix, iy) + (at(ix + 1, iy) - at(ix, iy)) * sx;
    const bottom = at(ix, iy + 1) + (at(ix + 1, iy + 1) - at(ix, iy + 1)) * sx;
    return top + (bottom - top) * sy;
  };
}
