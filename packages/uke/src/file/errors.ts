// Errors are values: every problem of a file (or a master file) with the file, line, field and a stable
// code, in English and Japanese. Values of text fields (names, comments) are never echoed: an error goes
// to logs and to the uploader, and a patient's name has no business there.

export type UkeErrorCode =
  /** The file, or one of its lines, is over the bound. */
  | 'uke-too-large'
  /** Not Shift_JIS (JIS X 0208), or a character the spec does not allow (control, 外字, half-width kana). */
  | 'uke-encoding'
  /** The record type (field 1) is not one of the 医科 record types. */
  | 'uke-unknown-record'
  /** A required field is empty, or a field is not of its type (digits, date, code …). */
  | 'uke-bad-field'
  /** Records out of order: IR first, RE … per claim, GO last; a claim without SY or HO/KO; counts. */
  | 'uke-structure'
  /** Mapping: the claim has no カルテ番号等 (RE-14), so it cannot be linked to the clinic's patient. */
  | 'uke-no-patient-id'
  /** Mapping: one カルテ番号 with two different people (name, sex or birth date) in one file. */
  | 'uke-patient-conflict'
  /** Mapping: the file is another facility's (IR 医療機関コード ≠ the uploader's institution code). */
  | 'uke-facility-mismatch'
  /** Master: the file is not the master asked for (column 2 is not B / Z / Y). */
  | 'uke-master-kind'
  /** Master: one code on two rows. */
  | 'uke-master-duplicate'
  /** More errors than the bound: the list stops here. */
  | 'uke-too-many-errors'
  /** The reader itself failed (a bug): nothing is imported. */
  | 'uke-internal';

export interface UkeError {
  code: UkeErrorCode;
  /** The uploaded file's name (as given by the caller). */
  file: string;
  /** 1-based line (record) number. */
  line?: number;
  /** 1-based field number in the record (field 1 is the record type). */
  field?: number;
  /** The field's name in the spec (傷病名コード, 診療開始日 …). */
  fieldName?: string;
  /** Record type (IR, RE, SY …) or master kind. */
  record?: string;
  /** The offending value, for code/number/date fields only (never a name or free text). */
  value?: string;
  message: string;
  messageJa: string;
}

/** A problem that does not stop the import: the record is mapped, and the warning says what is missing. */
export type UkeWarningCode = 'uke-unknown-disease' | 'uke-unknown-modifier' | 'uke-unknown-drug';

export interface UkeWarning {
  code: UkeWarningCode;
  file: string;
  line: number;
  field: number;
  record: string;
  value: string;
  message: string;
  messageJa: string;
}

/** Default bound on the errors of one file: garbage input must not build a huge report. */
export const MAX_ERRORS = 1000;

/** Collects errors up to a bound; past it, one `uke-too-many-errors` closes the list. */
export class ErrorList {
  readonly errors: UkeError[] = [];
  private full = false;

  constructor(
    readonly file: string,
    private readonly max = MAX_ERRORS,
  ) {}

  get count(): number {
    return this.errors.length;
  }

  add(error: Omit<UkeError, 'file'>): void {
    if (this.full) return;
    if (this.errors.length >= this.max) {
      this.full = true;
      this.errors.push({
        code: 'uke-too-many-errors',
        file: this.file,
        message: `more than ${this.max} errors: the list stops here`,
        messageJa: `エラーが${this.max}件を超えたため、以降は省略します`,
      });
      return;
    }
    this.errors.push({ file: this.file, ...error });
  }
}

/** Runs a reader or mapper: a throw (a bug) becomes `uke-internal`, never an exception to the caller. */
export function withoutThrowing<T>(
  errors: ErrorList,
  what: string,
  run: () => T,
): T | { ok: false; errors: UkeError[] } {
  try {
    return run();
  } catch (e) {
    errors.add({
      code: 'uke-internal',
      message: `${what} failure (a bug, please report): ${e instanceof Error ? e.message : String(e)}`,
      messageJa: '内部エラーです（不具合として報告してください）。取り込みは行っていません',
    });
    return { ok: false, errors: errors.errors };
  }
}

/** Shows a value in an error: printable, at most 40 characters. */
export function shown(value: string): string {
  const v = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  let out = '';
  for (const ch of v) {
    const cp = ch.codePointAt(0) ?? 0;
    out += cp < 0x20 || cp === 0x7f ? `\\u${cp.toString(16).padStart(4, '0')}` : ch;
  }
  return out;
}

/** One line for logs: `file:line field N (name): message [code]`. */
export function formatUkeError(e: UkeError): string {
  const where = [
    e.file,
    e.line !== undefined ? `:${e.line}` : '',
    e.field !== undefined ? ` field ${e.field}${e.fieldName ? ` (${e.fieldName})` : ''}` : '',
  ].join('');
  return `${where}: ${e.message} [${e.code}]`;
}
