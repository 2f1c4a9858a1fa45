// The parsed file: plain data, one object per record, each with the line it came from. Dates are ISO
// (`YYYY-MM-DD`, `YYYY-MM`), codes are strings as recorded, numbers are numbers. Text fields are kept as
// sent (trailing padding spaces removed), including a full-width space between family and given name.

/** 医療機関情報レコード (IR). */
export interface UkeInstitution {
  line: number;
  /** 審査支払機関: 1 社会保険診療報酬支払基金, 2 国民健康保険団体連合会. */
  payer: '1' | '2';
  /** 都道府県 (2 digits). */
  prefecture: string;
  /** 点数表: 1 医科 (the only one read here). */
  feeTable: string;
  /** 医療機関コード (7 digits). */
  code: string;
  /** Prefecture + fee table + code: the 10-digit institution code the rest of the project uses. */
  institutionCode: string;
  /** 医療機関名称. */
  name: string;
  /** 請求年月 (`YYYY-MM`). */
  billingMonth: string;
  /** マルチボリューム識別情報 (00 = single volume). */
  volume: string;
  phone?: string;
}

/** 保険者レコード (HO). */
export interface UkeInsurance {
  line: number;
  /** 保険者番号 (6 or 8 digits). */
  insurerNumber: string;
  /** 被保険者証（手帳）等の記号. */
  symbol?: string;
  /** 被保険者証（手帳）等の番号. */
  number: string;
  /** 診療実日数. */
  days: number;
  /** 合計点数. */
  points: number;
}

/** 公費レコード (KO). */
export interface UkePublicPayer {
  line: number;
  /** 公費負担者番号 (8 digits). */
  payerNumber: string;
  /** 公費受給者番号 (7 digits). */
  recipientNumber?: string;
  days: number;
  points: number;
}

/** 転帰区分: 1 治ゆ・死亡・中止以外 (continuing), 2 治ゆ, 3 死亡, 4 中止（転医）. */
export type UkeOutcome = '1' | '2' | '3' | '4';

/** 傷病名レコード (SY). */
export interface UkeDiagnosis {
  line: number;
  /** 傷病名コード (7 digits); 0000999 = 未コード化傷病名 (the name is in `name`). */
  code: string;
  /** 診療開始日 (`YYYY-MM-DD`). */
  startDate: string;
  outcome: UkeOutcome;
  /** 修飾語コード (4 digits each), in recorded order. */
  modifiers: string[];
  /** 傷病名称: recorded for 未コード化傷病名 (and kept whenever present). */
  name?: string;
  /** 主傷病 (field 7 = 01). */
  main: boolean;
  /** 補足コメント. */
  note?: string;
}

/** A day of the month and the count recorded for it (算定日情報). */
export interface UkeDayCount {
  day: number;
  count: number;
}

/** コメントコード + 文字データ, as recorded in SI/IY/TO fields 8–13 (TO: 12–17). */
export interface UkeItemComment {
  code?: string;
  text?: string;
}

/** What SI, IY and TO share. */
export interface UkeItemBase {
  line: number;
  /**
   * 診療識別 as in effect: a blank field continues the previous record's (the spec's grouping); '' when
   * the item needs none and none came before.
   */
  category: string;
  /** 負担区分. */
  burden: string;
  code: string;
  points?: number;
  /** 回数. */
  count: number;
  comments: UkeItemComment[];
  /** 算定日情報: days with a count, in day order. */
  days: UkeDayCount[];
}

/** 診療行為レコード (SI). */
export interface UkeProcedure extends UkeItemBase {
  /** 数量データ. */
  quantity?: number;
}

/** 医薬品レコード (IY). */
export interface UkeDrug extends UkeItemBase {
  /** 使用量 (1日量 for 内服, 1回量 for 屯服 and injections, 1調剤量 for 外用); the spec lets it be omitted. */
  amount?: number;
}

/** 特定器材レコード (TO). */
export interface UkeMaterial extends UkeItemBase {
  amount?: number;
  unitCode?: string;
  unitPrice?: number;
  /** 特定器材名称 (for 未コード化特定器材 777770000). */
  name?: string;
  /** 商品名及び規格又はサイズ. */
  productName?: string;
}

/** コメントレコード (CO). */
export interface UkeComment {
  line: number;
  /** 診療識別 as in effect (absent: none yet). */
  category?: string;
  burden: string;
  code: string;
  text?: string;
}

/** A record of the spec this package keeps but does not map (SN, JD, MF, KH, GR, NI, SJ, TI, TR, TS). */
export interface UkeOtherRecord {
  line: number;
  type: string;
  fields: string[];
}

/** One claim: RE and the records that follow it until the next RE or GO. */
export interface UkeClaim {
  line: number;
  /** レセプト番号 (unique in the file). */
  receiptNumber: string;
  /** レセプト種別 (4 digits: 1 医科, 医保/公費, 本人/家族…, odd last digit = 入院). */
  receiptType: string;
  inpatient: boolean;
  /** 診療年月 (`YYYY-MM`). */
  careMonth: string;
  /** 氏名 as sent (漢字; a full-width space usually separates family and given name). */
  name: string;
  /** カタカナ（氏名）. */
  kanaName?: string;
  sex: 'male' | 'female';
  /** 生年月日 (`YYYY-MM-DD`). */
  birthDate: string;
  /** 入院年月日. */
  admissionDate?: string;
  /** カルテ番号等: the clinic's patient number, when the レセコン records it. */
  patientNumber?: string;
  insurances: UkeInsurance[];
  publicPayers: UkePublicPayer[];
  diagnoses: UkeDiagnosis[];
  procedures: UkeProcedure[];
  drugs: UkeDrug[];
  materials: UkeMaterial[];
  comments: UkeComment[];
  others: UkeOtherRecord[];
}

/** 診療報酬請求書レコード (GO). */
export interface UkeTotal {
  line: number;
  /** 総件数. */
  claimCount: number;
  /** 総合計点数. */
  totalPoints: number;
  volume: string;
}

export interface UkeFile {
  fileName: string;
  institution: UkeInstitution;
  claims: UkeClaim[];
  total: UkeTotal;
  /** Records read (lines with a record). */
  recordCount: number;
}
