// The spec's code tables (別表1–4 and the tables in the record layouts' notes) and its version history.

/**
 * 3.1 バージョン情報: `JAHISTC` + two digits, raised with each revision of the spec — but not with
 * every one (Ver.2.6 kept JAHISTC08), so one version record can stand for several spec versions.
 */
export const FORMAT_VERSIONS: Readonly<Record<string, readonly string[]>> = {
  JAHISTC01: ['1.0'],
  JAHISTC02: ['1.1'],
  JAHISTC03: ['2.0'],
  JAHISTC04: ['2.1'],
  JAHISTC05: ['2.2'],
  JAHISTC06: ['2.3'],
  JAHISTC07: ['2.4'],
  JAHISTC08: ['2.5', '2.6'],
};

/** 出力区分: 1 医療機関・薬局 → 患者等, 2 患者等 → 医療機関・薬局. */
export const OUTPUT_CATEGORIES: Readonly<Record<string, string>> = {
  '1': '医療機関・薬局から患者等へ',
  '2': '患者等から医療機関・薬局へ',
};

/** 患者性別. */
export const SEXES: Readonly<Record<string, string>> = { '1': '男', '2': '女' };

/** レコード作成者. */
export const CREATORS: Readonly<Record<string, string>> = {
  '1': '医療関係者',
  '2': '患者等',
  '8': 'その他',
  '9': '不明',
};

/** 別表3 点数表コード (調剤－医療機関等: 1/3/4; 処方－医療機関: 1/3). */
export const SCORE_TABLES: Readonly<Record<string, string>> = { '1': '医科', '3': '歯科', '4': '調剤' };

/** 別表4 剤形コード. */
export const DOSAGE_FORMS: Readonly<Record<string, string>> = {
  '1': '内服',
  '2': '内滴',
  '3': '屯服',
  '4': '注射',
  '5': '外用',
  '6': '浸煎',
  '7': '湯',
  '9': '材料',
  '10': 'その他',
};

/**
 * 薬品コード種別. Kind 5 is not defined in the spec versions the sources read (2.4–2.6); what it was
 * in earlier versions, if anything, we could not find: it is read as an unknown code.
 */
export const DRUG_CODE_KINDS: Readonly<Record<string, string>> = {
  '1': 'コードなし',
  '2': 'レセプト電算処理システム用コード',
  '3': '厚生労働省コード（薬価基準収載医薬品コード）',
  '4': 'YJコード',
  '6': 'HOTコード',
};

/** 一般名コード種別 (Ver.2.5): 2 = 一般名処方マスタの一般名コード. */
export const GENERIC_CODE_KINDS: Readonly<Record<string, string>> = {
  '1': 'コードなし',
  '2': '一般名コード',
};

/** 用法コード種別: 2 = JAMI 標準用法コード (3 and above are reserved for a future unified code). */
export const USAGE_CODE_KINDS: Readonly<Record<string, string>> = {
  '1': 'コードなし',
  '2': 'JAMI用法コード',
};

/** 提供情報種別 (医療機関等提供情報レコード). */
export const PROVIDED_INFO_TYPES: Readonly<Record<string, string>> = {
  '30': '入院中に副作用が発現した薬剤に関する情報',
  '31': '退院後の療養に必要な服薬の状況及び投薬上の工夫に関する情報',
  '99': 'その他',
};

/** 患者特記種別. */
export const REMARK_TYPES: Readonly<Record<string, string>> = {
  '1': 'アレルギー歴',
  '2': '副作用歴',
  '3': '既往歴',
  '9': 'その他',
};

/** 別表2 都道府県コード: JIS X 0401, 01 北海道 … 47 沖縄. */
export const isPrefectureCode = (code: string) => /^(0[1-9]|[1-3]\d|4[0-7])$/.test(code);

/** 別表1 年号区分コード → the first Gregorian year of the era (year 1 of the era). */
export const ERAS: Readonly<Record<string, number>> = { M: 1868, T: 1912, S: 1926, H: 1989, R: 2019 };
