import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { HubError } from '../http.js';

/**
 * CSV for the directory's import and export. Office staff edit these files in Excel, which in Japan
 * saves Shift_JIS unless told otherwise and opens UTF-8 correctly only with a BOM: so imports accept
 * both encodings and header names in Japanese or English, and exports are UTF-8 with a BOM (sendCsv).
 */
export interface CsvColumn<K extends string = string> {
  key: K;
  /** The header written on export. */
  ja: string;
  en: string;
  aliases?: readonly string[];
}

/** One data row: the physical line it starts on (the header is line 1) and its cells by column key. */
export interface CsvRow<K extends string = string> {
  line: number;
  values: Partial<Record<K, string>>;
}

/** A refusal of one row (or of the header, line 1). */
export interface CsvProblem {
  line: number;
  column?: string;
  code: string;
  message: string;
}

const CHARSETS: Record<string, string> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  shift_jis: 'shift_jis',
  'shift-jis': 'shift_jis',
  sjis: 'shift_jis',
  'x-sjis': 'shift_jis',
  'windows-31j': 'shift_jis',
  cp932: 'shift_jis',
  ms932: 'shift_jis',
};

/**
 * Bytes → text. The `charset` of the content type wins; without one, UTF-8 when the bytes are valid
 * UTF-8, else Shift_JIS (WHATWG's shift_jis is Windows-31J, what Excel writes). A BOM is dropped.
 */
export function decodeCsv(body: Buffer | string, contentType?: string): string {
  if (typeof body === 'string') return body.replace(/^\uFEFF/, '');
  const declared = /charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (declared !== undefined) {
    const encoding = CHARSETS[declared];
    if (!encoding)
      throw new HubError(415, 'unsupported-charset', `charset ${declared}: use UTF-8 or Shift_JIS`);
    try {
      return new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(body);
    } catch {
      throw new HubError(400, 'csv-encoding', `the body is not valid ${declared}`);
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    try {
      return new TextDecoder('shift_jis', { fatal: true }).decode(body);
    } catch {
      throw new HubError(
        400,
        'csv-encoding',
        'the CSV is neither UTF-8 nor Shift_JIS / 文字コードを判別できません',
      );
    }
  }
}

const headerKey = (s: string) =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-・()（）]/g, '');

/** Excel runs cells that start with these as formulas: exports prefix them with `'`, imports drop it. */
const FORMULA_START = /^[=+\-@\t\r]/;
const unescapeCell = (value: string) =>
  value.startsWith("'") && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
const escapeCell = (value: string) => (FORMULA_START.test(value) ? `'${value}` : value);

/**
 * Parses a CSV whose first row names the columns. Unknown or repeated header names and missing
 * required columns are refused as a whole (HubError 400 `csv-header`); blank lines are skipped.
 */
export function parseCsv<K extends string>(
  text: string,
  columns: readonly CsvColumn<K>[],
  required: readonly K[],
): { header: K[]; rows: CsvRow<K>[]; problems: CsvProblem[] } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      bom: true,
    }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new HubError(
      400,
      'csv-malformed',
      `CSV cannot be read${line ? ` (line ${line})` : ''}: ${(error as Error).message}`,
    );
  }
  const [first, ...data] = records;
  if (!first) throw new HubError(400, 'csv-empty', 'the CSV is empty / CSVが空です');
  const byName = new Map<string, K>();
  for (const column of columns) {
    for (const name of [column.key, column.ja, column.en, ...(column.aliases ?? [])])
      byName.set(headerKey(name), column.key);
  }
  const header: K[] = [];
  const headerProblems: CsvProblem[] = [];
  first.record.forEach((name, index) => {
    const key = byName.get(headerKey(name));
    if (!key) {
      headerProblems.push({
        line: 1,
        column: name,
        code: 'unknown-column',
        message: `unknown column '${name}' (column ${index + 1})`,
      });
    } else if (header.includes(key)) {
      headerProblems.push({
        line: 1,
        column: name,
        code: 'repeated-column',
        message: `column '${name}' appears twice`,
      });
    }
    header.push(key as K);
  });
  for (const key of required) {
    if (!header.includes(key)) {
      const column = columns.find((c) => c.key === key)!;
      headerProblems.push({
        line: 1,
        column: column.ja,
        code: 'missing-column',
        message: `column '${column.ja}' (${column.en}) is required`,
      });
    }
  }
  if (headerProblems.length > 0) {
    throw new HubError(400, 'csv-header', 'the header row is not usable / 見出し行を確認してください', {
      errors: headerProblems,
    });
  }
  const rows: CsvRow<K>[] = [];
  const problems: CsvProblem[] = [];
  for (const { record, info } of data) {
    // info.lines is the line the record ends on; quoted cells may span lines.
    const line = info.lines - record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    if (record.every((cell) => cell.trim() === '')) continue;
    if (record.length > header.length) {
      problems.push({
        line,
        code: 'too-many-cells',
        message: `${record.length} cells, the header has ${header.length}`,
      });
      continue;
    }
    const values: Partial<Record<K, string>> = {};
    header.forEach((key, index) => {
      values[key] = unescapeCell((record[index] ?? '').trim());
    });
    rows.push({ line, values });
  }
  if (rows.length === 0 && problems.length === 0)
    throw new HubError(400, 'csv-empty', 'the CSV has no data rows / データ行がありません');
  return { header, rows, problems };
}

