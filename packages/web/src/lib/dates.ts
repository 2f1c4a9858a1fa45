/**
 * Dates as Japanese clinicians read them: western (2025/03/04) and, where expected (birth dates,
 * headers, printed forms), wareki (令和7年3月4日) from Intl's Japanese calendar. Every clinical time
 * is shown in Japan time; a day without a time is shown as that day, never shifted by a zone.
 */
import type { Lang } from '../api/errors';

const DAY_ONLY = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/;
const TOKYO = 'Asia/Tokyo';

/** A Date and the zone to read it in: day-only values are read in UTC so the day never moves. */
function instant(value: string): { date: Date; timeZone: string; hasTime: boolean } | null {
  const day = DAY_ONLY.exec(value);
  if (day) {
    const date = new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3] ?? '1')));
    return { date, timeZone: 'UTC', hasTime: false };
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return null;
  return { date: new Date(ms), timeZone: TOKYO, hasTime: /T\d\d:\d\d/.test(value) };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, f);
  }
  return f;
}

/** 2025/03/04 (both languages: the numeric form is unambiguous to Japanese and English readers here). */
export function westernDate(value: string | null | undefined): string {
  if (!value) return '—';
  const at = instant(value);
  if (!at) return value;
  return formatter('ja-JP', {
    timeZone: at.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at.date);
}

/** 2025/03/04 14:05 when the value has a time, else the day. */
export function westernDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const at = instant(value);
  if (!at) return value;
  if (!at.hasTime) return westernDate(value);
  return formatter('ja-JP', {
    timeZone: at.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(at.date);
}

/** 令和7年3月4日 (Intl's Japanese calendar; 元年 is written 1年 by Intl, which is what forms accept). */
export function warekiDate(value: string | null | undefined): string {
  if (!value) return '';
  const at = instant(value);
  if (!at) return '';
  return formatter('ja-JP-u-ca-japanese', {
    timeZone: at.timeZone,
    era: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  }).format(at.date);
}

/** A month (YYYY-MM): "2024/05（令和6年5月）" in Japanese (a claim's 診療年月), "2024/05" in English. */
export function monthWithWareki(month: string | null | undefined, lang: Lang): string {
  const m = /^(\d{4})-(\d{2})/.exec(month ?? '');
  if (!m) return '—';
  const western = `${m[1]}/${m[2]}`;
  if (lang !== 'ja') return western;
  const at = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
  const wareki = formatter('ja-JP-u-ca-japanese', {
    timeZone: 'UTC',
    era: 'long',
    year: 'numeric',
    month: 'long',
  }).format(at);
  return `${western}（${wareki}）`;
}

/** "1950/04/01（昭和25年4月1日）" in Japanese, "1950/04/01" in English. */
export function dateWithWareki(value: string | null | undefined, lang: Lang): string {
  if (!value) return '—';
  const western = westernDate(value);
  return lang === 'ja' ? `${western}（${warekiDate(value)}）` : western;
}

/** Full years between a birth date (YYYY-MM-DD) and today (in Japan). */
export function ageOn(birthDate: string, today: string = todayInJapan()): number | null {
  const b = DAY_ONLY.exec(birthDate);
  const t = DAY_ONLY.exec(today);
  if (!b || !t || !b[3] || !t[3]) return null;
  let age = Number(t[1]) - Number(b[1]);
  if (`${t[2]}${t[3]}` < `${b[2]}${b[3]}`) age -= 1;
  return age;
}

/** YYYY-MM-DD of today in Japan. */
export function todayInJapan(now: Date = new Date()): string {
  return new Date(now.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
}

/** YYYY-MM-DD `years` years before today in Japan. */
export function yearsAgo(years: number, now: Date = new Date()): string {
  const today = todayInJapan(now);
  return `${Number(today.slice(0, 4)) - years}${today.slice(4)}`;
}

/** The day part (YYYY-MM-DD) of a FHIR date or date-time, in Japan time. */
export function dayOf(value: string | null | undefined): string | null {
  if (!value) return null;
  if (DAY_ONLY.test(value)) return value.length === 7 ? `${value}-01` : value;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return null;
  return todayInJapan(new Date(ms));
}

/** Era initials and names → the western year of the era's first year. */
const ERAS: ReadonlyArray<{ names: readonly string[]; first: number }> = [
  { names: ['R', '令和', '令'], first: 2019 },
  { names: ['H', '平成', '平'], first: 1989 },
  { names: ['S', '昭和', '昭'], first: 1926 },
  { names: ['T', '大正', '大'], first: 1912 },
  { names: ['M', '明治', '明'], first: 1868 },
];

const pad = (n: number) => String(n).padStart(2, '0');

function validDay(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/**
 * A birth date typed the ways reception staff type it: 1975/3/2, 1975-03-02, 19750302, S50.3.2,
 * s50/3/2, 昭和50年3月2日, R1.5.1, 令和元年5月1日 (full-width digits too). Null when it is not a date.
 */
export function parseDateInput(input: string): string | null {
  const s = input.normalize('NFKC').trim().replace(/元年/, '1年').replace(/\s+/g, '');
  if (s === '') return null;
  let m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return validDay(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{4})[/.\-年](\d{1,2})[/.\-月](\d{1,2})日?$/.exec(s);
  if (m) return validDay(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^([A-Za-z]|[^\d\s]{1,2})(\d{1,2})[/.\-年](\d{1,2})[/.\-月](\d{1,2})日?$/.exec(s);
  if (m) {
    const eraText = m[1]!.toUpperCase();
    const era = ERAS.find((e) => e.names.includes(eraText) || e.names.includes(m![1]!));
    if (!era) return null;
    return validDay(era.first + Number(m[2]) - 1, Number(m[3]), Number(m[4]));
  }
  return null;
}
