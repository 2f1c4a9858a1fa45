// Loading the 基本マスター files the operator downloads from 社会保険診療報酬支払基金 (Shift_JIS CSV, one
// row per code, column 2 the master kind B / Z / Y). Column positions follow 「基本マスター ファイル
// 仕様書」 of 支払基金 (the layout every public reader of these files agrees on; see README). Errors are
// values, like the UKE file's: the wrong file, a bad row or a duplicate code is reported with its line.
import { ErrorList, shown, type UkeError } from '../file/errors.js';
import { decodeShiftJis } from '../file/text.js';
import { splitCsvLine } from './csv.js';
import type {
  DiseaseEntry,
  DiseaseMaster,
  DrugEntry,
  DrugMaster,
  Master,
  MasterKind,
  ModifierEntry,
  ModifierMaster,
} from './types.js';

export interface MasterLoadOptions {
  /** The file's name, for errors (default: the master's usual name prefix). */
  fileName?: string;
  /** Bound on the file size (default 64 MiB; the 医薬品マスター is about 10 MB). */
  maxBytes?: number;
}

export type MasterLoadResult<M> = { ok: true; master: M } | { ok: false; errors: UkeError[] };

interface Layout<E> {
  kind: MasterKind;
  /** Column 2. */
  letter: string;
  title: string;
  codeLength: number;
  /** Fewest columns a row may have (through the last column read as required). */
  minColumns: number;
  entry(col: (n: number) => string, code: string): E | string;
}

/** `YYYYMMDD` → `YYYY-MM-DD`; `99999999` (in force) and blanks → undefined. */
function abolished(v: string): string | undefined {
  if (!/^\d{8}$/.test(v) || v === '99999999' || v === '00000000') return undefined;
  return `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}`;
}

const opt = (v: string) => (v === '' ? undefined : v);

function load<E extends { code: string }>(
  bytes: Uint8Array,
  layout: Layout<E>,
  options: MasterLoadOptions,
): MasterLoadResult<Master<E>> {
  const file = options.fileName ?? `${layout.letter.toLowerCase()}_*.csv`;
  const errors = new ErrorList(file);
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  if (bytes.length > maxBytes) {
    errors.add({
      code: 'uke-too-large',
      message: `${layout.title}: ${bytes.length} bytes is over the bound of ${maxBytes}`,
      messageJa: `${layout.title}: ファイルサイズが上限（${maxBytes}バイト）を超えています`,
    });
    return { ok: false, errors: errors.errors };
  }
  const text = decodeShiftJis(bytes, errors, { what: layout.title, halfWidthKana: true });
  if (text === undefined) return { ok: false, errors: errors.errors };
  const entries = new Map<string, E>();
  const lines = new Map<string, number>();
  let lineNo = 0;
  for (const raw of text.split('\n')) {
    lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') continue;
    const bad = (en: string, ja: string, field?: number, value?: string) =>
      errors.add({
        code: 'uke-bad-field',
        line: lineNo,
        ...(field !== undefined ? { field } : {}),
        record: layout.letter,
        ...(value ? { value: shown(value) } : {}),
        message: `${layout.title}: ${en}`,
        messageJa: `${layout.title}: ${ja}`,
      });
    const cols = splitCsvLine(line);
    if (!cols) {
      bad('unclosed double quote', '引用符が閉じていません');
      continue;
    }
    const kind = (cols[1] ?? '').trim();
    if (kind !== layout.letter) {
      errors.add({
        code: 'uke-master-kind',
        line: lineNo,
        field: 2,
        value: shown(kind),
        message: `not the ${layout.title}: column 2 (マスター種別) is '${kind}', not '${layout.letter}'`,
        messageJa: `${layout.title}ではありません（マスター種別が「${kind}」です。「${layout.letter}」が必要です）`,
      });
      // A whole file of the wrong kind would repeat this on every row: once is enough.
      if (entries.size === 0) return { ok: false, errors: errors.errors };
      continue;
    }
    if (cols.length < layout.minColumns) {
      bad(
        `row has ${cols.length} columns, the layout needs at least ${layout.minColumns}`,
        `項目数（${cols.length}）が不足しています（${layout.minColumns}以上）`,
      );
      continue;
    }
    const col = (n: number) => (cols[n - 1] ?? '').trim();
    const code = col(3);
    if (code.length !== layout.codeLength || !/^\d+$/.test(code)) {
      bad(
        `code must be ${layout.codeLength} digits`,
        `コードが数字${layout.codeLength}桁ではありません`,
        3,
        code,
      );
      continue;
    }
    const entry = layout.entry(col, code);
    if (typeof entry === 'string') {
      bad(entry, entry, undefined, code);
      continue;
    }
    const earlier = lines.get(code);
    if (earlier !== undefined) {
      errors.add({
        code: 'uke-master-duplicate',
        line: lineNo,
        field: 3,
        value: code,
        message: `${layout.title}: code ${code} also on line ${earlier}`,
        messageJa: `${layout.title}: コード ${code} が重複しています（${earlier}行目）`,
      });
      continue;
    }
    lines.set(code, lineNo);
    entries.set(code, entry);
  }
  if (errors.count > 0) return { ok: false, errors: errors.errors };
  if (entries.size === 0) {
    errors.add({
      code: 'uke-master-kind',
      message: `${layout.title}: the file has no rows`,
      messageJa: `${layout.title}: データがありません`,
    });
    return { ok: false, errors: errors.errors };
  }
  const kind = layout.kind;
  return { ok: true, master: { kind, size: entries.size, get: (code) => entries.get(code) } };
}

