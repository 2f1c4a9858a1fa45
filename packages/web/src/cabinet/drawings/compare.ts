/** Which drawings of a series stand side by side, and how far apart they are. Pure: tested in node. */
import type { CabinetDrawingSummary } from '@hie/contract';

export const COMPARE_MAX = 4;
const DAY_MS = 24 * 3600_000;

/** The day (Japan time) of an instant, as days since the epoch. */
function japanDay(at: string): number {
  return Math.floor((Date.parse(at) + 9 * 3600_000) / DAY_MS);
}

/** What to show first: the newest two (this week and last week). */
export const defaultPick = (newestFirst: readonly Pick<CabinetDrawingSummary, 'id'>[], n = 2): string[] =>
  newestFirst.slice(0, n).map((d) => d.id);

/** Adds or takes away one drawing: never fewer than one, never more than four. */
export function togglePick(picked: readonly string[], id: string, max = COMPARE_MAX): string[] {
  if (picked.includes(id)) return picked.length > 1 ? picked.filter((p) => p !== id) : [...picked];
  return picked.length >= max ? [...picked] : [...picked, id];
}

/** The picked drawings oldest first (left to right), each with its days after the first. */
export function sideBySide<D extends Pick<CabinetDrawingSummary, 'id' | 'createdAt'>>(
  drawings: readonly D[],
  picked: readonly string[],
): { drawing: D; days: number }[] {
  const chosen = drawings
    .filter((d) => picked.includes(d.id))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
    .slice(0, COMPARE_MAX);
  const first = chosen[0] ? japanDay(chosen[0].createdAt) : 0;
  return chosen.map((drawing) => ({ drawing, days: japanDay(drawing.createdAt) - first }));
}
