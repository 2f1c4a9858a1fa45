// ORCA's dates. The JSON answers write `YYYY-MM-DD` (and `YYYY-MM` for months, `HH:MM:SS` for times);
// `9999-12-31` is "no end". Some fields and older answers carry 和暦 (wareki): `R06.01.05`, `H29.6.28`,
// `令和6年1月5日`, or ORCA's internal `GYYMMDD` (G = 1 明治 … 5 令和). All become ISO dates here.

/** First day of each era, in the order of ORCA's internal era digit (1 明治 … 5 令和). */
const ERAS = [
  { digit: '1', letter: 'M', kanji: '明治', start: '1868-01-25' },
  { digit: '2', letter: 'T', kanji: '大正', start: '1912-07-30' },
  { digit: '3', letter: 'S', kanji: '昭和', start: '1926-12-25' },
  { digit: '4', letter: 'H', kanji: '平成', start: '1989-01-08' },
  { digit: '5', letter: 'R', kanji: '令和', start: '2019-05-01' },
] as const;

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const INTERNAL = /^([1-5])(\d{2})(\d{2})(\d{2})$/;
const LETTER = /^([MTSHR])\s*(\d{1,2})[./-](\d{1,2})[./-](\d{1,2})$/i;
const KANJI = /^(明治|大正|昭和|平成|令和)\s*(元|\d{1,2})年\s*(\d{1,2})月\s*(\d{1,2})日$/;

/** Calendar check (proleptic Gregorian). */
export function isCalendarDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const last =
    m === 2
      ? (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
        ? 29
        : 28
      : [4, 6, 9, 11].includes(m)
        ? 30
        : 31;
  return d <= last;
}

const iso = (y: number, m: number, d: number) =>
  `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

function fromEra(era: (typeof ERAS)[number], year: number, m: number, d: number): string | undefined {
  if (year < 1) return undefined;
  const y = Number(era.start.slice(0, 4)) + year - 1;
  if (!isCalendarDate(y, m, d)) return undefined;
  const value = iso(y, m, d);
  // A date before its era began is not a date of that era (平成1年1月7日 was 昭和64年).
  return value < era.start ? undefined : value;
}

/**
 * An ORCA date as ISO `YYYY-MM-DD`, or undefined when the text is not a calendar date in any of the
 * forms ORCA writes. Blank text is the caller's business (absent), not a bad date.
 */
export function parseOrcaDate(text: string): string | undefined {
  const t = text.trim().normalize('NFKC');
  let m = ISO.exec(t) ?? COMPACT.exec(t);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return isCalendarDate(y, mo, d) ? iso(y, mo, d) : undefined;
  }
  m = INTERNAL.exec(t);
  if (m) {
    const era = ERAS.find((e) => e.digit === m![1]);
    return era && fromEra(era, Number(m[2]), Number(m[3]), Number(m[4]));
  }
  m = LETTER.exec(t);
  if (m) {
    const era = ERAS.find((e) => e.letter === m![1]!.toUpperCase());
    return era && fromEra(era, Number(m[2]), Number(m[3]), Number(m[4]));
  }
  m = KANJI.exec(t);
  if (m) {
    const era = ERAS.find((e) => e.kanji === m![1]);
    return era && fromEra(era, m[2] === '元' ? 1 : Number(m[2]), Number(m[3]), Number(m[4]));
  }
  return undefined;
}

/** ISO date → 和暦 in ORCA's dotted form (`R06.01.05`); for tests and the simulator. */
export function toWareki(isoDate: string): string | undefined {
  const m = ISO.exec(isoDate);
  if (!m) return undefined;
  const era = [...ERAS].reverse().find((e) => isoDate >= e.start);
  if (!era) return undefined;
  const year = Number(m[1]) - Number(era.start.slice(0, 4)) + 1;
  return `${era.letter}${String(year).padStart(2, '0')}.${m[2]}.${m[3]}`;
}

/** `YYYY-MM` (診療年月). */
export function parseOrcaMonth(text: string): string | undefined {
  const m = /^(\d{4})-(\d{2})$/.exec(text.trim());
  return m && Number(m[2]) >= 1 && Number(m[2]) <= 12 ? `${m[1]}-${m[2]}` : undefined;
}

/** `HH:MM:SS` (or `HH:MM`) as `HH:MM:SS`. */
export function parseOrcaTime(text: string): string | undefined {
  const m = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!m) return undefined;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? '0')];
  return h < 24 && mi < 60 && s < 60 ? `${m[1]}:${m[2]}:${m[3] ?? '00'}` : undefined;
}

/** ORCA's "no end" date. */
export const OPEN_END = '9999-12-31';

/** Days between two ISO dates (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** ISO date plus n days. */
export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** Today in Japan (ORCA's clock is JST) for a given instant. */
export function jstDate(now: Date): string {
  return new Date(now.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
}

/** Months from `from` to `to` inclusive (`YYYY-MM` each), oldest first. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))];
  const [ty, tm] = [Number(to.slice(0, 4)), Number(to.slice(5, 7))];
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}
