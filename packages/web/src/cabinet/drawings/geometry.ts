/**
 * The editor's pure geometry: screen to canvas units, which strokes (stamps, texts) an eraser stroke
 * crosses, how to thin a pen's samples, how big to show the canvas. No DOM here: tested in node.
 */
import {
  DRAWING_DEFAULT_STAMP_SIZE,
  type DrawingModel,
  type DrawingPoint,
  type DrawingStroke,
  pressureFactor,
} from '@hie/contract';

export type Xy = readonly [number, number];

/** A pointer's position on the screen as canvas units, clamped into the canvas. */
export function toCanvas(
  client: { x: number; y: number },
  rect: { left: number; top: number; width: number; height: number },
  canvas: { width: number; height: number },
): Xy {
  const x = ((client.x - rect.left) / Math.max(1, rect.width)) * canvas.width;
  const y = ((client.y - rect.top) / Math.max(1, rect.height)) * canvas.height;
  return [clamp(round1(x), 0, canvas.width), clamp(round1(y), 0, canvas.height)];
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, n));

/** A pointer's pressure as stored: a pen's own (0 at a touch-down means "not known"), else 0.5. */
export function pressureOf(pointerType: string, pressure: number): number {
  if (pointerType !== 'pen' || !(pressure > 0)) return 0.5;
  return Math.round(clamp(pressure, 0.05, 1) * 100) / 100;
}

/** Whether a new sample is far enough from the last one to keep (a pen sends hundreds a second). */
export function farEnough(last: DrawingPoint | undefined, next: Xy, minDistance: number): boolean {
  return !last || Math.hypot(next[0] - last[0], next[1] - last[1]) >= minDistance;
}

/** The distance from p to the segment ab. */
export function pointToSegment(p: Xy, a: Xy, b: Xy): number {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : clamp(((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2, 0, 1);
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

const cross = (o: Xy, a: Xy, b: Xy) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);

/** The distance between segments ab and cd (0 when they cross). */
export function segmentToSegment(a: Xy, b: Xy, c: Xy, d: Xy): number {
  const [d1, d2, d3, d4] = [cross(c, d, a), cross(c, d, b), cross(a, b, c), cross(a, b, d)];
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return 0;
  return Math.min(
    pointToSegment(a, c, d),
    pointToSegment(b, c, d),
    pointToSegment(c, a, b),
    pointToSegment(d, a, b),
  );
}

/** The distance between two polylines (one point counts as a segment of no length). */
export function polylineDistance(a: readonly Xy[], b: readonly Xy[]): number {
  let best = Number.POSITIVE_INFINITY;
  const segmentsOf = (line: readonly Xy[]) =>
    line.length === 1
      ? [[line[0] as Xy, line[0] as Xy] as const]
      : line.slice(1).map((p, i) => [line[i] as Xy, p] as const);
  for (const [a1, a2] of segmentsOf(a)) {
    for (const [b1, b2] of segmentsOf(b)) {
      best = Math.min(best, segmentToSegment(a1, a2, b1, b2));
      if (best === 0) return 0;
    }
  }
  return best;
}

interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}
function boxOf(points: readonly (readonly number[])[], pad: number): Box {
  const box = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const p of points) {
    box.minX = Math.min(box.minX, (p[0] ?? 0) - pad);
    box.minY = Math.min(box.minY, (p[1] ?? 0) - pad);
    box.maxX = Math.max(box.maxX, (p[0] ?? 0) + pad);
    box.maxY = Math.max(box.maxY, (p[1] ?? 0) + pad);
  }
  return box;
}
const overlaps = (a: Box, b: Box) =>
  a.minX <= b.maxX && b.minX <= a.maxX && a.minY <= b.maxY && b.minY <= a.maxY;

/** Half the widest a stroke is drawn (its width at the highest pressure it saw). */
export function strokeReach(stroke: Pick<DrawingStroke, 'points' | 'width'>): number {
  const pressure = stroke.points.reduce((max, p) => Math.max(max, p[2]), 0);
  return (stroke.width * pressureFactor(pressure)) / 2;
}

export interface EraserHits {
  strokes: number[];
  stamps: number[];
  texts: number[];
}

