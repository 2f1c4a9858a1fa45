/**
 * The schedule screen's arithmetic, pure: the month's grid (weeks from Sunday, as Japanese wall
 * calendars are), occurrences by day, a rule in words, and the entry form to and from the API's body.
 * Days are YYYY-MM-DD in Japan; no Date is ever read in the browser's zone.
 */
import {
  SCHEDULE_WEEKDAYS,
  type ScheduleEntryInput,
  type ScheduleEntryView,
  type ScheduleKind,
  type ScheduleMonthView,
  type ScheduleRecurrence,
} from '@hie/contract';
import type { ScheduleLabels } from './labels';

export type Occurrence = ScheduleMonthView['occurrences'][number];

const DAY_MS = 86_400_000;
const toDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const msOf = (date: string) => Date.parse(`${date}T00:00:00Z`);

/** Today in Japan (UTC+9, no daylight saving). */
export const tokyoToday = (now = Date.now()): string => toDay(now + 9 * 3600_000);

/** 'YYYY-MM' moved by `delta` months. */
export function shiftMonth(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** 0 = Sunday … 6 = Saturday. */
export const weekdayOf = (date: string): number => new Date(msOf(date)).getUTCDay();

export interface GridDay {
  date: string;
  day: number;
  weekday: number;
  inMonth: boolean;
}

/** The month as whole weeks, Sunday to Saturday, with the neighbouring months' days to fill them. */
export function monthGrid(month: string): GridDay[][] {
  const first = msOf(`${month}-01`);
  const start = first - weekdayOf(`${month}-01`) * DAY_MS;
  const next = msOf(`${shiftMonth(month, 1)}-01`);
  const weeks: GridDay[][] = [];
  for (let week = start; week < next; week += 7 * DAY_MS) {
    weeks.push(
      Array.from({ length: 7 }, (_, i) => {
        const date = toDay(week + i * DAY_MS);
        return { date, day: Number(date.slice(8)), weekday: i, inMonth: date.startsWith(month) };
      }),
    );
  }
  return weeks;
}

/** The month's days, 1 to its last. */
export const monthDays = (month: string): string[] =>
  monthGrid(month)
    .flat()
    .filter((d) => d.inMonth)
    .map((d) => d.date);

export interface DayItem {
  occurrence: Occurrence;
  /** A stay's later day (it began before this day). */
  continued: boolean;
}

/** Occurrences by the days of the month they cover (a stay on each of its days), in order of start. */
export function occurrencesByDay(occurrences: readonly Occurrence[], month: string): Map<string, DayItem[]> {
  const days = new Map<string, DayItem[]>();
  for (const occurrence of occurrences) {
    for (let ms = msOf(occurrence.date); ms <= msOf(occurrence.endDate); ms += DAY_MS) {
      const date = toDay(ms);
      if (!date.startsWith(month)) continue;
      // A stay ending at midnight does not take that day.
      if (date === occurrence.endDate && date !== occurrence.date && occurrence.endTime === '00:00') continue;
      const list = days.get(date) ?? [];
      list.push({ occurrence, continued: date !== occurrence.date });
      days.set(date, list);
    }
  }
  return days;
}

/** Weekdays in words: 月・木 / Mon, Thu. */
export function weekdayNames(weekdays: readonly number[], lang: 'ja' | 'en'): string {
  const sorted = [...weekdays].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7));
  return sorted.map((w) => SCHEDULE_WEEKDAYS[w]?.[lang] ?? '').join(lang === 'ja' ? '・' : ', ');
}

/** A rule in words: 毎週 月・木 / 毎月 第2・第4 火 (2026-06-30まで). Null for a one-off. */
export function describeRecurrence(
  r: ScheduleRecurrence,
  l: ScheduleLabels,
  lang: 'ja' | 'en',
): string | null {
  if (r.type === 'none') return null;
  const days = weekdayNames(r.weekdays, lang);
  const text =
    r.type === 'weekly'
      ? l.describeWeekly(days, r.interval)
      : l.describeMonthly(
          [...r.nths]
            .sort((a, b) => (a === -1 ? 9 : a) - (b === -1 ? 9 : b))
            .map(l.nth)
            .join(lang === 'ja' ? '・' : ', '),
          days,
          r.interval,
        );
  return text + (r.until ? l.describeUntil(r.until) : r.count ? l.describeCount(r.count) : '');
}

export type Repeat = 'none' | 'weekly' | 'every-weeks' | 'monthly';

