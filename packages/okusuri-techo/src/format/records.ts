// The record layouts of JAHIS 電子版お薬手帳データフォーマット仕様書 Ver.2.6 (3.2.8, tables 3-9 to 3-32),
// as the open-source readings cited in README.md give them. Field numbers count as the spec does: the
// record number is field 0. `used` marks the fields this package maps to FHIR: a violation there is an
// error (nothing is imported); in a field kept only as parsed data it is a warning.

/** Data types (表3-2): 9 digits; X letters, digits, period, hyphen; N any characters. */
export type FieldType = '9' | 'X' | 'N';

/** What a field's value must be, beyond its type. */
export type FieldCheck =
  | 'date'
  | 'decimal'
  | 'rp'
  | 'count'
  | 'sex'
  | 'prefecture'
  | 'scoreTable'
  | 'scoreTablePrescriber'
  | 'institution7'
  | 'drugCodeKind'
  | 'genericCodeKind'
  | 'usageCodeKind'
  | 'dosageForm'
  | 'creator'
  | 'outputCategory'
  | 'providedInfoType'
  | 'remarkType';

export interface FieldSpec {
  name: string;
  type: FieldType;
  /** Bytes in Shift_JIS (full-width characters count 2). */
  bytes: number;
  /** `both`: required in either direction; `toPatient`: when 出力区分 = 1 (医療機関等 → 患者等). */
  required?: 'both' | 'toPatient';
  check?: FieldCheck;
  /** Mapped to FHIR: a violation refuses the notebook. */
  used?: boolean;
}

export interface RecordSpec {
  recordNo: string;
  name: string;
  /** Table number in the spec. */
  table: string;
  /** Fields 1…n. */
  fields: readonly FieldSpec[];
}

const f = (
  name: string,
  type: FieldType,
  bytes: number,
  extra: Omit<FieldSpec, 'name' | 'type' | 'bytes'> = {},
) => ({ name, type, bytes, ...extra }) satisfies FieldSpec;

const creator = f('レコード作成者', '9', 1, { required: 'both', check: 'creator' });
const rp = f('RP番号', '9', 3, { required: 'both', check: 'rp', used: true });
/** RP番号 + 内容 + レコード作成者 (281, 291, 311, 391). */
const rpText = (name: string, bytes: number) => [
  rp,
  f(name, 'N', bytes, { required: 'both', used: true }),
  creator,
];
/** 内容 + レコード作成者 (401, 421, 501). */
const text = (name: string, bytes: number) => [
  f(name, 'N', bytes, { required: 'both', used: true }),
  creator,
];

/** 表3-9: `JAHISTCnn,出力区分`. */
export const VERSION_RECORD: RecordSpec = {
  recordNo: 'JAHISTC',
  name: 'バージョンレコード',
  table: '3-9',
  fields: [f('出力区分', '9', 1, { required: 'both', check: 'outputCategory', used: true })],
};

