import { type DrawingModel, emptyDrawing } from '@hie/contract';
import { describe, expect, it } from 'vitest';
import {
  displaySize,
  eraserHits,
  farEnough,
  hasContent,
  pointToSegment,
  polylineDistance,
  pressureOf,
  segmentToSegment,
  toCanvas,
  withoutHits,
  withoutItems,
} from './geometry';

const model = (): DrawingModel => ({
  ...emptyDrawing('sacral', '仙骨部褥瘡'),
  strokes: [
    // A horizontal line at y = 100 from x = 100 to 200.
    {
      tool: 'pen',
      color: 'red',
      width: 4,
      points: [
        [100, 100, 0.5],
        [150, 100, 0.5],
        [200, 100, 0.5],
      ],
    },
    // A vertical line at x = 300.
    {
      tool: 'pen',
      color: 'blue',
      width: 4,
      points: [
        [300, 50, 0.5],
        [300, 150, 0.5],
      ],
    },
    // A dot.
    { tool: 'pen', color: 'black', width: 6, points: [[400, 300, 0.5]] },
  ],
  stamps: [{ kind: 'redness', x: 250, y: 300 }],
  texts: [{ x: 50, y: 400, text: '3×2cm', color: 'black', size: 20 }],
});

describe('the eraser', () => {
  it('removes the strokes it crosses, and only those', () => {
    // A vertical swipe through the horizontal line.
    expect(
      eraserHits(
        model(),
        [
          [150, 60],
          [150, 140],
        ],
        6,
      ),
    ).toEqual({
      strokes: [0],
      stamps: [],
      texts: [],
    });
    // A horizontal swipe through the vertical line, passing near (not on) the first one's end.
    expect(
      eraserHits(
        model(),
        [
          [220, 100],
          [380, 100],
        ],
        6,
      ).strokes,
    ).toEqual([1]);
  });

  it('counts the stroke’s own width and the eraser’s radius', () => {
    // 9 units below the line: out of reach of a radius of 6 plus half the line's width (2).
    expect(eraserHits(model(), [[150, 109]], 6).strokes).toEqual([]);
    expect(eraserHits(model(), [[150, 107.5]], 6).strokes).toEqual([0]);
    expect(eraserHits(model(), [[404, 300]], 2).strokes).toEqual([2]);
  });

  it('takes stamps and texts it passes over', () => {
    const hits = eraserHits(
      model(),
      [
        [240, 300],
        [260, 300],
      ],
      4,
    );
    expect(hits.stamps).toEqual([0]);
    expect(eraserHits(model(), [[80, 402]], 4).texts).toEqual([0]);
    expect(eraserHits(model(), [[80, 460]], 4).texts).toEqual([]);
  });

  it('leaves eraser strokes of the model alone and removes what it hit', () => {
    const m = model();
    m.strokes.push({ tool: 'eraser', color: 'black', width: 20, points: [[150, 100, 0.5]] });
    const hits = eraserHits(m, [[150, 100]], 6);
    expect(hits.strokes).toEqual([0]);
    const after = withoutHits(m, { ...hits, stamps: [0] });
    expect(after.strokes.map((s) => s.color)).toEqual(['blue', 'black', 'black']);
    expect(after.stamps).toEqual([]);
    expect(hasContent(after)).toBe(true);
    expect(hasContent(emptyDrawing('sacral'))).toBe(false);
    // The editor removes the very items it hit, wherever they stand by then.
    const gone = new Set<object>([m.strokes[1] as object, m.texts[0] as object]);
    const kept = withoutItems(m, gone);
    expect(kept.strokes.map((s) => s.color)).toEqual(['red', 'black', 'black']);
    expect(kept.texts).toEqual([]);
    expect(withoutItems(m, new Set())).toBe(m);
  });
});

describe('geometry', () => {
  it('measures points, segments and polylines', () => {
    expect(pointToSegment([0, 5], [-10, 0], [10, 0])).toBe(5);
    expect(pointToSegment([20, 0], [-10, 0], [10, 0])).toBe(10);
    expect(segmentToSegment([0, -5], [0, 5], [-5, 0], [5, 0])).toBe(0);
    expect(segmentToSegment([0, 1], [0, 5], [-5, 0], [5, 0])).toBe(1);
    expect(polylineDistance([[0, 0]], [[3, 4]])).toBe(5);
  });

  it('maps the screen to canvas units, clamped', () => {
    const rect = { left: 10, top: 20, width: 250, height: 220 };
    expect(toCanvas({ x: 135, y: 130 }, rect, { width: 500, height: 440 })).toEqual([250, 220]);
    expect(toCanvas({ x: 0, y: 500 }, rect, { width: 500, height: 440 })).toEqual([0, 440]);
  });

  it('keeps a pen’s pressure, and gives a finger or a mouse the middle one', () => {
    expect(pressureOf('pen', 0.734)).toBe(0.73);
    expect(pressureOf('pen', 0)).toBe(0.5);
    expect(pressureOf('touch', 1)).toBe(0.5);
    expect(pressureOf('mouse', 0.5)).toBe(0.5);
  });

  it('thins samples closer than the minimum', () => {
    expect(farEnough(undefined, [1, 1], 1)).toBe(true);
    expect(farEnough([0, 0, 0.5], [0.5, 0.5], 1)).toBe(false);
    expect(farEnough([0, 0, 0.5], [1, 0], 1)).toBe(true);
  });

  it('fills a phone’s width; on a tablet fits the height left', () => {
    const body = { width: 400, height: 800 };
    expect(displaySize(body, { width: 390, height: 500 }, 390)).toEqual({ width: 390, height: 780 });
    expect(displaySize(body, { width: 700, height: 600 }, 1024)).toEqual({ width: 300, height: 600 });
    expect(displaySize({ width: 500, height: 440 }, { width: 736, height: 700 }, 768)).toEqual({
      width: 736,
      height: 647,
    });
  });
});
