/**
 * 薬剤別: one row per drug across facilities, one lane per prescribing facility, bars for the supply
 * periods within the shown window. A facility's refills that follow each other (gap ≤ GRACE_DAYS)
 * are one bar with their count, so five years of monthly refills stay readable; stopped orders are
 * bars of their own. Overlaps of facilities (重複投薬) are marked per row.
 */
import {
  addDays,
  duplicateFindings,
  GRACE_DAYS,
  isCurrent,
  type PrescriptionPeriod,
  type Setting,
} from './medications';

export interface TimelineBar {
  start: string;
  /** Last day (the assumed end when the source gave no duration: `unknownEnd`). */
  end: string;
  /** Prescriptions joined into this bar. */
  count: number;
  unknownEnd: boolean;
  stopped: boolean;
  inHouse: boolean | null;
  setting: Setting;
}

export interface TimelineLane {
  facilityOid: string;
  facilityName: string;
  bars: TimelineBar[];
}

export interface TimelineRow {
  key: string;
  name: string;
  /** Taken today (see medications.ts `isCurrent`). */
  current: boolean;
  lanes: TimelineLane[];
  /** Stretches where two facilities' supplies overlap, clipped to the window. */
  duplicates: { from: string; to: string }[];
  /** Newest start of the drug (rows are ordered current first, then by it). */
  latest: string;
}

export interface Timeline {
  from: string;
  to: string;
  rows: TimelineRow[];
}

const clip = (from: string, to: string, s: { start: string; end: string }) =>
  s.end < from || s.start > to
    ? null
    : { start: s.start < from ? from : s.start, end: s.end > to ? to : s.end };

/** Supplies in the window [from, to] (YYYY-MM-DD; `from` null: from the oldest one). */
export function drugTimeline(
  periods: readonly PrescriptionPeriod[],
  window: { from: string | null; to: string },
  today: string,
): Timeline {
  const dated = periods.filter((p) => p.start && p.assumedEnd && p.status !== 'error');
  const oldest = dated.reduce<string | null>((min, p) => (!min || p.start! < min ? p.start! : min), null);
  const from = window.from ?? oldest ?? window.to;
  const to = window.to;
  const findings = duplicateFindings(dated);
  const byDrug = new Map<string, PrescriptionPeriod[]>();
  for (const p of dated) {
    if (p.assumedEnd! < from || p.start! > to) continue;
    byDrug.set(p.drugKey, [...(byDrug.get(p.drugKey) ?? []), p]);
  }
  const rows: TimelineRow[] = [];
  for (const [key, list] of byDrug) {
    const sorted = [...list].sort((a, b) => a.start!.localeCompare(b.start!));
    const lanes = new Map<string, TimelineLane>();
    for (const p of sorted) {
      const oid = p.entry.facilityOid;
      const lane = lanes.get(oid) ?? { facilityOid: oid, facilityName: p.entry.facilityName, bars: [] };
      lanes.set(oid, lane);
      const stopped = p.status !== 'active';
      const last = lane.bars[lane.bars.length - 1];
      const end = p.assumedEnd!;
      if (last && !last.stopped && !stopped && p.start! <= addDays(last.end, GRACE_DAYS + 1)) {
        if (end > last.end) last.end = end;
        last.count += 1;
        last.unknownEnd = last.unknownEnd || !p.end;
        last.inHouse = p.inHouse ?? last.inHouse;
        last.setting = p.setting ?? last.setting;
      } else {
        lane.bars.push({
          start: p.start!,
          end,
          count: 1,
          unknownEnd: !p.end,
          stopped,
          inHouse: p.inHouse,
          setting: p.setting,
        });
      }
    }
    const clipped = [...lanes.values()]
      .map((lane) => ({
        ...lane,
        bars: lane.bars.flatMap((b) => {
          const c = clip(from, to, b);
          return c ? [{ ...b, ...c }] : [];
        }),
      }))
      .filter((lane) => lane.bars.length > 0)
      .sort((a, b) => a.facilityName.localeCompare(b.facilityName, 'ja'));
    const duplicates = joinNear(
      findings.filter((f) => f.drugKeys.includes(key)).flatMap((f) => f.overlaps),
    ).flatMap((o) => {
      const c = clip(from, to, { start: o.from, end: o.to });
      return c ? [{ from: c.start, to: c.end }] : [];
    });
    rows.push({
      key,
      name: sorted[sorted.length - 1]!.name,
      current: sorted.some((p) => isCurrent(p, today)),
      lanes: clipped,
      duplicates,
      latest: sorted[sorted.length - 1]!.start!,
    });
  }
  rows.sort(
    (a, b) =>
      Number(b.current) - Number(a.current) ||
      b.latest.localeCompare(a.latest) ||
      a.name.localeCompare(b.name, 'ja'),
  );
  return { from, to, rows };
}

/** Overlap stretches a few days apart (between refills) drawn as one band: gaps ≤ GRACE_DAYS joined. */
function joinNear(list: readonly { from: string; to: string }[]): { from: string; to: string }[] {
  const out: { from: string; to: string }[] = [];
  for (const s of [...list].sort((a, b) => a.from.localeCompare(b.from))) {
    const last = out[out.length - 1];
    if (last && s.from <= addDays(last.to, GRACE_DAYS + 1)) {
      if (s.to > last.to) last.to = s.to;
    } else out.push({ ...s });
  }
  return out;
}

/** Where a day falls on the window, 0–100 (% of the width); `end` days count to their end. */
export function position(day: string, window: { from: string; to: string }, end = false): number {
  const span = Date.parse(`${addDays(window.to, 1)}T00:00:00Z`) - Date.parse(`${window.from}T00:00:00Z`);
  const at = Date.parse(`${end ? addDays(day, 1) : day}T00:00:00Z`) - Date.parse(`${window.from}T00:00:00Z`);
  return span > 0 ? Math.min(100, Math.max(0, (at / span) * 100)) : 0;
}

/** Axis ticks: months when the window is under two years (labelled with the year at January), else years. */
export function axisTicks(window: {
  from: string;
  to: string;
}): { day: string; year: number; month: number }[] {
  const years = (Date.parse(window.to) - Date.parse(window.from)) / (365.25 * 86_400_000);
  const step = years <= 2 ? 1 : years <= 4 ? 3 : 12;
  const ticks: { day: string; year: number; month: number }[] = [];
  let y = Number(window.from.slice(0, 4));
  let m = Number(window.from.slice(5, 7));
  // The first tick: the first month start (on the step) after `from`.
  const advance = () => {
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  };
  advance();
  while ((m - 1) % step !== 0) advance();
  for (;;) {
    const day = `${y}-${String(m).padStart(2, '0')}-01`;
    if (day > window.to) break;
    ticks.push({ day, year: y, month: m });
    for (let i = 0; i < step; i++) advance();
  }
  return ticks;
}
