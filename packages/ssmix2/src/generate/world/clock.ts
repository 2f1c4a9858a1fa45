/**
 * The simulated clock. Days are integers (days since 1970-01-01, JST calendar days); times are
 * minutes after midnight. Nothing here reads the real clock, so output depends on the seed and the
 * end date alone.
 */

const MS_PER_DAY = 86_400_000;

export function dayFromYmd(ymd: string): number {
  const y = Number(ymd.slice(0, 4));
  const m = Number(ymd.slice(4, 6));
  const d = Number(ymd.slice(6, 8));
  return Math.floor(Date.UTC(y, m - 1, d) / MS_PER_DAY);
}

/** True when `ymd` is a real calendar date written as YYYYMMDD. */
export function isValidYmd(ymd: string): boolean {
  if (!/^\d{8}$/.test(ymd)) return false;
  const day = dayFromYmd(ymd);
  return Number.isFinite(day) && ymdFromDay(day) === ymd;
}

export function ymdFromDay(day: number): string {
  const date = new Date(day * MS_PER_DAY);
  return (
    String(date.getUTCFullYear()).padStart(4, '0') +
    String(date.getUTCMonth() + 1).padStart(2, '0') +
    String(date.getUTCDate()).padStart(2, '0')
  );
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Moves a day off Sunday (clinics are closed); Saturday mornings are kept as real clinics open. */
export function workday(day: number): number {
  return weekday(day) === 0 ? day + 1 : day;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `YYYYMMDDHHMM` for a day and minute of day. */
export function stamp12(day: number, minute: number): string {
  const d = day + Math.floor(minute / 1440);
  const m = ((minute % 1440) + 1440) % 1440;
  return ymdFromDay(d) + pad2(Math.floor(m / 60)) + pad2(m % 60);
}

/** `YYYYMMDDHHMMSS`. */
export function stamp14(day: number, minute: number, second: number): string {
  return stamp12(day, minute) + pad2(second);
}

/** The 17-digit file-name timestamp `yyyyMMddHHmmssfff`. */
export function stamp17(day: number, minute: number, second: number, ms: number): string {
  return stamp14(day, minute, second) + String(ms).padStart(3, '0');
}

/** Age in whole years on a day, from a YYYYMMDD birth date. */
export function ageOn(birthYmd: string, day: number): number {
  const today = ymdFromDay(day);
  let age = Number(today.slice(0, 4)) - Number(birthYmd.slice(0, 4));
  if (today.slice(4) < birthYmd.slice(4)) age -= 1;
  return age;
}