/** Rows → CSV text (CRLF, Japanese headers, formula-like cells escaped); send it with `sendCsv`. */
export function toCsv<K extends string>(
  columns: readonly CsvColumn<K>[],
  rows: ReadonlyArray<Partial<Record<K, string | number | boolean | null>>>,
): string {
  const cell = (value: string | number | boolean | null | undefined) =>
    value === null || value === undefined
      ? ''
      : typeof value === 'boolean'
        ? value
          ? '1'
          : '0'
        : escapeCell(String(value));
  return stringify(
    rows.map((row) => columns.map((c) => cell(row[c.key]))),
    { header: true, columns: columns.map((c) => c.ja), record_delimiter: 'windows' },
  );
}

/** 1/0, true/false, yes/no, はい/いいえ, ○/×; blank → undefined (keep the current value). */
export function parseFlag(value: string | undefined): boolean | undefined | 'invalid' {
  if (value === undefined || value === '') return undefined;
  const v = value.normalize('NFKC').toLowerCase();
  if (['1', 'true', 'yes', 'y', 'はい', '○', '〇', 'あり', '有'].includes(v)) return true;
  if (['0', 'false', 'no', 'n', 'いいえ', '×', 'x', 'なし', '無'].includes(v)) return false;
  return 'invalid';
}

/** A code from a code list, written either as the code or as its Japanese or English label. */
export function codeFromLabel<C extends string>(
  value: string,
  labels: Readonly<Record<C, { ja: string; en: string }>>,
): C | undefined {
  const wanted = headerKey(value);
  for (const [code, label] of Object.entries(labels) as [C, { ja: string; en: string }][]) {
    if (headerKey(code) === wanted || headerKey(label.ja) === wanted || headerKey(label.en) === wanted)
      return code;
  }
  return undefined;
}

/** What an import answers (dry run or not): per-row actions, per-row errors and warnings. */
export interface ImportReport<A extends string = 'create' | 'update' | 'unchanged'> {
  dryRun: boolean;
  /** True when no row has an error: the import was (or, on a dry run, would be) written. */
  ok: boolean;
  summary: Record<A, number> & { errors: number };
  rows: { line: number; key: string; action: A }[];
  errors: CsvProblem[];
  warnings: { line?: number; code: string; message: string }[];
}

/** A row's refusal from a thrown HubError or a zod failure, named by the CSV column. */
export function rowProblems<K extends string>(
  error: unknown,
  line: number,
  columns: readonly CsvColumn<K>[],
): CsvProblem[] {
  const columnName = (key: unknown) => columns.find((c) => c.key === key)?.ja;
  if (error instanceof HubError) {
    const details = error.details as { path?: string; message?: string }[] | undefined;
    if (error.code === 'invalid-request' && Array.isArray(details)) {
      return details.map((d) => {
        const column = columnName(d.path?.split('/')[1]);
        return {
          line,
          ...(column ? { column } : {}),
          code: 'invalid-value',
          message: d.message ?? 'invalid',
        };
      });
    }
    return [{ line, code: error.code, message: error.message }];
  }
  throw error;
}

export function summarise<A extends string>(
  actions: readonly A[],
  rows: { action: A }[],
  errors: number,
): Record<A, number> & { errors: number } {
  const summary = Object.fromEntries(actions.map((a) => [a, rows.filter((r) => r.action === a).length]));
  return { ...(summary as Record<A, number>), errors };
}

/** Refuses a non-dry-run import with errors: nothing was written. */
export function importRefused(report: ImportReport<string>): HubError {
  return new HubError(
    422,
    'csv-invalid',
    `${report.errors.length} row error(s): nothing imported / エラーがあるため取り込みませんでした`,
    {
      errors: report.errors,
      warnings: report.warnings,
    },
  );
}
