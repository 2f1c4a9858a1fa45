// Painting shapes on a square slice in millimetres (patient x to the left, y to the back), painter's order.

export interface Slice {
  /** Values (e.g. Hounsfield units), row by row. */
  values: Int16Array;
  /** Pixels per side. */
  size: number;
  /** Millimetres per pixel. */
  spacing: number;
  /** Millimetre coordinate of the centre of pixel 0 (both axes). */
  origin: number;
}

export function newSlice(size: number, spacing: number, fill: number): Slice {
  return {
    values: new Int16Array(size * size).fill(fill),
    size,
    spacing,
    origin: (-(size - 1) / 2) * spacing,
  };
}

/**
 * Fills the ellipse centred (cx, cy) with radii (rx, ry) mm. With `over`, paints only pixels whose value is
 * above it (an organ stays inside the body, not in the air or the lungs).
 */
export function fillEllipse(
  s: Slice,
  cx: number,
  cy: number,
  rx: number,
  ry: number,
  value: number,
  over = Number.NEGATIVE_INFINITY,
): void {
  if (rx <= 0 || ry <= 0) return;
  const { size, spacing, origin, values } = s;
  const row0 = Math.max(0, Math.ceil((cy - ry - origin) / spacing));
  const row1 = Math.min(size - 1, Math.floor((cy + ry - origin) / spacing));
  for (let row = row0; row <= row1; row++) {
    const dy = (origin + row * spacing - cy) / ry;
    const half = rx * Math.sqrt(Math.max(0, 1 - dy * dy));
    const col0 = Math.max(0, Math.ceil((cx - half - origin) / spacing));
    const col1 = Math.min(size - 1, Math.floor((cx + half - origin) / spacing));
    const base = row * size;
    if (over === Number.NEGATIVE_INFINITY) values.fill(value, base + col0, base + col1 + 1);
    else
      for (let col = col0; col <= col1; col++)
        if ((values[base + col] as number) > over) values[base + col] = value;
  }
}

/** A bone in cross-section: cortical shell of `shell` mm around marrow. */
export function fillBone(
  s: Slice,
  cx: number,
  cy: number,
  rx: number,
  ry: number,
  shell: number,
  cortical: number,
  marrow: number,
): void {
  fillEllipse(s, cx, cy, rx, ry, cortical);
  fillEllipse(s, cx, cy, rx - shell, ry - shell, marrow);
}

/** Fills, in each column between x0 and x1 mm, the rows from top(x) to top(x) + thickness mm. */
export function fillBand(
  s: Slice,
  x0: number,
  x1: number,
  top: (x: number) => number,
  thickness: number,
  value: number,
): void {
  const { size, spacing, origin, values } = s;
  const col0 = Math.max(0, Math.ceil((x0 - origin) / spacing));
  const col1 = Math.min(size - 1, Math.floor((x1 - origin) / spacing));
  for (let col = col0; col <= col1; col++) {
    const y = top(origin + col * spacing);
    const row0 = Math.max(0, Math.ceil((y - origin) / spacing));
    const row1 = Math.min(size - 1, Math.floor((y + thickness - origin) / spacing));
    for (let row = row0; row <= row1; row++) values[row * size + col] = value;
  }
}
