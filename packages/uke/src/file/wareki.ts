// Dates of the 記録条件仕様: 和暦 with the 元号 code first (別表 年号区分コード: 1 明治, 2 大正, 3 昭和,
// 4 平成, 5 令和), GYYMMDD for a day and GYYMM for a month. The length tells them apart from 西暦
// (YYYYMMDD, YYYYMM), which files written to a later spec version may hold: both are read exactly.
//
// A date before its era began (平成1年1月7日 = 昭和64年1月7日) is an error. A date after its era ended
// is read by arithmetic (平成31年5月 = 2019-05): the transition months of 2019 were written that way by
// some レセコン and the meaning is unambiguous, so rejecting a month's file for it would help no one.

interface Era {
  name: string;
  /** Gregorian year of the era's year 1. */
  base: number;
  /** First day: [year, month, day]. */
  start: readonly [number, number, number];
}

export const ERAS: Readonly<Record<string, Era>> = {
  '1': { name: '明治', base: 1868, start: [1868, 1, 25] },
  '2': { name: '大正', base: 1912, start: [1912, 7, 30] },
  '3': { name: '昭和', base: 1926, start: [1926, 12, 25] },
  '4': { name: '平成', base: 1989, start: [1989, 1, 8] },
  '5': { name: '令和', base: 2019, start: [2019, 5, 1] },
};

export type DateProblem = 'format' | 'era' | 'before-era';

export type DateResult = { ok: true; value: string } | { ok: false; problem: DateProblem };

function digitsOnly(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

const num = (s: string, from: number, to: number) => Number(s.slice(from, to));

export function daysInMonth(year: number, month: number): number {
  if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

function ymd(year: number, month: number, day: number | undefined): DateResult {
  if (year < 1 || month < 1 || month > 12) return { ok: false, problem: 'format' };
  if (day !== undefined && (day < 1 || day > daysInMonth(year, month)))
    return { ok: false, problem: 'format' };
  const ym = `${String(year).padStart(4, '0')}-${pad2(month)}`;
  return { ok: true, value: day === undefined ? ym : `${ym}-${pad2(day)}` };
}

function wareki(s: string, withDay: boolean): DateResult {
  const era = ERAS[s[0]!];
  if (!era) return { ok: false, problem: 'era' };
  const yy = num(s, 1, 3);
  const month = num(s, 3, 5);
  const day = withDay ? num(s, 5, 7) : undefined;
  if (yy < 1) return { ok: false, problem: 'format' };
  const year = era.base + yy - 1;
  const r = ymd(year, month, day);
  if (!r.ok) return r;
  const [sy, sm, sd] = era.start;
  const before =
    year < sy || (year === sy && (month < sm || (day !== undefined && month === sm && day < sd)));
  return before ? { ok: false, problem: 'before-era' } : r;
}

/** GYYMMDD (和暦) or YYYYMMDD (西暦) → `YYYY-MM-DD`. */
export function ukeDate(s: string): DateResult {
  if ((s.length !== 7 && s.length !== 8) || !digitsOnly(s)) return { ok: false, problem: 'format' };
  if (s.length === 7) return wareki(s, true);
  return ymd(num(s, 0, 4), num(s, 4, 6), num(s, 6, 8));
}

/** GYYMM (和暦) or YYYYMM (西暦) → `YYYY-MM`. */
export function ukeMonth(s: string): DateResult {
  if ((s.length !== 5 && s.length !== 6) || !digitsOnly(s)) return { ok: false, problem: 'format' };
  if (s.length === 5) return wareki(s, false);
  return ymd(num(s, 0, 4), num(s, 4, 6), undefined);
}
