// Field names of the 医科 records, in the order of 「オンライン又は光ディスク等による請求に係る記録条件仕様
// （医科用）」 (厚生労働省; 社会保険診療報酬支払基金「電子レセプトの作成手引き（医科）」): field 1 is the
// record type. Used for the errors (file, line, field number and name).

const days = (from: number) => Array.from({ length: 31 }, (_, i) => [from + i, `${i + 1}日の情報`] as const);

const named = (...names: (readonly [number, string])[]) => new Map<number, string>(names);

const list = (names: string[]) => named(...names.map((n, i) => [i + 1, n] as const));

const comments = (from: number) =>
  [
    [from, 'コメントコード1'],
    [from + 1, '文字データ1'],
    [from + 2, 'コメントコード2'],
    [from + 3, '文字データ2'],
    [from + 4, 'コメントコード3'],
    [from + 5, '文字データ3'],
  ] as const;

const department = (n: number, from: number) =>
  [
    [from, `診療科${n} 診療科名`],
    [from + 1, `診療科${n} 人体の部位等`],
    [from + 2, `診療科${n} 性別等`],
    [from + 3, `診療科${n} 医学的処置`],
    [from + 4, `診療科${n} 特定疾病`],
  ] as const;

const FIELDS: Readonly<Record<string, ReadonlyMap<number, string>>> = {
  IR: list([
    'レコード識別情報',
    '審査支払機関',
    '都道府県',
    '点数表',
    '医療機関コード',
    '予備',
    '医療機関名称',
    '請求年月',
    'マルチボリューム識別情報',
    '電話番号',
  ]),
  RE: named(
    ...list([
      'レコード識別情報',
      'レセプト番号',
      'レセプト種別',
      '診療年月',
      '氏名',
      '男女区分',
      '生年月日',
      '給付割合',
      '入院年月日',
      '病棟区分',
      '一部負担金・食事療養費・生活療養費標準負担額区分',
      'レセプト特記事項',
      '病床数',
      'カルテ番号等',
      '割引点数単価',
      '予備',
      '予備',
      '予備',
      '検索番号',
      '記録条件仕様年月情報',
      '請求情報',
    ]),
    ...department(1, 22),
    ...department(2, 27),
    ...department(3, 32),
    [37, 'カタカナ（氏名）'],
    [38, '患者の状態'],
  ),
  HO: list([
    'レコード識別情報',
    '保険者番号',
    '被保険者証（手帳）等の記号',
    '被保険者証（手帳）等の番号',
    '診療実日数',
    '合計点数',
    '予備',
    '食事療養・生活療養 回数',
    '食事療養・生活療養 合計金額',
    '職務上の事由',
    '証明書番号',
    '負担金額 医療保険',
    '負担金額 減免区分',
    '負担金額 減額割合',
    '負担金額 減額金額',
  ]),
  KO: list([
    'レコード識別情報',
    '負担者番号',
    '受給者番号',
    '任意給付区分',
    '診療実日数',
    '合計点数',
    '負担金額 公費',
    '負担金額 公費給付対象外来一部負担金',
    '負担金額 公費給付対象入院一部負担金',
    '予備',
    '食事療養・生活療養 回数',
    '食事療養・生活療養 合計金額',
  ]),
  SY: list([
    'レコード識別情報',
    '傷病名コード',
    '診療開始日',
    '転帰区分',
    '修飾語コード',
    '傷病名称',
    '主傷病',
    '補足コメント',
  ]),
  SI: named(
    ...list(['レコード識別情報', '診療識別', '負担区分', '診療行為コード', '数量データ', '点数', '回数']),
    ...comments(8),
    ...days(14),
  ),
  IY: named(
    ...list(['レコード識別情報', '診療識別', '負担区分', '医薬品コード', '使用量', '点数', '回数']),
    ...comments(8),
    ...days(14),
  ),
  TO: named(
    ...list([
      'レコード識別情報',
      '診療識別',
      '負担区分',
      '特定器材コード',
      '使用量',
      '点数',
      '回数',
      '単位コード',
      '単価',
      '特定器材名称',
      '商品名及び規格又はサイズ',
    ]),
    ...comments(12),
    ...days(18),
  ),
  CO: list(['レコード識別情報', '診療識別', '負担区分', 'コメントコード', '文字データ']),
  GO: list(['レコード識別情報', '総件数', '総合計点数', 'マルチボリューム識別情報']),
};

/** The spec's name of a field (1-based), or `項目N` for one past the layout. */
export function fieldName(record: string, field: number): string {
  return FIELDS[record]?.get(field) ?? `項目${field}`;
}

/** Record types read and typed here. */
export const MAPPED_RECORDS = new Set(['IR', 'RE', 'HO', 'KO', 'SY', 'SI', 'IY', 'TO', 'CO', 'GO']);

/**
 * Other 医科 record types of the spec, kept as they are (field strings) and not mapped: 資格確認 (SN),
 * 受診日等 (JD), 窓口負担額 (MF), 国保連固有情報 (KH), 包括評価対象外理由 (GR), 日計表 (NI, claims
 * before 2012-04), 症状詳記 (SJ), 臓器提供医療機関情報 (TI), 臓器提供者レセプト情報 (TR), 臓器提供者
 * 請求情報 (TS). Anything else (DPC's BU/SB, 返戻 files' HI/HR, 歯科 …) is `uke-unknown-record`.
 */
export const KEPT_RECORDS = new Set(['SN', 'JD', 'MF', 'KH', 'GR', 'NI', 'SJ', 'TI', 'TR', 'TS']);
