import {
  SCHEDULE_KINDS,
  type ScheduleConflictReason,
  type ScheduleKind,
  type ScheduleRecurrence,
} from '@hie/contract';

/**
 * The schedule's calendar arithmetic, pure: which days a rule falls on, a month's occurrences with
 * the exceptions applied, and the conflicts among them.
 *
 * Days are counted as whole numbers (days since 1970-01-01) and times as minutes of the day, on the
 * wall clock of Asia/Tokyo. Japan has no daylight saving time, so every local day has 24 hours and
 * `day × 1440 + minutes` orders and measures local times exactly; no Date in a zone is ever needed.
 */

const DAY_MS = 86_400_000;
const MINUTES_A_DAY = 1440;

/** 'YYYY-MM-DD' → days since 1970-01-01. */
export function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
}

/** Days since 1970-01-01 → 'YYYY-MM-DD'. */
export function dayString(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export const weekdayOf = (n: number): number => (((n + 4) % 7) + 7) % 7;

/** 'HH:MM' → minutes of the day. */
export function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** The first and last day of 'YYYY-MM'. */
export function monthDays(month: string): { first: number; last: number } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const first = Math.round(Date.UTC(y, m - 1, 1) / DAY_MS);
  const last = Math.round(Date.UTC(y, m, 1) / DAY_MS) - 1;
  return { first, last };
}

