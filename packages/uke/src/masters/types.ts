// The three master files the mapping looks codes up in, as published by 社会保険診療報酬支払基金
// (基本マスター, https://www.ssk.or.jp/seikyushiharai/tensuhyo/kihonmasta/): 傷病名マスター (b_),
// 修飾語マスター (z_), 医薬品マスター (y_). Only the columns the mapping uses are kept.

/** A row of the 傷病名マスター. */
export interface DiseaseEntry {
  /** 傷病名コード (7 digits). */
  code: string;
  /** 傷病名基本名称 (column 6). */
  name: string;
  /** 傷病名省略名称 (column 8). */
  shortName?: string;
  /** 傷病名カナ名称 (column 10, half-width katakana). */
  kana?: string;
  /** 病名管理番号 (column 11: MEDIS 標準病名マスター). */
  managementNumber?: string;
  /** 病名交換用コード (column 13: MEDIS). */
  exchangeCode?: string;
  /** ICD-10 (2013) (column 16; column 14 in older layouts). */
  icd10?: string;
  /** Second ICD-10 (2013) code (column 17; column 15 in older layouts). */
  icd10Second?: string;
  /** 廃止年月日 (`YYYY-MM-DD`; absent when in force). */
  abolished?: string;
}

/** A row of the 修飾語マスター. */
export interface ModifierEntry {
  /** 修飾語コード (4 digits). */
  code: string;
  /** 修飾語名称 (column 7). */
  name: string;
  /** 修飾語カナ名称 (column 10). */
  kana?: string;
  /** 修飾語交換用コード (column 18: MEDIS). */
  exchangeCode?: string;
  /** 修飾語区分 (column 19): the second digit is the class, 8 = 接尾語. */
  modifierClass?: string;
  /** Where it goes in the display name: before the disease name (接頭語) or after it (接尾語). */
  position: 'prefix' | 'suffix';
  abolished?: string;
}

/** A row of the 医薬品マスター. */
export interface DrugEntry {
  /** 医薬品コード (9 digits, レセプト電算処理システム用). */
  code: string;
  /** 医薬品名・規格名 漢字名称 (column 5). */
  name: string;
  /** カナ名称 (column 7). */
  kana?: string;
  /** 単位コード (column 8). */
  unitCode?: string;
  /** 単位漢字名称 (column 10): the unit of 使用量 (錠, mL, g …). */
  unit?: string;
  /** 剤形 (column 28): 1 内用, 3 その他, 4 注射, 6 外用, 8 歯科用. */
  dosageForm?: string;
  /** 薬価基準収載医薬品コード (column 32, 12 characters; close to, but not always, the YJ code). */
  priceListCode?: string;
  /** 基本漢字名称 (column 35). */
  baseName?: string;
  abolished?: string;
}

/** A loaded master: lookup by code. */
export interface Master<E> {
  /** 傷病名 / 修飾語 / 医薬品. */
  readonly kind: MasterKind;
  readonly size: number;
  get(code: string): E | undefined;
}

export type MasterKind = 'disease' | 'modifier' | 'drug';

export type DiseaseMaster = Master<DiseaseEntry>;
export type ModifierMaster = Master<ModifierEntry>;
export type DrugMaster = Master<DrugEntry>;

/** The three masters a mapping needs. */
export interface UkeMasters {
  disease: DiseaseMaster;
  modifier: ModifierMaster;
  drug: DrugMaster;
}
