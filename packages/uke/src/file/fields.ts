// Typed reading of one record's fields, with an error (line, field number and name, reason) for every
// field that is missing or not of its type. Plain character loops: a month's file has tens of
// thousands of records, and a regex per field would be most of the parse time.
import { type ErrorList, shown } from './errors.js';
import { fieldName } from './layout.js';
import { type DateResult, ERAS, ukeDate, ukeMonth } from './wareki.js';

interface Reason {
  en: string;
  ja: string;
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

function allDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

/** Plain decimal: digits with at most one point inside (使用量 `0.039`, 数量 `2`). */
function isDecimal(s: string): boolean {
  let point = false;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) digits++;
    else if (c === 0x2e && !point && i > 0 && i < s.length - 1) point = true;
    else return false;
  }
  return digits > 0;
}

/** Printable ASCII (英数 fields). */
function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

const isSpace = (c: number) => c === 0x20 || c === 0x3000;

/** Removes padding: ASCII and full-width spaces at both ends. */
export function trimPadding(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isSpace(s.charCodeAt(a))) a++;
  while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

function dateReason(r: DateResult & { ok: false }, month: boolean, value: string): Reason {
  if (r.problem === 'era') return { en: 'unknown 元号 code (1–5)', ja: '年号区分コードが不正です（1〜5）' };
  if (r.problem === 'before-era') {
    const era = ERAS[value[0]!]?.name ?? '';
    return { en: `before the first day of ${era}`, ja: `${era}の開始前の日付です` };
  }
  return month
    ? { en: 'not a year-month (GYYMM 和暦 or YYYYMM)', ja: '年月として不正です（GYYMM または YYYYMM）' }
    : { en: 'not a date (GYYMMDD 和暦 or YYYYMMDD)', ja: '日付として不正です（GYYMMDD または YYYYMMDD）' };
}

export interface DigitsRule {
  /** Exact length. */
  len?: number;
  /** Length range. */
  min?: number;
  max?: number;
}

export class FieldReader {
  constructor(
    private readonly fields: readonly string[],
    readonly line: number,
    readonly record: string,
    private readonly errors: ErrorList,
  ) {}

  get length(): number {
    return this.fields.length;
  }

  /** Field i (1-based) with ASCII spaces trimmed; '' when absent. */
  raw(i: number): string {
    const v = this.fields[i - 1];
    if (v === undefined || v.length === 0) return '';
    const c0 = v.charCodeAt(0);
    const cn = v.charCodeAt(v.length - 1);
    return c0 === 0x20 || cn === 0x20 ? v.trim() : v;
  }

  bad(i: number, reason: Reason, value?: string): undefined {
    this.errors.add({
      code: 'uke-bad-field',
      line: this.line,
      field: i,
      fieldName: fieldName(this.record, i),
      record: this.record,
      ...(value !== undefined && value !== '' ? { value: shown(value) } : {}),
      message: `${this.record}-${i} ${fieldName(this.record, i)}: ${reason.en}`,
      messageJa: `${this.record}の${i}番目の項目（${fieldName(this.record, i)}）: ${reason.ja}`,
    });
    return undefined;
  }

  private missing(i: number): undefined {
    return i > this.fields.length
      ? this.bad(i, {
          en: `missing: the record has only ${this.fields.length} fields (cut short?)`,
          ja: `項目がありません（${this.fields.length}項目しかありません。行が途中で切れていませんか）`,
        })
      : this.bad(i, { en: 'required, but empty', ja: '必須項目が記録されていません' });
  }

  /** Text field (漢字 or 英数): padding removed; undefined when empty. */
  text(i: number, required = false, maxLength?: number): string | undefined {
    const v = this.fields[i - 1];
    const t = v === undefined ? '' : trimPadding(v);
    if (t === '') return required ? this.missing(i) : undefined;
    if (maxLength !== undefined && t.length > maxLength)
      return this.bad(i, { en: `longer than ${maxLength} characters`, ja: `${maxLength}文字を超えています` });
    return t;
  }

  /** 英数 field (ASCII), e.g. カルテ番号等. */
  ascii(i: number, maxLength: number): string | undefined {
    const v = this.raw(i);
    if (v === '') return undefined;
    if (!isAscii(v)) return this.bad(i, { en: 'must be ASCII (英数)', ja: '英数字で記録してください' });
    if (v.length > maxLength)
      return this.bad(i, { en: `longer than ${maxLength} characters`, ja: `${maxLength}文字を超えています` });
    return v;
  }

  /** Digits (a code or a count), by length rule. */
  digits(i: number, rule: DigitsRule, required = false): string | undefined {
    const v = this.raw(i);
    if (v === '') return required ? this.missing(i) : undefined;
    const min = rule.len ?? rule.min ?? 1;
    const max = rule.len ?? rule.max ?? 12;
    if (!allDigits(v) || v.length < min || v.length > max) {
      const what = min === max ? `${min}` : `${min}–${max}`;
      return this.bad(
        i,
        {
          en: `must be ${what} digits`,
          ja: `数字${min === max ? min : `${min}〜${max}`}桁で記録してください`,
        },
        v,
      );
    }
    return v;
  }

  int(i: number, required = false, maxDigits = 9): number | undefined {
    const v = this.digits(i, { min: 1, max: maxDigits }, required);
    return v === undefined ? undefined : Number(v);
  }

  decimal(i: number, required = false): number | undefined {
    const v = this.raw(i);
    if (v === '') return required ? this.missing(i) : undefined;
    if (!isDecimal(v) || v.length > 16)
      return this.bad(i, { en: 'must be a number', ja: '数値で記録してください' }, v);
    return Number(v);
  }

  date(i: number, required = false): string | undefined {
    const v = this.raw(i);
    if (v === '') return required ? this.missing(i) : undefined;
    const r = ukeDate(v);
    return r.ok ? r.value : this.bad(i, dateReason(r, false, v), v);
  }

  month(i: number, required = false): string | undefined {
    const v = this.raw(i);
    if (v === '') return required ? this.missing(i) : undefined;
    const r = ukeMonth(v);
    return r.ok ? r.value : this.bad(i, dateReason(r, true, v), v);
  }

  oneOf<T extends string>(i: number, values: readonly T[], required = false): T | undefined {
    const v = this.raw(i);
    if (v === '') return required ? this.missing(i) : undefined;
    if ((values as readonly string[]).includes(v)) return v as T;
    return this.bad(
      i,
      { en: `must be one of ${values.join(', ')}`, ja: `${values.join('、')}のいずれかを記録してください` },
      v,
    );
  }
}
