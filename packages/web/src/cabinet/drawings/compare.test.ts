import { describe, expect, it } from 'vitest';
import { defaultPick, sideBySide, togglePick } from './compare';

const drawings = [
  { id: 'd4', createdAt: '2025-06-22T01:00:00.000Z' },
  { id: 'd3', createdAt: '2025-06-15T01:00:00.000Z' },
  { id: 'd2', createdAt: '2025-06-08T15:30:00.000Z' },
  { id: 'd1', createdAt: '2025-06-01T01:00:00.000Z' },
];

describe('drawings side by side', () => {
  it('starts with this week and last week', () => {
    expect(defaultPick(drawings)).toEqual(['d4', 'd3']);
  });

  it('shows them oldest on the left, with the days since the first (Japan days)', () => {
    const shown = sideBySide(drawings, ['d4', 'd2', 'd1']);
    expect(shown.map((s) => s.drawing.id)).toEqual(['d1', 'd2', 'd4']);
    // 2025-06-08T15:30Z is already the 9th in Japan.
    expect(shown.map((s) => s.days)).toEqual([0, 8, 21]);
  });

  it('keeps between one and four', () => {
    expect(togglePick(['a'], 'a')).toEqual(['a']);
    expect(togglePick(['a', 'b'], 'a')).toEqual(['b']);
    expect(togglePick(['a', 'b', 'c', 'd'], 'e')).toEqual(['a', 'b', 'c', 'd']);
    expect(togglePick(['a', 'b', 'c'], 'e')).toEqual(['a', 'b', 'c', 'e']);
  });
});