const LAYOUTS: readonly RecordSpec[] = [
  {
    recordNo: '1',
    name: '患者情報レコード',
    table: '3-10',
    fields: [
      f('患者氏名', 'N', 40, { required: 'both', used: true }),
      f('患者性別', '9', 1, { required: 'both', check: 'sex', used: true }),
      f('患者生年月日', 'X', 8, { required: 'both', check: 'date', used: true }),
      f('患者郵便番号', 'X', 8),
      f('患者住所', 'N', 800),
      f('患者電話番号', 'X', 13),
      f('緊急連絡先', 'N', 800),
      f('血液型', 'N', 20),
      f('体重', 'X', 7, { check: 'decimal' }),
      f('患者氏名カナ', 'N', 40, { used: true }),
    ],
  },
  {
    recordNo: '2',
    name: '患者特記レコード',
    table: '3-11',
    fields: [
      f('患者特記種別', '9', 1, { required: 'both', check: 'remarkType' }),
      f('患者特記内容', 'N', 120, { required: 'both' }),
      creator,
    ],
  },
  {
    recordNo: '3',
    name: '要指導医薬品・一般用医薬品服用レコード',
    table: '3-12',
    fields: [
      f('薬品名称', 'N', 120, { required: 'both' }),
      f('服用開始年月日', 'X', 8, { check: 'date' }),
      f('服用終了年月日', 'X', 8, { check: 'date' }),
      creator,
      f('要指導医薬品・一般用医薬品レコード通番', '9', 3),
      f('ＪＡＮコード', '9', 13),
    ],
  },
  {
    recordNo: '31',
    name: '要指導医薬品・一般用医薬品成分レコード',
    table: '3-13',
    fields: [
      f('要指導医薬品・一般用医薬品レコード通番', '9', 3, { required: 'both' }),
      f('成分名', 'N', 256, { required: 'both' }),
      f('コード種別', '9', 1, { required: 'both' }),
      f('成分コード', 'X', 20),
      creator,
    ],
  },
  {
    recordNo: '4',
    name: '手帳メモレコード',
    table: '3-14',
    fields: [
      f('手帳メモ情報', 'N', 400, { required: 'both' }),
      f('メモ入力年月日', 'X', 8, { check: 'date' }),
      creator,
    ],
  },
  {
    recordNo: '5',
    name: '調剤等年月日レコード',
    table: '3-15',
    fields: [f('調剤等年月日', 'X', 8, { required: 'both', check: 'date', used: true }), creator],
  },
  {
    recordNo: '11',
    name: '調剤－医療機関等レコード',
    table: '3-16',
    fields: [
      f('医療機関等名称', 'N', 120, { required: 'both', used: true }),
      f('医療機関等都道府県', 'X', 2, { required: 'toPatient', check: 'prefecture', used: true }),
      f('医療機関等点数表', 'X', 1, { required: 'toPatient', check: 'scoreTable', used: true }),
      // Required toward the patient, but "遡及指定申請中の場合は省略可": an absent code is not an error.
      f('医療機関等コード', 'X', 7, { check: 'institution7', used: true }),
      f('医療機関等郵便番号', 'X', 8),
      f('医療機関等住所', 'N', 800),
      f('医療機関等電話番号', 'X', 13),
      creator,
    ],
  },
  {
    recordNo: '15',
    name: '調剤－医師・薬剤師レコード',
    table: '3-17',
    fields: [
      f('医師・薬剤師氏名', 'N', 40, { required: 'both', used: true }),
      f('医師・薬剤師連絡先', 'N', 800),
      creator,
    ],
  },
  {
    recordNo: '51',
    name: '処方－医療機関レコード',
    table: '3-18',
    fields: [
      f('医療機関名称', 'N', 120, { required: 'both', used: true }),
      f('医療機関都道府県', 'X', 2, { required: 'toPatient', check: 'prefecture', used: true }),
      f('医療機関点数表', 'X', 1, { required: 'toPatient', check: 'scoreTablePrescriber', used: true }),
      f('医療機関コード', 'X', 7, { required: 'toPatient', check: 'institution7', used: true }),
      creator,
    ],
  },
  {
    recordNo: '55',
    name: '処方－医師レコード',
    table: '3-19',
    fields: [
      f('医師氏名', 'N', 40, { required: 'both', used: true }),
      f('診療科名', 'N', 80, { used: true }),
      creator,
    ],
  },
  {
    recordNo: '201',
    name: '薬品レコード',
    table: '3-20',
    fields: [
      rp,
      f('薬品名称', 'N', 120, { required: 'both', used: true }),
      f('用量', 'X', 12, { required: 'toPatient', check: 'decimal', used: true }),
      f('単位名', 'N', 12, { required: 'toPatient', used: true }),
      f('薬品コード種別', '9', 1, { required: 'toPatient', check: 'drugCodeKind', used: true }),
      f('薬品コード', 'X', 13, { used: true }),
      creator,
      f('一般名', 'N', 120, { used: true }),
      f('一般名コード種別', '9', 1, { check: 'genericCodeKind', used: true }),
      f('一般名コード', 'X', 12, { used: true }),
    ],
  },
  { recordNo: '281', name: '薬品補足レコード', table: '3-21', fields: rpText('薬品補足情報', 100) },
  { recordNo: '291', name: '薬品服用注意レコード', table: '3-22', fields: rpText('内容', 400) },
  {
    recordNo: '301',
    name: '用法レコード',
    table: '3-23',
    fields: [
      rp,
      // Required when a pharmacy writes it, unless the form is 材料/その他 (checked in the structure).
      f('用法名称', 'N', 100, { used: true }),
      f('調剤数量', '9', 3, { required: 'toPatient', check: 'count', used: true }),
      f('調剤単位', 'N', 100, { required: 'toPatient', used: true }),
      f('剤形コード', 'X', 2, { required: 'toPatient', check: 'dosageForm', used: true }),
      f('用法コード種別', '9', 1, { required: 'toPatient', check: 'usageCodeKind', used: true }),
      f('用法コード', 'X', 16, { used: true }),
      creator,
    ],
  },
  { recordNo: '311', name: '用法補足レコード', table: '3-24', fields: rpText('用法補足情報', 100) },
  { recordNo: '391', name: '処方服用注意レコード', table: '3-25', fields: rpText('内容', 400) },
  { recordNo: '401', name: '服用注意レコード', table: '3-26', fields: text('内容', 400) },
  {
    recordNo: '411',
    name: '医療機関等提供情報レコード',
    table: '3-27',
    fields: [
      f('内容', 'N', 400, { required: 'both', used: true }),
      f('提供情報種別', '9', 2, { required: 'both', check: 'providedInfoType' }),
      creator,
    ],
  },
  { recordNo: '421', name: '残薬確認レコード', table: '3-28', fields: text('残薬内容', 400) },
  { recordNo: '501', name: '備考レコード', table: '3-29', fields: text('備考情報', 400) },
  {
    recordNo: '601',
    name: '患者等記入レコード',
    table: '3-30',
    fields: [
      f('患者等記入情報', 'N', 400, { required: 'both', used: true }),
      f('入力年月日', 'X', 8, { check: 'date', used: true }),
    ],
  },
  {
    recordNo: '701',
    name: 'かかりつけ薬剤師レコード',
    table: '3-31',
    fields: [
      f('かかりつけ薬剤師氏名', 'N', 40, { required: 'both' }),
      f('勤務先薬局名称', 'N', 120, { required: 'both' }),
      f('連絡先', 'N', 800, { required: 'both' }),
      f('担当開始日', 'X', 8, { check: 'date' }),
      f('担当終了日', 'X', 8, { check: 'date' }),
      creator,
    ],
  },
  {
    recordNo: '911',
    name: '分割制御レコード',
    table: '3-32',
    fields: [
      f('データ固有ID', '9', 14, { required: 'both', used: true }),
      f('分割数', '9', 3, { required: 'both', check: 'count', used: true }),
      f('データ連番', '9', 3, { required: 'both', check: 'count', used: true }),
    ],
  },
];

const BY_NUMBER = new Map(LAYOUTS.map((r) => [r.recordNo, r]));

/** The layout of a record number, undefined when the spec (as read here) has none. */
export const recordSpec = (recordNo: string): RecordSpec | undefined => BY_NUMBER.get(recordNo);

export const RECORD_NUMBERS: readonly string[] = LAYOUTS.map((r) => r.recordNo);
