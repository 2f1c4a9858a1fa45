// `example-kensa-v1`: an example lab centre layout, and the model for adding a real one.
//
// Shift_JIS, one header row, then one row per test item (項目); the rows of one order (依頼) may be
// anywhere in the file, and must agree on patient and collection time:
//
//   col  header                        value
//   1    医療機関コード                 10-digit code of the ordering clinic
//   2    患者ID                         the clinic's patient ID (1–15 printable ASCII, no `_`, `/`, `\`)
//   3    依頼番号                       order number (the same rule); a later file with the
//                                       same number replaces the order's results whole
//   4    採取日時(YYYYMMDDHHMM)         specimen collection time, Japan time
//   5    JLAC10                         17-character JLAC10 code, or empty
//   6    項目コード                     the lab centre's item code (required)
//   7    項目名                         item name (required)
//   8    結果値                         value as reported (`1.50`, `<0.03`, `陰性`) (required)
//   9    単位                           unit, or empty
//   10   基準値                         reference range as text (`3.7-5.5`), or empty
//   11   異常フラグ                     H, L, HH, LL, A, AA, N, or empty
//
// A header cell may carry its format in brackets (`採取日時(YYYYMMDDHHMM)`) and full-width letters:
// headers are compared without them. Cells are trimmed; quoted cells (RFC 4180) are allowed.
import { INSTITUTION_CODE_PATTERN } from '@hie/contract';
import { toFhirDateTime } from '@hie/fhir-jp';
import type { IntakeIssue } from '../batch.js';
import type { LabCsvItem, LabCsvLayout, LabCsvRead, LabCsvResult } from './csv.js';
import { type CsvRow, parseCsv } from './csv-parse.js';
import { KEY_PART, KEY_PART_RULE } from './key.js';

const COLUMNS = [
  '医療機関コード',
  '患者ID',
  '依頼番号',
  '採取日時',
  'JLAC10',
  '項目コード',
  '項目名',
  '結果値',
  '単位',
  '基準値',
  '異常フラグ',
] as const;
type Column = (typeof COLUMNS)[number];

const COLLECTED_AT = /^\d{12}$/;
const JLAC10 = /^[0-9A-Z]{17}$/;
const FLAGS = new Set(['H', 'L', 'HH', 'LL', 'A', 'AA', 'N']);

interface Row {
  line: number;
  clinicCode: string;
  patientId: string;
  orderNo: string;
  collectedAt: string;
  item: LabCsvItem;
}

export const EXAMPLE_KENSA_V1: LabCsvLayout = {
  name: 'example-kensa-v1',
  encoding: 'shift_jis',
  read,
};

function read(text: string, file: string): LabCsvRead {
  const parsed = parseCsv(text);
  if (!parsed.ok) {
    return {
      ok: false,
      issues: [{ code: 'lab-csv-syntax', message: parsed.message, file, line: parsed.line }],
    };
  }
  const [header, ...data] = parsed.rows;
  if (!header) return { ok: false, issues: [{ code: 'lab-csv-empty', message: 'the file is empty', file }] };
  const issues = checkHeader(header, file);
  if (issues.length > 0) return { ok: false, issues };
  if (data.length === 0) {
    return { ok: false, issues: [{ code: 'lab-csv-empty', message: 'the file has no result rows', file }] };
  }
  const rows: Row[] = [];
  for (const r of data) {
    const row = readRow(r, file, issues);
    if (row) rows.push(row);
  }
  const results = groupByOrder(rows, file, issues);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, results };
}

/** The column name as a header writes it: NFKC, no spaces, no trailing `(format)`. */
const headerName = (cell: string) =>
  cell
    .normalize('NFKC')
    .replace(/\s/g, '')
    .replace(/\([^)]*\)$/, '');

function checkHeader(header: CsvRow, file: string): IntakeIssue[] {
  const issues: IntakeIssue[] = [];
  COLUMNS.forEach((column, i) => {
    const cell = header.cells[i];
    if (cell === undefined || headerName(cell) !== column) {
      const found = cell === undefined ? 'nothing' : `'${cell}'`;
      const message = `column ${i + 1} of the header must be ${column}, found ${found}: is this file in the example-kensa-v1 layout?`;
      issues.push({ code: 'lab-csv-header', message, file, line: header.line, field: column });
    }
  });
  return issues;
}

