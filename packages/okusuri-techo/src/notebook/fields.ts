// Field checks of one record against its layout: presence, type, code table, format, length. A problem
// in a field this package maps is an error (the notebook is refused); elsewhere it is a warning.
import {
  CREATORS,
  DOSAGE_FORMS,
  DRUG_CODE_KINDS,
  GENERIC_CODE_KINDS,
  isPrefectureCode,
  OUTPUT_CATEGORIES,
  PROVIDED_INFO_TYPES,
  REMARK_TYPES,
  SCORE_TABLES,
  SEXES,
  USAGE_CODE_KINDS,
} from '../format/codes.js';
import { notebookDate } from '../format/dates.js';
import type { FieldCheck, FieldSpec, RecordSpec } from '../format/records.js';
import { CONTROL, PRIVATE_USE, type RawRecord, sjisBytes } from '../format/text.js';
import type { Findings } from './findings.js';

const TYPE: Readonly<Record<FieldSpec['type'], RegExp | undefined>> = {
  '9': /^\d+$/,
  X: /^[0-9A-Za-z.\-]+$/,
  N: undefined,
};

const inTable = (table: Readonly<Record<string, string>>) => (v: string) => Object.hasOwn(table, v);

/** Each check: whether the value passes, and how to say what was expected. */
const CHECKS: Readonly<Record<FieldCheck, { ok: (v: string) => boolean; ja: string; en: string }>> = {
  date: {
    ok: (v) => notebookDate(v) !== undefined,
    ja: '西暦8桁か和暦7桁の実在する日付',
    en: 'a real date (YYYYMMDD or GYYMMDD)',
  },
  decimal: {
    ok: (v) => /^\d{1,6}(\.\d{1,5})?$/.test(v),
    ja: '数値（整数6桁・小数5桁まで）',
    en: 'a decimal number',
  },
  rp: { ok: (v) => /^\d{1,3}$/.test(v) && Number(v) >= 1, ja: '1〜999の番号', en: 'a number 1–999' },
  count: { ok: (v) => /^\d{1,3}$/.test(v) && Number(v) >= 1, ja: '1〜999の数', en: 'a count 1–999' },
  sex: { ok: inTable(SEXES), ja: '1（男）か2（女）', en: '1 (male) or 2 (female)' },
  prefecture: { ok: isPrefectureCode, ja: '都道府県コード01〜47', en: 'a prefecture code 01–47' },
  scoreTable: { ok: inTable(SCORE_TABLES), ja: '点数表コード1・3・4', en: 'a score-table code 1, 3 or 4' },
  scoreTablePrescriber: {
    ok: (v) => v === '1' || v === '3',
    ja: '点数表コード1か3',
    en: 'a score-table code 1 or 3',
  },
  institution7: { ok: (v) => /^\d{7}$/.test(v), ja: '7桁の医療機関コード', en: 'a 7-digit institution code' },
  drugCodeKind: {
    ok: inTable(DRUG_CODE_KINDS),
    ja: '薬品コード種別1・2・3・4・6',
    en: 'a drug code kind 1, 2, 3, 4 or 6',
  },
  genericCodeKind: {
    ok: inTable(GENERIC_CODE_KINDS),
    ja: '一般名コード種別1か2',
    en: 'a generic-name code kind 1 or 2',
  },
  usageCodeKind: { ok: inTable(USAGE_CODE_KINDS), ja: '用法コード種別1か2', en: 'a usage code kind 1 or 2' },
  dosageForm: { ok: inTable(DOSAGE_FORMS), ja: '剤形コード（別表4）', en: 'a dosage-form code (別表4)' },
  creator: { ok: inTable(CREATORS), ja: 'レコード作成者1・2・8・9', en: 'a record creator 1, 2, 8 or 9' },
  outputCategory: { ok: inTable(OUTPUT_CATEGORIES), ja: '出力区分1か2', en: 'an output category 1 or 2' },
  providedInfoType: {
    ok: inTable(PROVIDED_INFO_TYPES),
    ja: '提供情報種別30・31・99',
    en: 'an info type 30, 31 or 99',
  },
  remarkType: { ok: inTable(REMARK_TYPES), ja: '患者特記種別1・2・3・9', en: 'a remark type 1, 2, 3 or 9' },
};

/** Code kinds whose unknown values degrade (the code is kept under a local system) instead of refusing. */
const DEGRADES: ReadonlySet<FieldCheck> = new Set(['drugCodeKind', 'genericCodeKind', 'usageCodeKind']);

/**
 * Checks a record's fields; returns the values by field number (1…n, empty → undefined). A record with
 * a control character anywhere is no record: one error, no values.
 */
export function readFields(
  rec: RawRecord,
  spec: RecordSpec,
  outputCategory: string | undefined,
  found: Findings,
): (string | undefined)[] | undefined {
  const at = (field: number, s?: FieldSpec) => ({
    line: rec.line,
    recordNo: rec.fields[0],
    recordName: spec.name,
    field,
    ...(s ? { fieldName: s.name } : {}),
  });
  const bad = rec.fields.findIndex((v) => CONTROL.test(v));
  if (bad >= 0) {
    found.error(
      'otc-bad-record',
      '制御文字が含まれています',
      'the record holds a control character',
      at(bad),
    );
    return undefined;
  }
  const values: (string | undefined)[] = [undefined];
  spec.fields.forEach((s, i) => {
    const n = i + 1;
    const v = rec.fields[n] ?? '';
    values.push(v === '' ? undefined : v);
    const report = s.used ? found.error.bind(found) : found.warn.bind(found);
    if (v === '') {
      if (s.required === 'both' || (s.required === 'toPatient' && outputCategory === '1'))
        report('otc-bad-field', `${s.name}がありません`, `${s.name} is required and empty`, at(n, s));
      return;
    }
    if (PRIVATE_USE.test(v))
      found.warn(
        'otc-private-use-character',
        `${s.name}に外字があります`,
        `${s.name} holds a private-use character`,
        at(n, s),
      );
    if (sjisBytes(v) > s.bytes)
      found.warn(
        'otc-field-too-long',
        `${s.name}が${s.bytes}バイトを超えています`,
        `${s.name} is longer than ${s.bytes} bytes`,
        at(n, s),
      );
    const type = TYPE[s.type];
    const check = s.check ? CHECKS[s.check] : undefined;
    if (type && !type.test(v) && !(s.check && DEGRADES.has(s.check))) {
      const kind = s.type === '9' ? '数字' : '英数字・ピリオド・ハイフン';
      report(
        'otc-bad-field',
        `${s.name}「${v}」は${kind}のみです`,
        `${s.name} '${v}' is not of type ${s.type}`,
        at(n, s),
      );
    } else if (check && !check.ok(v)) {
      if (s.check && DEGRADES.has(s.check))
        found.warn(
          'otc-unknown-code',
          `${s.name}「${v}」は未定義です`,
          `${s.name} '${v}' is not in its table`,
          at(n, s),
        );
      else
        report(
          'otc-bad-field',
          `${s.name}「${v}」は${check.ja}ではありません`,
          `${s.name} '${v}' is not ${check.en}`,
          at(n, s),
        );
    }
  });
  const extra = rec.fields.slice(spec.fields.length + 1);
  if (extra.some((v) => v !== ''))
    found.warn(
      'otc-extra-fields',
      `${spec.name}の項目数が多すぎます（余りは無視）`,
      `more fields than the layout's ${spec.fields.length}: the rest is ignored`,
      at(spec.fields.length + 1),
    );
  return values;
}
