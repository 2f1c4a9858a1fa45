// Reading an ORCA answer field by field, with the path of every field kept for errors. ORCA's quirks
// are handled once, here: arrays padded to their maximum with empty records `{}`, numbers written as
// strings (`00001.00000`, `     0`), blanks and full-width spaces for "nothing", `True`/`False` flags,
// ISO and 和暦 dates. Anything else that does not fit is an `orca-bad-answer` naming the field.
import { excerpt, OrcaError } from '../errors.js';
import { OPEN_END, parseOrcaDate, parseOrcaMonth, parseOrcaTime } from './dates.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A padded record: `{}` or a record holding only blanks (ORCA fills fixed-size arrays with these). */
export function isBlankRecord(v: unknown): boolean {
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.every(isBlankRecord);
  if (isObject(v)) return Object.values(v).every(isBlankRecord);
  return v === null || v === undefined;
}

/** Trims ASCII and full-width spaces (ORCA writes `　` for an empty 禁忌, `     0` for numbers). */
const trim = (s: string) => s.replace(/^[\s\u3000]+|[\s\u3000]+$/g, '');

/** A plain decimal, possibly zero-padded or space-padded, possibly negative. */
const DECIMAL = /^[+-]?\d+(\.\d+)?$/;

export class Fields {
  constructor(
    private readonly value: Json,
    /** JSON path of this record, e.g. `patientinfores.Patient_Information`. */
    readonly path: string,
    /** The API the answer came from, for errors. */
    readonly api: string,
  ) {}

  /** The answer's body: the object under `key` (most APIs wrap it), or the whole answer (forms). */
  static root(answer: unknown, api: string, key?: string): Fields {
    if (!isObject(answer))
      throw new OrcaError('orca-bad-answer', { api, detail: 'the answer is not an object' });
    if (key === undefined) return new Fields(answer, '', api);
    const body = answer[key];
    if (!isObject(body))
      throw new OrcaError('orca-bad-answer', { api, path: key, detail: `no '${key}' record in the answer` });
    return new Fields(body, key, api);
  }

  private at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  fail(key: string, detail: string, value?: unknown): never {
    throw new OrcaError('orca-bad-answer', {
      api: this.api,
      path: this.at(key),
      detail,
      ...(value !== undefined ? { value: excerpt(value) } : {}),
    });
  }

  has(key: string): boolean {
    return !isBlankRecord(this.value[key]);
  }

  /** A string field, trimmed; undefined when missing or blank. A non-string is a bad answer. */
  text(key: string): string | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') this.fail(key, 'expected a string', v);
    const t = trim(v);
    return t === '' ? undefined : t;
  }

  requiredText(key: string): string {
    return this.text(key) ?? this.fail(key, 'required field is missing');
  }

  /** A code: text that must match `pattern` when present. */
  code(key: string, pattern: RegExp): string | undefined {
    const t = this.text(key);
    if (t !== undefined && !pattern.test(t)) this.fail(key, `does not match ${pattern}`, t);
    return t;
  }

  requiredCode(key: string, pattern: RegExp): string {
    return this.code(key, pattern) ?? this.fail(key, 'required field is missing');
  }

  /** A date (ISO or 和暦) as `YYYY-MM-DD`; `9999-12-31` stays (use `endDate` for "no end"). */
  date(key: string): string | undefined {
    const t = this.text(key);
    if (t === undefined) return undefined;
    return parseOrcaDate(t) ?? this.fail(key, 'not a calendar date', t);
  }

  requiredDate(key: string): string {
    return this.date(key) ?? this.fail(key, 'required date is missing');
  }

  /** An end date: `9999-12-31` (ORCA's "no end") is read as absent. */
  endDate(key: string): string | undefined {
    const d = this.date(key);
    return d === OPEN_END ? undefined : d;
  }

  month(key: string): string | undefined {
    const t = this.text(key);
    if (t === undefined) return undefined;
    return parseOrcaMonth(t) ?? this.fail(key, 'not a month (YYYY-MM)', t);
  }

  time(key: string): string | undefined {
    const t = this.text(key);
    if (t === undefined) return undefined;
    return parseOrcaTime(t) ?? this.fail(key, 'not a time (HH:MM:SS)', t);
  }

  /** A number written as a string (`00001.00000` → 1, `     0` → 0). */
  number(key: string): number | undefined {
    const t = this.text(key);
    if (t === undefined) return undefined;
    const n = t.normalize('NFKC');
    if (!DECIMAL.test(n)) this.fail(key, 'not a number', t);
    return Number(n);
  }

  /** `True` / `False` (ORCA's booleans). */
  flag(key: string): boolean | undefined {
    const t = this.text(key);
    if (t === undefined) return undefined;
    if (t === 'True') return true;
    if (t === 'False') return false;
    return this.fail(key, "expected 'True' or 'False'", t);
  }

  /** A nested record; undefined when missing or blank. */
  record(key: string): Fields | undefined {
    const v = this.value[key];
    if (v === undefined || v === null || isBlankRecord(v)) return undefined;
    if (!isObject(v)) this.fail(key, 'expected a record', v);
    return new Fields(v, this.at(key), this.api);
  }

  /**
   * A repeated record: the array's non-blank records, each with its own path (index kept as in the
   * answer). A single record where an array is expected (what XML→JSON gives for one child) is read
   * as an array of one.
   */
  records(key: string): Fields[] {
    const v = this.value[key];
    if (v === undefined || v === null || v === '') return [];
    const list = Array.isArray(v) ? v : isObject(v) ? [v] : this.fail(key, 'expected an array of records', v);
    const out: Fields[] = [];
    list.forEach((item, i) => {
      if (isBlankRecord(item)) return;
      if (!isObject(item)) this.fail(`${key}[${i}]`, 'expected a record', item);
      out.push(new Fields(item, this.at(`${key}[${i}]`), this.api));
    });
    return out;
  }

  /** A repeated string (`Memo2`, `Name` of the hospital): the non-blank ones. */
  texts(key: string): string[] {
    const v = this.value[key];
    if (v === undefined || v === null) return [];
    const list = Array.isArray(v) ? v : [v];
    return list.flatMap((item, i) => {
      if (typeof item !== 'string') this.fail(`${key}[${i}]`, 'expected a string', item);
      const t = trim(item);
      return t === '' ? [] : [t];
    });
  }
}

/** ORCA's patient number: 1–20 letters or digits (the clinic sets the width; leading zeros kept). */
export const PATIENT_ID = /^[0-9A-Za-z]{1,20}$/;
/** 診療科コード, 保険組合せ番号, ドクターコード and similar short codes. */
export const SHORT_CODE = /^[0-9A-Za-z]{1,10}$/;

/** `{ key: value }` when the value is present, `{}` otherwise (keeps optional fields truly absent). */
export function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** What every answer carries: ORCA's date and time, a warning Api_Result, the raw JSON. */
export function answerHead(body: Fields, raw: unknown, outcome: { kind: string; warning?: string }) {
  const time = body.time('Information_Time');
  return {
    informationDate: body.requiredDate('Information_Date'),
    ...opt('informationTime', time),
    ...opt('warning', outcome.kind === 'ok' ? outcome.warning : undefined),
    raw,
  };
}
