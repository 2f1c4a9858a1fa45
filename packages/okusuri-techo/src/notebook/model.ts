// What a notebook says, as plain data: every record of the spec kept, values as written (dates also as
// FHIR dates). Decimals stay text so nothing is rounded on the way to FHIR.

/** A free-text record (注意, 補足, 備考 …) with where it came from. */
export interface NoteRecord {
  line: number;
  text: string;
  /** レコード作成者: 1 医療関係者, 2 患者等, 8 その他, 9 不明. */
  creator?: string;
}

export interface NotebookPatient {
  line: number;
  /** 患者氏名, as written ("鈴木 太郎": family name, a space, given name). */
  name: string;
  /** 患者氏名カナ. */
  kana?: string;
  /** 患者性別: 1 男, 2 女. */
  sex: string;
  /** 患者生年月日 as written (`19580303` or `S330303`). */
  birthDateRaw: string;
  /** The same as a FHIR date. */
  birthDate: string;
  postalCode?: string;
  address?: string;
  phone?: string;
  emergencyContact?: string;
  bloodType?: string;
  /** kg, as written. */
  weight?: string;
}

/** 調剤－医療機関等 / 処方－医療機関. */
export interface Institution {
  line: number;
  name: string;
  /** 都道府県 (2) + 点数表 (1) + 医療機関コード (7): the 10-digit 医療機関コード, when all three are given. */
  institutionCode?: string;
  prefecture?: string;
  scoreTable?: string;
  /** The 7-digit code as written. */
  code7?: string;
  postalCode?: string;
  address?: string;
  phone?: string;
  creator?: string;
}

/** 調剤－医師・薬剤師 / 処方－医師. */
export interface Person {
  line: number;
  name: string;
  /** 医師・薬剤師連絡先 (15) or 診療科名 (55). */
  contact?: string;
  department?: string;
  creator?: string;
}

export interface Drug {
  line: number;
  /** RP番号 and the drug's place in its Rp (1-based). */
  rp: number;
  orderInRp: number;
  name: string;
  /** 用量 as written: 内服・浸煎・湯 1日量, 屯服 1回量, others 全量. */
  dose?: string;
  unit?: string;
  /** 薬品コード種別: 1 none, 2 レセ電, 3 厚労省 (薬価基準収載), 4 YJ, 6 HOT. */
  codeKind?: string;
  code?: string;
  creator?: string;
  genericName?: string;
  genericCodeKind?: string;
  genericCode?: string;
  /** 薬品補足 (281). */
  supplements: NoteRecord[];
  /** 薬品服用注意 (291). */
  cautions: NoteRecord[];
}

export interface Usage {
  line: number;
  /** 用法名称. */
  name?: string;
  /** 調剤数量: days (内服・浸煎・湯), times (屯服), 1 otherwise. */
  quantity?: number;
  /** 調剤単位: 日分, 回分, 調剤. */
  unit?: string;
  /** 剤形コード (別表4). */
  dosageForm?: string;
  /** 用法コード種別: 1 none, 2 JAMI 用法コード. */
  codeKind?: string;
  code?: string;
  creator?: string;
}

/** One Rp: drugs of the same usage. */
export interface Rp {
  number: number;
  line: number;
  /** 処方－医師 in force where the Rp began (3.2.9(1)). */
  doctor?: Person;
  drugs: Drug[];
  usage?: Usage;
  /** 用法補足 (311). */
  usageSupplements: NoteRecord[];
  /** 処方服用注意 (391). */
  cautions: NoteRecord[];
}

export interface ProvidedInfo extends NoteRecord {
  /** 提供情報種別: 30, 31, 99. */
  infoType?: string;
}

export interface PatientEntry extends NoteRecord {
  /** 入力年月日 as a FHIR date. */
  date?: string;
}

/** One 調剤情報: a visit to a pharmacy (or a clinic that dispensed), from its 調剤等年月日レコード. */
export interface Dispensing {
  line: number;
  /** 調剤等年月日 as written and as a FHIR date. */
  dateRaw: string;
  date: string;
  creator?: string;
  pharmacy?: Institution;
  pharmacist?: Person;
  /** 処方－医療機関: only when a pharmacy filled a prescription. */
  prescriber?: Institution;
  doctors: Person[];
  rps: Rp[];
  /** 服用注意 (401): for the whole dispensing. */
  cautions: NoteRecord[];
  /** 医療機関等提供情報 (411). */
  providedInfo: ProvidedInfo[];
  /** 残薬確認 (421). */
  remainingChecks: NoteRecord[];
  /** 備考 (501). */
  remarks: NoteRecord[];
  /** 患者等記入 (601): what the patient wrote. */
  patientEntries: PatientEntry[];
}

/** A record kept as written: patient-level records this package does not map, and unknown ones. */
export interface KeptRecord {
  line: number;
  recordNo: string;
  fields: string[];
}

export interface Notebook {
  source: string;
  /** `JAHISTC08`. */
  version: string;
  /** The spec versions that version record stands for (`['2.5', '2.6']`). */
  specVersions: readonly string[];
  /** 出力区分: 1 医療機関等 → 患者等, 2 患者等 → 医療機関等. */
  outputCategory: string;
  patient: NotebookPatient;
  dispensings: Dispensing[];
  /** 患者特記 (2), 要指導・一般用医薬品 (3, 31), 手帳メモ (4), かかりつけ薬剤師 (701): parsed, not mapped. */
  patientRecords: KeptRecord[];
  /** Record numbers the spec (as read here) does not define. */
  unknownRecords: KeptRecord[];
}
