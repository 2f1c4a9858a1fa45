// A UKE file (レセプト電算処理システム, 医科) → typed records, or every error in it. One pass: the whole
// file is decoded once, split at LF, each line split at commas (the spec has no quoting: 漢字 fields are
// full-width, so an ASCII comma is always a separator), and each record typed by its first field.
//
// Structure (記録条件仕様): IR first; per claim RE, then its HO/KO/SY/SI/IY/TO/CO (and the kept records)
// until the next RE; GO last, with 総件数 = the number of claims. A file is valid only when it has no
// error at all: the caller imports all of it or nothing.
import { ErrorList, shown, type UkeError, withoutThrowing } from './errors.js';
import { FieldReader } from './fields.js';
import { KEPT_RECORDS, MAPPED_RECORDS } from './layout.js';
import {
  type ClaimState,
  claimRecords,
  readClaim,
  readComment,
  readDiagnosis,
  readDrug,
  readInstitution,
  readInsurance,
  readMaterial,
  readProcedure,
  readPublicPayer,
  readTotal,
} from './records.js';
import { decodeShiftJis } from './text.js';
import type { UkeClaim, UkeFile, UkeInstitution, UkeTotal } from './types.js';

export interface ParseOptions {
  /** The uploaded file's name: every error carries it. */
  fileName: string;
  /** Bound on the file size (default 64 MiB; a clinic's month is a few MB, a hospital's tens). */
  maxBytes?: number;
  /** Bound on one line in characters (default 65,536; the longest 医科 record is a few hundred). */
  maxLineLength?: number;
  /** Bound on the errors reported (default 1,000). */
  maxErrors?: number;
}

export type UkeParseResult = { ok: true; file: UkeFile } | { ok: false; errors: UkeError[] };

export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_LINE = 65_536;

/** Parses a whole file. Never throws: a failure of the parser itself is an error value too. */
export function parseUke(bytes: Uint8Array, options: ParseOptions): UkeParseResult {
  const errors = new ErrorList(options.fileName, options.maxErrors);
  return withoutThrowing(errors, 'parser', () => parse(bytes, options, errors));
}

function structure(errors: ErrorList, line: number, en: string, ja: string, field?: number) {
  errors.add({ code: 'uke-structure', line, ...(field ? { field } : {}), message: en, messageJa: ja });
}

function parse(bytes: Uint8Array, options: ParseOptions, errors: ErrorList): UkeParseResult {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (bytes.length > maxBytes) {
    errors.add({
      code: 'uke-too-large',
      message: `file of ${bytes.length} bytes is over the bound of ${maxBytes}`,
      messageJa: `ファイルサイズ（${bytes.length}バイト）が上限（${maxBytes}バイト）を超えています`,
    });
    return { ok: false, errors: errors.errors };
  }
  const text = decodeShiftJis(bytes, errors, { what: 'UKE' });
  if (text === undefined) return { ok: false, errors: errors.errors };
  const reader = new FileReader(errors, options.maxLineLength ?? DEFAULT_MAX_LINE);
  reader.read(text);
  const file = reader.finish(options.fileName);
  return errors.count === 0 && file ? { ok: true, file } : { ok: false, errors: errors.errors };
}

/** A claim whose RE is invalid still absorbs its records (their errors are reported too). */
const placeholderClaim = (line: number): UkeClaim => ({
  line,
  receiptNumber: '',
  receiptType: '',
  inpatient: false,
  careMonth: '',
  name: '',
  sex: 'male',
  birthDate: '',
  ...claimRecords(),
});

class FileReader {
  private institution: UkeInstitution | undefined;
  private total: UkeTotal | undefined;
  private readonly claims: UkeClaim[] = [];
  private claim: { value: UkeClaim; valid: boolean; sy: number; hoKo: number } | undefined;
  private state: ClaimState = { careMonth: undefined, category: undefined };
  private readonly receiptNumbers = new Map<string, number>();
  private reCount = 0;
  private records = 0;
  private lastLine = 0;
  private firstRecordSeen = false;
  private afterGoReported = false;
  private goLine = 0;

  constructor(
    private readonly errors: ErrorList,
    private readonly maxLine: number,
  ) {}