/** 傷病名マスター (b_*.csv): 傷病名コード → name, ICD-10, MEDIS codes. */
export function loadDiseaseMaster(
  bytes: Uint8Array,
  options: MasterLoadOptions = {},
): MasterLoadResult<DiseaseMaster> {
  return load<DiseaseEntry>(
    bytes,
    {
      kind: 'disease',
      letter: 'B',
      title: '傷病名マスター',
      codeLength: 7,
      minColumns: 16,
      entry: (col, code) => {
        const name = col(6);
        if (!name) return '傷病名基本名称 (column 6) is empty';
        const icd10 = opt(col(16)) ?? opt(col(14));
        const icd10Second = opt(col(17)) ?? opt(col(15));
        return {
          code,
          name,
          ...(opt(col(8)) ? { shortName: col(8) } : {}),
          ...(opt(col(10)) ? { kana: col(10) } : {}),
          ...(opt(col(11)) ? { managementNumber: col(11) } : {}),
          ...(opt(col(13)) ? { exchangeCode: col(13) } : {}),
          ...(icd10 ? { icd10 } : {}),
          ...(icd10Second ? { icd10Second } : {}),
          ...(abolished(col(24)) ? { abolished: abolished(col(24)) } : {}),
        };
      },
    },
    options,
  );
}

/** 修飾語マスター (z_*.csv): 修飾語コード → name and where it goes (接頭語 / 接尾語). */
export function loadModifierMaster(
  bytes: Uint8Array,
  options: MasterLoadOptions = {},
): MasterLoadResult<ModifierMaster> {
  return load<ModifierEntry>(
    bytes,
    {
      kind: 'modifier',
      letter: 'Z',
      title: '修飾語マスター',
      codeLength: 4,
      minColumns: 7,
      entry: (col, code) => {
        const name = col(7);
        if (!name) return '修飾語名称 (column 7) is empty';
        const modifierClass = opt(col(19));
        return {
          code,
          name,
          ...(opt(col(10)) ? { kana: col(10) } : {}),
          ...(opt(col(18)) ? { exchangeCode: col(18) } : {}),
          ...(modifierClass ? { modifierClass } : {}),
          position: modifierPosition(code, modifierClass),
          ...(abolished(col(16)) ? { abolished: abolished(col(16)) } : {}),
        };
      },
    },
    options,
  );
}

/**
 * 接頭語 or 接尾語: the master's 修飾語区分 (second digit 8 = 接尾語); without it, the code range (8xxx
 * are the 接尾語: の疑い 8002, 急性増悪 8007, 後遺症 8009 …).
 */
export function modifierPosition(code: string, modifierClass?: string): 'prefix' | 'suffix' {
  if (modifierClass && modifierClass.length >= 2) return modifierClass[1] === '8' ? 'suffix' : 'prefix';
  return code[0] === '8' ? 'suffix' : 'prefix';
}

/** 医薬品マスター (y_*.csv): 医薬品コード → name, unit, 剤形, 薬価基準収載医薬品コード. */
export function loadDrugMaster(
  bytes: Uint8Array,
  options: MasterLoadOptions = {},
): MasterLoadResult<DrugMaster> {
  return load<DrugEntry>(
    bytes,
    {
      kind: 'drug',
      letter: 'Y',
      title: '医薬品マスター',
      codeLength: 9,
      minColumns: 10,
      entry: (col, code) => {
        const name = col(5);
        if (!name) return '漢字名称 (column 5) is empty';
        return {
          code,
          name,
          ...(opt(col(7)) ? { kana: col(7) } : {}),
          ...(opt(col(8)) ? { unitCode: col(8) } : {}),
          ...(opt(col(10)) ? { unit: col(10) } : {}),
          ...(opt(col(28)) ? { dosageForm: col(28) } : {}),
          ...(opt(col(32)) ? { priceListCode: col(32) } : {}),
          ...(opt(col(35)) ? { baseName: col(35) } : {}),
          ...(abolished(col(31)) ? { abolished: abolished(col(31)) } : {}),
        };
      },
    },
    options,
  );
}