/** A data row, or undefined with its problems (every bad column of it) added to `issues`. */
function readRow(row: CsvRow, file: string, issues: IntakeIssue[]): Row | undefined {
  const { line } = row;
  const cells = row.cells.map((c) => c.trim());
  const extra = cells.slice(COLUMNS.length);
  if (cells.length < COLUMNS.length || extra.some((c) => c !== '')) {
    const message = `${COLUMNS.length} columns expected, found ${cells.length}`;
    issues.push({ code: 'lab-csv-columns', message, file, line });
    return undefined;
  }
  const before = issues.length;
  const cell = (column: Column) => cells[COLUMNS.indexOf(column)] ?? '';
  const bad = (column: Column, why: string) =>
    issues.push({
      code: 'lab-csv-field',
      message: `${column} '${cell(column)}' ${why}`,
      file,
      line,
      field: column,
    });

  if (!INSTITUTION_CODE_PATTERN.test(cell('医療機関コード')))
    bad('医療機関コード', 'is not a 10-digit 医療機関コード');
  for (const column of ['患者ID', '依頼番号'] as const) {
    // They become SS-MIX2 file-name parts (key.ts), so they follow its rule.
    if (!KEY_PART.test(cell(column))) bad(column, `must be ${KEY_PART_RULE}`);
  }
  const collectedAt = COLLECTED_AT.test(cell('採取日時')) ? toFhirDateTime(cell('採取日時')) : undefined;
  if (!collectedAt) bad('採取日時', 'is not a date and time YYYYMMDDHHMM');
  if (cell('JLAC10') !== '' && !JLAC10.test(cell('JLAC10')))
    bad('JLAC10', 'is not a 17-character JLAC10 code');
  for (const column of ['項目コード', '項目名', '結果値'] as const) {
    if (cell(column) === '') bad(column, 'is required');
  }
  if (cell('異常フラグ') !== '' && !FLAGS.has(cell('異常フラグ'))) {
    bad('異常フラグ', `is not one of ${[...FLAGS].join(', ')}`);
  }
  if (issues.length > before || !collectedAt) return undefined;

  const item: LabCsvItem = {
    localCode: cell('項目コード'),
    name: cell('項目名'),
    value: cell('結果値'),
    unit: cell('単位'),
  };
  if (cell('JLAC10') !== '') item.code = cell('JLAC10');
  if (cell('基準値') !== '') item.referenceRange = cell('基準値');
  if (cell('異常フラグ') !== '') item.flag = cell('異常フラグ');
  return {
    line,
    clinicCode: cell('医療機関コード'),
    patientId: cell('患者ID'),
    orderNo: cell('依頼番号'),
    collectedAt,
    item,
  };
}

interface Order {
  result: LabCsvResult;
  line: number;
  itemLines: Map<string, number>;
}

/**
 * One result per clinic and order number, in the order first seen. The rows of an order must name the
 * same patient and collection time, and an item only once: the result's ids come from them.
 */
function groupByOrder(rows: readonly Row[], file: string, issues: IntakeIssue[]): LabCsvResult[] {
  const orders = new Map<string, Order>();
  for (const row of rows) {
    const key = `${row.clinicCode}\u0000${row.orderNo}`;
    let order = orders.get(key);
    if (!order) {
      const { clinicCode, patientId, orderNo, collectedAt } = row;
      order = {
        result: { clinicCode, patientId, orderNo, collectedAt, items: [] },
        line: row.line,
        itemLines: new Map(),
      };
      orders.set(key, order);
    }
    const conflict = (field: Column, mine: string, theirs: string) =>
      issues.push({
        code: 'lab-csv-field',
        message: `依頼番号 ${row.orderNo} has ${field} '${theirs}' on line ${order.line}, '${mine}' here`,
        file,
        line: row.line,
        field,
      });
    if (row.patientId !== order.result.patientId) conflict('患者ID', row.patientId, order.result.patientId);
    if (row.collectedAt !== order.result.collectedAt)
      conflict('採取日時', row.collectedAt, order.result.collectedAt);
    const seen = order.itemLines.get(row.item.localCode);
    if (seen !== undefined) {
      const message = `項目コード ${row.item.localCode} of 依頼番号 ${row.orderNo} is already on line ${seen}`;
      issues.push({ code: 'lab-csv-duplicate', message, file, line: row.line, field: '項目コード' });
      continue;
    }
    order.itemLines.set(row.item.localCode, row.line);
    order.result.items.push(row.item);
  }
  return [...orders.values()].map((o) => o.result);
}