/** The entry form's state: strings as the inputs hold them. */
export interface EntryForm {
  kind: ScheduleKind;
  who: 'person' | 'facility';
  /** `${userId}|${facilityOid}` of a member. */
  person: string;
  facility: string;
  date: string;
  startTime: string;
  endTime: string;
  nights: number;
  note: string;
  repeat: Repeat;
  weekdays: string[];
  interval: number;
  nths: string[];
  ends: 'never' | 'until' | 'count';
  until: string;
  count: number;
}

export const personValue = (userId: string, facilityOid: string) => `${userId}|${facilityOid}`;

export function emptyForm(date: string): EntryForm {
  return {
    kind: 'home-nursing',
    who: 'person',
    person: '',
    facility: '',
    date,
    startTime: '10:00',
    endTime: '11:00',
    nights: 0,
    note: '',
    repeat: 'none',
    weekdays: [String(weekdayOf(date))],
    interval: 1,
    nths: [],
    ends: 'never',
    until: '',
    count: 10,
  };
}

export function entryToForm(entry: ScheduleEntryView): EntryForm {
  const r = entry.recurrence;
  const form: EntryForm = {
    ...emptyForm(entry.date),
    kind: entry.kind,
    who: entry.person ? 'person' : 'facility',
    person: entry.person ? personValue(entry.person.userId, entry.facility.oid) : '',
    facility: entry.person ? '' : entry.facility.oid,
    startTime: entry.startTime,
    endTime: entry.endTime,
    nights: entry.nights,
    note: entry.note ?? '',
  };
  if (r.type === 'none') return form;
  return {
    ...form,
    repeat: r.type === 'monthly' ? 'monthly' : r.interval > 1 ? 'every-weeks' : 'weekly',
    weekdays: r.weekdays.map(String),
    interval: r.interval,
    nths: r.type === 'monthly' ? r.nths.map(String) : [],
    ends: r.until ? 'until' : r.count ? 'count' : 'never',
    until: r.until ?? '',
    count: r.count ?? 10,
  };
}

/** Problems the form can see itself, by its field; the hub checks the rest (and these again). */
export function formProblems(form: EntryForm, l: ScheduleLabels): Partial<Record<keyof EntryForm, string>> {
  const problems: Partial<Record<keyof EntryForm, string>> = {};
  if (form.who === 'person' && !form.person) problems.person = l.required;
  if (form.who === 'facility' && !form.facility) problems.facility = l.required;
  if (!form.date) problems.date = l.required;
  if (!form.startTime) problems.startTime = l.required;
  if (!form.endTime) problems.endTime = l.required;
  if (form.repeat !== 'none' && form.weekdays.length === 0) problems.weekdays = l.chooseWeekday;
  if (form.repeat === 'monthly' && form.nths.length === 0) problems.nths = l.chooseNth;
  if (form.repeat !== 'none' && form.ends === 'until' && !form.until) problems.until = l.required;
  return problems;
}

export function formToInput(form: EntryForm): ScheduleEntryInput {
  const [userId, personFacility] = form.person.split('|');
  const who =
    form.who === 'person'
      ? { userId: userId ?? '', facilityOid: personFacility ?? '' }
      : { userId: null, facilityOid: form.facility };
  const ending = {
    until: form.ends === 'until' && form.until ? form.until : null,
    count: form.ends === 'count' ? form.count : null,
  };
  const weekdays = form.weekdays.map(Number).sort((a, b) => a - b);
  const recurrence: ScheduleEntryInput['recurrence'] =
    form.repeat === 'none'
      ? { type: 'none' }
      : form.repeat === 'monthly'
        ? {
            type: 'monthly',
            weekdays,
            nths: form.nths.map(Number),
            interval: Math.max(1, form.interval),
            ...ending,
          }
        : {
            type: 'weekly',
            weekdays,
            interval: form.repeat === 'every-weeks' ? Math.max(1, form.interval) : 1,
            ...ending,
          };
  return {
    kind: form.kind,
    ...who,
    date: form.date,
    startTime: form.startTime,
    endTime: form.endTime,
    nights: form.nights,
    note: form.note.trim() || null,
    recurrence,
  };
}

/** The hub's field names (`recurrence.until`, `userId`) → the form's. */
export function formField(field: string): keyof EntryForm | null {
  const map: Record<string, keyof EntryForm> = {
    kind: 'kind',
    userId: 'person',
    facilityOid: 'facility',
    date: 'date',
    startTime: 'startTime',
    endTime: 'endTime',
    nights: 'nights',
    note: 'note',
    recurrence: 'repeat',
    'recurrence.weekdays': 'weekdays',
    'recurrence.nths': 'nths',
    'recurrence.interval': 'interval',
    'recurrence.until': 'until',
    'recurrence.count': 'count',
  };
  return map[field] ?? map[field.split('.').slice(0, 2).join('.')] ?? map[field.split('.')[0] ?? ''] ?? null;
}