/**
 * What an eraser stroke (a polyline of `radius`) crosses: pen strokes it touches, stamps and texts it
 * passes over. Indices into the model's arrays, ascending.
 */
export function eraserHits(
  model: Pick<DrawingModel, 'strokes' | 'stamps' | 'texts'>,
  path: readonly Xy[],
  radius: number,
): EraserHits {
  const hits: EraserHits = { strokes: [], stamps: [], texts: [] };
  if (path.length === 0) return hits;
  const pathBox = boxOf(path, radius);
  model.strokes.forEach((stroke, i) => {
    if (stroke.tool !== 'pen') return;
    const reach = strokeReach(stroke);
    if (!overlaps(pathBox, boxOf(stroke.points, reach))) return;
    const line = stroke.points.map((p) => [p[0], p[1]] as const);
    if (polylineDistance(path, line) <= radius + reach) hits.strokes.push(i);
  });
  model.stamps.forEach((stamp, i) => {
    const r = ((stamp.size ?? DRAWING_DEFAULT_STAMP_SIZE) * 0.7) as number;
    if (polylineDistance(path, [[stamp.x, stamp.y]]) <= radius + r) hits.stamps.push(i);
  });
  model.texts.forEach((text, i) => {
    // The text's box, roughly: a full-width character is as wide as the font is high.
    const width = [...text.text].reduce((w, ch) => w + (ch.charCodeAt(0) > 0xff ? 1 : 0.6), 0) * text.size;
    const box: Box = {
      minX: text.x,
      maxX: text.x + width,
      minY: text.y - text.size / 2,
      maxY: text.y + text.size / 2,
    };
    const inside = path.some(
      (p) => p[0] >= box.minX && p[0] <= box.maxX && p[1] >= box.minY && p[1] <= box.maxY,
    );
    const corners: Xy[] = [
      [box.minX, box.minY],
      [box.maxX, box.minY],
      [box.maxX, box.maxY],
      [box.minX, box.maxY],
      [box.minX, box.minY],
    ];
    if (inside || polylineDistance(path, corners) <= radius) hits.texts.push(i);
  });
  return hits;
}

/** The model without what the eraser hit. */
export function withoutHits<M extends Pick<DrawingModel, 'strokes' | 'stamps' | 'texts'>>(
  model: M,
  hits: EraserHits,
): M {
  const drop = <T>(items: readonly T[], gone: readonly number[]) => {
    const set = new Set(gone);
    return items.filter((_, i) => !set.has(i));
  };
  return {
    ...model,
    strokes: drop(model.strokes, hits.strokes),
    stamps: drop(model.stamps, hits.stamps),
    texts: drop(model.texts, hits.texts),
  };
}

/** The model without these very strokes, stamps and texts (the editor's live eraser). */
export function withoutItems<M extends Pick<DrawingModel, 'strokes' | 'stamps' | 'texts'>>(
  model: M,
  gone: ReadonlySet<object>,
): M {
  if (gone.size === 0) return model;
  return {
    ...model,
    strokes: model.strokes.filter((s) => !gone.has(s)),
    stamps: model.stamps.filter((s) => !gone.has(s)),
    texts: model.texts.filter((t) => !gone.has(t)),
  };
}

export const hasContent = (model: Pick<DrawingModel, 'strokes' | 'stamps' | 'texts'>) =>
  model.strokes.length + model.stamps.length + model.texts.length > 0;

/**
 * How big to show a canvas: as wide as there is room; on a tablet or a computer no taller than the
 * height left on the screen. On a phone (narrower than `phoneWidth`) it always fills the width.
 */
export function displaySize(
  canvas: { width: number; height: number },
  room: { width: number; height: number },
  viewportWidth: number,
  phoneWidth = 600,
): { width: number; height: number } {
  const byWidth = Math.max(1, room.width);
  const width =
    viewportWidth < phoneWidth
      ? byWidth
      : Math.min(byWidth, (Math.max(240, room.height) * canvas.width) / canvas.height);
  return { width: Math.floor(width), height: Math.floor((width * canvas.height) / canvas.width) };
}
