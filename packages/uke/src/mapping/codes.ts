// Code systems of the UKE mapping. Published URIs first (JP Core, aliases-jpcore.fsh); where none is
// published (the レセ電 医薬品コード, 診療識別 …) a `urn:uke:codesystem:<name>` URN, stable until one is,
// like fhir-jp's `urn:ssmix2:codesystem:<name>`.
import { SYSTEMS } from '@hie/fhir-jp';

export const UKE_SYSTEMS = {
  /** 傷病名コード (支払基金 傷病名マスター), JP Core $JP_Disease_Claim_CS. */
  disease: 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/masterB-disease',
  /** 修飾語コード (支払基金 修飾語マスター), JP Core $JP_Modifier_Disease_Claim_CS. */
  modifier: 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/masterZ-disease-modifier',
  /** MEDIS 病名交換用コード / 修飾語交換用コード / 病名管理番号, ICD-10 (2013): fhir-jp's. */
  diseaseExchange: SYSTEMS.diseaseExchange,
  diseaseKey: SYSTEMS.diseaseKey,
  modifierExchange: SYSTEMS.modifierExchange,
  icd10: SYSTEMS.icd10,
  /** 転帰区分 of the receipt (1–4), JP Core JP_ConditionDiseaseOutcomeReceipt_CS. */
  outcome: 'http://jpfhir.jp/fhir/core/CodeSystem/JP_ConditionDiseaseOutcomeReceipt_CS',
  /** 医薬品コード (レセプト電算処理システム用, 9 digits): no published URI. */
  drug: 'urn:uke:codesystem:masterY-drug',
  /** 薬価基準収載医薬品コード (12 characters): no published URI (it is not always the YJ code). */
  priceList: 'urn:uke:codesystem:yakka-kijun',
  /** 診療識別 (記録条件仕様 別表). */
  careCategory: 'urn:uke:codesystem:shinryo-shikibetsu',
  /** 主傷病 (記録条件仕様 別表: 01). */
  mainDisease: 'urn:uke:codesystem:shubyo',
  conditionClinical: SYSTEMS.conditionClinical,
  conditionVerification: SYSTEMS.conditionVerification,
  conditionCategory: SYSTEMS.conditionCategory,
  medicationStatementCategory: 'http://terminology.hl7.org/CodeSystem/medication-statement-category',
  ucum: SYSTEMS.ucum,
  isoRepresentation: SYSTEMS.isoRepresentation,
} as const;

/** 転帰区分 (別表 転帰区分コード). */
export const OUTCOMES: Readonly<Record<string, string>> = {
  '1': '治ゆ、死亡、中止以外',
  '2': '治ゆ',
  '3': '死亡',
  '4': '中止（転医）',
};

/** 診療識別 (別表 診療識別コード) of the records a drug can be billed under. */
export const CARE_CATEGORIES: Readonly<Record<string, string>> = {
  '01': '全体に係る',
  '11': '初診',
  '12': '再診',
  '13': '医学管理',
  '14': '在宅',
  '21': '内服',
  '22': '屯服',
  '23': '外用',
  '24': '調剤',
  '25': '処方',
  '26': '麻毒',
  '27': '調基',
  '28': '投薬その他',
  '31': '皮下筋肉内注射',
  '32': '静脈内注射',
  '33': 'その他の注射',
  '39': '薬剤料減点',
  '40': '処置',
  '50': '手術',
  '54': '麻酔',
  '60': '検査・病理',
  '70': '画像診断',
  '80': 'その他',
  '90': '入院基本料',
  '92': '特定入院料・その他',
  '97': '食事療養・生活療養',
  '99': '全体に係る',
};

/** 修飾語コード of 「の疑い」: the diagnosis is suspected, not established. */
export const SUSPECTED = '8002';

/** 主傷病 (SY-7 = 01). */
export const MAIN_DISEASE = '01';
