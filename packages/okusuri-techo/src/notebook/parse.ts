// parseOkusuriTecho: the text (or Shift_JIS bytes) of one notebook → its records checked field by field
// and gathered into dispensings. All or nothing: any error and no notebook is returned, so nothing is
// half-imported. Never throws.
import { FORMAT_VERSIONS } from '../format/codes.js';
import { recordSpec, VERSION_RECORD } from '../format/records.js';
import { decodeNotebook, type RawRecord, splitRecords, type TextOptions } from '../format/text.js';
import { issue, type LineOrigin, type OtcIssue } from '../issues.js';
import { NotebookBuilder } from './build.js';
import { readFields } from './fields.js';
import { Findings } from './findings.js';
import type { KeptRecord, Notebook } from './model.js';

export interface ParseOptions extends TextOptions {
  /** What is read: a file name, or the caller's name for a scan. Every issue carries it. */
  source: string;
  /** From {@link assembleQrParts}: each line's QR part and line there, so issues point at the code. */
  origins?: readonly LineOrigin[];
}

export type ParseResult =
  | { ok: true; notebook: Notebook; warnings: OtcIssue[] }
  | { ok: false; errors: OtcIssue[]; warnings: OtcIssue[] };

const VERSION = /^JAHISTC(\d{2})$/;
const RECORD_NO = /^\d{1,3}$/;

export function parseOkusuriTecho(input: string | Uint8Array, options: ParseOptions): ParseResult {
  try {
    return parse(input, options);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return {
      ok: false,
      errors: [
        issue('otc-internal', options.source, `読み取り処理の不具合: ${why}`, `reader failure: ${why}`),
      ],
      warnings: [],
    };
  }
}

function parse(input: string | Uint8Array, options: ParseOptions): ParseResult {
  const { source } = options;
  const decoded = decodeNotebook(input, source, options);
  if (!decoded.ok) return { ok: false, errors: [decoded.error], warnings: [] };
  const records = splitRecords(decoded.text);
  const found = new Findings(source, options.origins);
  const head = records[0];
  const version = head?.fields[0] ?? '';
  if (!head || !VERSION.test(version)) {
    const hint = /^JAHIS\d/.test(version)
      ? [
          '（院外処方箋の2次元シンボルです。お薬手帳ではありません）',
          ' (a prescription 2D symbol, not a notebook)',
        ]
      : ['', ''];
    found.error(
      'otc-not-jahis',
      `JAHIS電子版お薬手帳のデータではありません: 先頭が「JAHISTCnn」ではありません${hint[0]}`,
      `not a JAHIS 電子版お薬手帳: the first record is not a version record JAHISTCnn${hint[1]}`,
      head ? { line: head.line, recordNo: 'JAHISTC', recordName: VERSION_RECORD.name, field: 0 } : {},
    );
    return { ok: false, errors: found.errors, warnings: found.warnings };
  }
  const specVersions = FORMAT_VERSIONS[version];
  if (!specVersions) {
    found.error(
      'otc-unsupported-version',
      `${version}には対応していません（対応: JAHISTC01〜08、仕様書Ver.1.0〜2.6）`,
      `${version} is not supported (JAHISTC01–08, spec Ver.1.0–2.6)`,
      { line: head.line, recordNo: 'JAHISTC', recordName: VERSION_RECORD.name, field: 0 },
    );
    return { ok: false, errors: found.errors, warnings: found.warnings };
  }
  const outputCategory = readFields(head, VERSION_RECORD, undefined, found)?.[1] ?? '';
  const builder = new NotebookBuilder(found, outputCategory);
  const unknownRecords: KeptRecord[] = [];
  for (const rec of records.slice(1)) readRecord(rec, outputCategory, builder, unknownRecords, found);
  builder.closeDispensing();
  const patient = builder.patient;
  if (!patient)
    found.error('otc-missing-record', '患者情報レコード（1）がありません', 'no 患者情報レコード (1)', {
      recordNo: '1',
    });
  if (patient && builder.dispensings.length === 0)
    found.warn(
      'otc-no-dispensing',
      '調剤等年月日レコードがありません',
      'no 調剤等年月日レコード: no dispensing',
    );
  if (found.errors.length || !patient) return { ok: false, errors: found.errors, warnings: found.warnings };
  return {
    ok: true,
    notebook: {
      source,
      version,
      specVersions,
      outputCategory,
      patient,
      dispensings: builder.dispensings,
      patientRecords: builder.patientRecords,
      unknownRecords,
    },
    warnings: found.warnings,
  };
}

function readRecord(
  rec: RawRecord,
  outputCategory: string,
  builder: NotebookBuilder,
  unknown: KeptRecord[],
  found: Findings,
): void {
  const no = rec.fields[0] ?? '';
  if (VERSION.test(no)) {
    found.error(
      'otc-bad-structure',
      '2つ目のバージョンレコードがあります（分割QRコードは結合してから読みます）',
      'a second version record (split QR parts are assembled first: assembleQrParts)',
      { line: rec.line, recordNo: 'JAHISTC', recordName: VERSION_RECORD.name },
    );
    return;
  }
  if (!RECORD_NO.test(no)) {
    found.error(
      'otc-bad-record',
      `レコード番号「${no.slice(0, 20)}」がありません`,
      'the line has no record number',
      {
        line: rec.line,
        field: 0,
      },
    );
    return;
  }
  const spec = recordSpec(no);
  if (!spec) {
    // Newer versions add records (421 in 2.4, 31 in 2.5): keep it, warn, map nothing of it.
    found.warn(
      'otc-unknown-record',
      `未定義のレコード番号${no}（保持のみ）`,
      `unknown record number ${no}: kept, not mapped`,
      {
        line: rec.line,
        recordNo: no,
      },
    );
    unknown.push({ line: rec.line, recordNo: no, fields: rec.fields.slice(1) });
    return;
  }
  const values = readFields(rec, spec, outputCategory, found);
  if (values) builder.add(rec, spec, values);
}