  read(text: string): void {
    let pos = 0;
    let lineNo = 0;
    let blank = 0; // first blank line not yet followed by a record
    while (pos < text.length) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      const stop = end > pos && text.charCodeAt(end - 1) === 0x0d ? end - 1 : end;
      lineNo++;
      const line = text.slice(pos, stop);
      pos = end + 1;
      if (line.length === 0) {
        if (blank === 0) blank = lineNo;
        continue;
      }
      if (blank !== 0) {
        this.errors.add({
          code: 'uke-unknown-record',
          line: blank,
          field: 1,
          message: 'empty line between records',
          messageJa: 'レコードの間に空行があります',
        });
        blank = 0;
      }
      this.lastLine = lineNo;
      if (line.length > this.maxLine) {
        this.errors.add({
          code: 'uke-too-large',
          line: lineNo,
          message: `line of ${line.length} characters is over the bound of ${this.maxLine}`,
          messageJa: `行の長さ（${line.length}文字）が上限（${this.maxLine}文字）を超えています`,
        });
        continue;
      }
      this.record(line.split(','), lineNo);
    }
  }

  private record(fields: string[], line: number): void {
    this.records++;
    const type = fields[0]!;
    if (this.goLine) {
      // GO closes the file: what follows is reported once and not read.
      if (!this.afterGoReported)
        structure(
          this.errors,
          line,
          'record after GO (GO must be the last record)',
          'GOレコードの後にレコードがあります',
          1,
        );
      this.afterGoReported = true;
      return;
    }
    if (!this.firstRecordSeen) {
      this.firstRecordSeen = true;
      if (type !== 'IR')
        structure(
          this.errors,
          line,
          'the file must start with an IR record',
          '先頭のレコードがIRではありません',
          1,
        );
    }
    if (!MAPPED_RECORDS.has(type) && !KEPT_RECORDS.has(type)) {
      const printable = /^[\x21-\x7e]{1,8}$/.test(type);
      this.errors.add({
        code: 'uke-unknown-record',
        line,
        field: 1,
        ...(printable ? { value: shown(type) } : {}),
        message: `unknown record type${printable ? ` '${type}'` : ''} (not a 医科 record of the 記録条件仕様)`,
        messageJa: `不明なレコード識別情報です${printable ? `（${type}）` : ''}`,
      });
      return;
    }
    const r = new FieldReader(fields, line, type, this.errors);
    if (type === 'IR') this.ir(r);
    else if (type === 'RE') this.re(r);
    else if (type === 'GO') this.go(r);
    else this.inClaim(type, r, fields);
  }

  private ir(r: FieldReader): void {
    if (this.records !== 1) {
      structure(
        this.errors,
        r.line,
        this.institution ? 'second IR record (one facility per file)' : 'IR must be the first record',
        this.institution ? 'IRレコードが2件以上あります' : 'IRレコードは先頭に記録してください',
        1,
      );
      readInstitution(r);
      return;
    }
    this.institution = readInstitution(r);
    if (this.institution && this.institution.volume !== '00') {
      structure(
        this.errors,
        r.line,
        'multi-volume file (マルチボリューム識別情報 ≠ 00): join the volumes into one file',
        'マルチボリュームのファイルは取り込めません（1ファイルにまとめてください）',
        9,
      );
    }
  }

  private re(r: FieldReader): void {
    this.closeClaim();
    this.reCount++;
    const claim = readClaim(r);
    this.state = { careMonth: claim?.careMonth, category: undefined };
    this.claim = { value: claim ?? placeholderClaim(r.line), valid: claim !== undefined, sy: 0, hoKo: 0 };
    if (!claim) return;
    const earlier = this.receiptNumbers.get(claim.receiptNumber);
    if (earlier !== undefined) {
      structure(
        this.errors,
        r.line,
        `レセプト番号 ${claim.receiptNumber} also on line ${earlier}`,
        `レセプト番号 ${claim.receiptNumber} が重複しています（${earlier}行目）`,
        2,
      );
    } else this.receiptNumbers.set(claim.receiptNumber, r.line);
  }

  private inClaim(type: string, r: FieldReader, fields: string[]): void {
    const current = this.claim;
    if (!current) {
      structure(
        this.errors,
        r.line,
        `${type} record before the first RE`,
        `最初のREレコードより前に${type}レコードがあります`,
        1,
      );
      return;
    }
    const c = current.value;
    switch (type) {
      case 'HO': {
        current.hoKo++;
        const v = readInsurance(r);
        if (v) c.insurances.push(v);
        return;
      }
      case 'KO': {
        current.hoKo++;
        const v = readPublicPayer(r);
        if (v) c.publicPayers.push(v);
        return;
      }
      case 'SY': {
        current.sy++;
        const v = readDiagnosis(r);
        if (v) c.diagnoses.push(v);
        return;
      }
      case 'SI': {
        const v = readProcedure(r, this.state);
        if (v) c.procedures.push(v);
        return;
      }
      case 'IY': {
        const v = readDrug(r, this.state);
        if (v) c.drugs.push(v);
        return;
      }
      case 'TO': {
        const v = readMaterial(r, this.state);
        if (v) c.materials.push(v);
        return;
      }
      case 'CO': {
        const v = readComment(r, this.state);
        if (v) c.comments.push(v);
        return;
      }
      default:
        c.others.push({ line: r.line, type, fields });
    }
  }

  private closeClaim(): void {
    const current = this.claim;
    this.claim = undefined;
    if (!current?.valid) return;
    const c = current.value;
    if (current.sy === 0)
      structure(
        this.errors,
        c.line,
        'claim without SY (傷病名) record',
        'レセプトに傷病名（SY）レコードがありません',
        1,
      );
    if (current.hoKo === 0)
      structure(
        this.errors,
        c.line,
        'claim without HO (保険者) or KO (公費) record',
        'レセプトに保険者（HO）・公費（KO）レコードがありません',
        1,
      );
    this.claims.push(c);
  }

  private go(r: FieldReader): void {
    this.closeClaim();
    this.goLine = r.line;
    this.total = readTotal(r);
  }

  finish(fileName: string): UkeFile | undefined {
    this.closeClaim();
    if (this.records === 0) {
      structure(this.errors, 1, 'empty file', 'ファイルにレコードがありません');
      return undefined;
    }
    if (!this.goLine) {
      structure(
        this.errors,
        this.lastLine,
        'no GO record at the end: the file may be cut short',
        '末尾にGOレコードがありません（ファイルが途中で切れていませんか）',
      );
    } else if (this.total && this.total.claimCount !== this.reCount) {
      this.errors.add({
        code: 'uke-structure',
        line: this.goLine,
        field: 2,
        fieldName: '総件数',
        record: 'GO',
        value: String(this.total.claimCount),
        message: `GO 総件数 is ${this.total.claimCount} but the file has ${this.reCount} claims (RE)`,
        messageJa: `GOの総件数（${this.total.claimCount}）とレセプト（RE）の件数（${this.reCount}）が一致しません`,
      });
    }
    if (!this.institution || !this.total) return undefined;
    return {
      fileName,
      institution: this.institution,
      claims: this.claims,
      total: this.total,
      recordCount: this.records,
    };
  }
}