/** The month after / before 'YYYY-MM'. */
export function addMonths(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + delta;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** A rule as the expansion reads it. */
export interface ScheduleRule {
  /** The first day of the series. */
  date: string;
  recurrence: ScheduleRecurrence;
}

/** Monday of the week of day n (weeks start on Monday). */
const mondayOf = (n: number) => n - ((weekdayOf(n) + 6) % 7);

/** The days of month (y, m0) that are the n-th (or last, -1) `weekday`; none when the month has no 5th. */
function nthWeekdays(year: number, month0: number, weekdays: readonly number[], nths: readonly number[]) {
  const first = Math.round(Date.UTC(year, month0, 1) / DAY_MS);
  const last = Math.round(Date.UTC(year, month0 + 1, 1) / DAY_MS) - 1;
  const days = new Set<number>();
  for (const weekday of weekdays) {
    const firstOne = first + ((weekday - weekdayOf(first) + 7) % 7);
    const lastOne = last - ((weekdayOf(last) - weekday + 7) % 7);
    for (const nth of nths) {
      const n = nth === -1 ? lastOne : firstOne + (nth - 1) * 7;
      if (n <= last) days.add(n);
    }
  }
  return [...days].sort((a, b) => a - b);
}

/**
 * The days (ascending, as day numbers) in [from, to] on which the rule falls: on or after its first
 * day, on or before `until`, and among its first `count` occurrences (counted from the first day,
 * whether or not an exception cancels one later). The first day itself counts only when it matches
 * the pattern (a weekly Monday/Thursday series starting on a Wednesday begins on the Thursday).
 */
export function ruleDays(rule: ScheduleRule, from: number, to: number): number[] {
  const start = dayNumber(rule.date);
  const r = rule.recurrence;
  if (r.type === 'none') return start >= from && start <= to ? [start] : [];
  const until = r.until ? dayNumber(r.until) : Number.POSITIVE_INFINITY;
  const count = r.count ?? Number.POSITIVE_INFINITY;
  const stop = Math.min(to, until);
  const out: number[] = [];
  if (stop < start || stop < from) return out;
  let seen = 0;
  const take = (n: number): boolean => {
    if (n < start) return true;
    if (n > stop || seen >= count) return false;
    seen += 1;
    if (n >= from) out.push(n);
    return true;
  };
  // Without a count, the periods before `from` can be skipped: whole intervals, to keep the phase.
  const skipTo = (periodsToFrom: number) =>
    r.count ? 0 : Math.max(0, Math.floor(periodsToFrom / r.interval) * r.interval);
  if (r.type === 'weekly') {
    const offsets = [...new Set(r.weekdays)].map((w) => (w + 6) % 7).sort((a, b) => a - b);
    const firstWeek = mondayOf(start);
    for (let week = skipTo(Math.floor((mondayOf(from) - firstWeek) / 7)); ; week += r.interval) {
      const monday = firstWeek + week * 7;
      if (monday > stop) break;
      for (const offset of offsets) if (!take(monday + offset)) return out;
    }
    return out;
  }
  const [sy, sm] = rule.date.split('-').map(Number) as [number, number];
  const [fy, fm] = dayString(from).split('-').map(Number) as [number, number];
  const startIndex = sy * 12 + sm - 1;
  for (let k = skipTo(fy * 12 + fm - 1 - startIndex); ; k += r.interval) {
    const index = startIndex + k;
    const year = Math.floor(index / 12);
    const month0 = index % 12;
    if (Math.round(Date.UTC(year, month0, 1) / DAY_MS) > stop) break;
    for (const n of nthWeekdays(year, month0, r.weekdays, r.nths)) if (!take(n)) return out;
  }
  return out;
}

/** Does the rule fall on this day? */
export const occursOn = (rule: ScheduleRule, date: string): boolean => {
  const n = dayNumber(date);
  return ruleDays(rule, n, n).length === 1;
};

/** An entry as the expansion needs it: the rule, the times, who and what, and its exceptions. */
export interface ExpandableEntry extends ScheduleRule {
  id: string;
  kind: ScheduleKind;
  userId: string | null;
  facilityOid: string;
  startTime: string;
  endTime: string;
  nights: number;
  exceptions: readonly ScheduleException[];
}

export type ScheduleException =
  | { date: string; action: 'cancel' }
  | { date: string; action: 'move'; moveTo: { date: string; startTime: string; endTime: string } };

export interface Occurrence {
  key: string;
  entryId: string;
  date: string;
  originalDate: string;
  startTime: string;
  endTime: string;
  endDate: string;
  status: 'scheduled' | 'moved' | 'cancelled';
  /** Local minutes since 1970-01-01 00:00 (JST): [start, end). */
  startAt: number;
  endAt: number;
}

function occurrence(
  entry: ExpandableEntry,
  originalDay: number,
  day: number,
  startTime: string,
  endTime: string,
  status: Occurrence['status'],
): Occurrence {
  const startAt = day * MINUTES_A_DAY + minutesOf(startTime);
  const endAt = (day + entry.nights) * MINUTES_A_DAY + minutesOf(endTime);
  const originalDate = dayString(originalDay);
  return {
    key: `${entry.id}/${originalDate}`,
    entryId: entry.id,
    date: dayString(day),
    originalDate,
    startTime,
    endTime,
    endDate: dayString(day + entry.nights),
    status,
    startAt,
    endAt,
  };
}

/**
 * The occurrences of the entries that take place (at least in part) in the month, in order of start:
 * cancelled ones are kept (status `cancelled`, to be shown struck through and restored), moved ones
 * appear where they were moved to — in this month even when they were due in another, and not in
 * this month when they were due here but moved out of it. A move whose day is no longer one of the
 * rule's (the entry was changed since) is ignored.
 */
export function expandMonth(entries: readonly ExpandableEntry[], month: string): Occurrence[] {
  const { first, last } = monthDays(month);
  const from = first * MINUTES_A_DAY;
  const to = (last + 1) * MINUTES_A_DAY;
  const inMonth = (o: Occurrence) => o.startAt < to && Math.max(o.endAt, o.startAt + 1) > from;
  const out: Occurrence[] = [];
  for (const entry of entries) {
    const byDate = new Map(entry.exceptions.map((e) => [e.date, e]));
    for (const n of ruleDays(entry, first - entry.nights, last)) {
      const exception = byDate.get(dayString(n));
      if (exception?.action === 'move') continue;
      const o = occurrence(
        entry,
        n,
        n,
        entry.startTime,
        entry.endTime,
        exception ? 'cancelled' : 'scheduled',
      );
      if (inMonth(o)) out.push(o);
    }
    for (const exception of entry.exceptions) {
      if (exception.action !== 'move') continue;
      const target = dayNumber(exception.moveTo.date);
      if (target > last || target + entry.nights < first - 1) continue;
      if (!occursOn(entry, exception.date)) continue;
      const { startTime, endTime } = exception.moveTo;
      const o = occurrence(entry, dayNumber(exception.date), target, startTime, endTime, 'moved');
      if (inMonth(o)) out.push(o);
    }
  }
  return out.sort((a, b) => a.startAt - b.startAt || a.endAt - b.endAt || a.key.localeCompare(b.key));
}

export interface ConflictSubject {
  key: string;
  entryId: string;
  status: Occurrence['status'];
  startAt: number;
  endAt: number;
  kind: ScheduleKind;
  userId: string | null;
}

/**
 * Overlaps that cannot both happen, flagged on both sides: the same person in two places at once, or
 * two things at once that both need the patient (a bath visit and the doctor's visit, a visit at home
 * while the patient is at the day service). Times are half-open: 10:00–11:00 and 11:00–12:00 do not
 * overlap. Cancelled occurrences conflict with nothing.
 */
export function findConflicts(
  items: readonly ConflictSubject[],
): Map<string, { key: string; entryId: string; reasons: ScheduleConflictReason[] }[]> {
  const live = items.filter((i) => i.status !== 'cancelled').sort((a, b) => a.startAt - b.startAt);
  const found = new Map<string, { key: string; entryId: string; reasons: ScheduleConflictReason[] }[]>();
  const add = (a: ConflictSubject, b: ConflictSubject, reasons: ScheduleConflictReason[]) => {
    const list = found.get(a.key) ?? [];
    list.push({ key: b.key, entryId: b.entryId, reasons });
    found.set(a.key, list);
  };
  for (let i = 0; i < live.length; i++) {
    const a = live[i]!;
    for (let j = i + 1; j < live.length; j++) {
      const b = live[j]!;
      if (b.startAt >= a.endAt) break;
      if (a.endAt <= b.startAt || b.endAt <= a.startAt) continue;
      const reasons: ScheduleConflictReason[] = [];
      if (a.userId && a.userId === b.userId) reasons.push('same-person');
      if (SCHEDULE_KINDS[a.kind].withPatient && SCHEDULE_KINDS[b.kind].withPatient) reasons.push('patient');
      if (reasons.length === 0) continue;
      add(a, b, reasons);
      add(b, a, reasons);
    }
  }
  return found;
}

/** An ISO instant of a local day and time in Japan. */
export const tokyoInstant = (date: string, time: string): string => `${date}T${time}:00+09:00`;
