// Code systems and ORCA's own tables. National code systems use JP Core's URIs (aliases-jpcore.fsh);
// ORCA's fixed tables (転帰区分, 主病名, 保険の種類, 診療区分) get `urn:orca:codesystem:<ORCA field>`;
// what each clinic sets up itself (診療科, 用法, ドクター, 伝票番号) gets a URN scoped by the clinic's
// institution code, so two clinics' local codes never merge.
import { SYSTEMS } from '@hie/fhir-jp';
import type { CodeableConcept } from '@medplum/fhirtypes';

export const ORCA_SYSTEMS = {
  /** 傷病名コード (レセ電算 傷病名マスター, 7 digits): JP Core $JP_Disease_Claim_CS. */
  disease: 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/masterB-disease',
  /** 修飾語コード (4 digits; ORCA writes them `ZZZnnnn`): JP Core $JP_Modifier_Disease_Claim_CS. */
  modifier: 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/masterZ-disease-modifier',
  /** レセプト電算処理システム用 医薬品コード (9 digits): the JAHIS/MHLW 電子処方箋 OID. */
  drug: 'urn:oid:1.2.392.100495.20.2.71',
  /** 薬価基準コード / YJコード (12 characters): JP Core $JP_MedicationCodeYJ_CS. */
  yj: 'http://capstandard.jp/iyaku.info/CodeSystem/YJ-code',
  /** 保険者番号 (JP Core Organization identifier). */
  insurer: 'urn:oid:1.2.392.100495.20.3.61',
  medicationCategory: SYSTEMS.merit9Category,
  rpGroup: SYSTEMS.rpGroup,
  orderInRp: SYSTEMS.orderInRp,
  conditionClinical: SYSTEMS.conditionClinical,
  conditionVerification: SYSTEMS.conditionVerification,
  conditionCategory: SYSTEMS.conditionCategory,
  ucum: SYSTEMS.ucum,
  isoRepresentation: SYSTEMS.isoRepresentation,
  actCode: SYSTEMS.actCode,
} as const;

/** One of ORCA's fixed tables (the same in every ORCA). */
export const orcaTable = (field: string) => `urn:orca:codesystem:${field}`;
/** A clinic's own table (診療科, 用法, ドクター, 伝票番号). */
export const clinicTable = (institutionCode: string, name: string) => `urn:orca:${institutionCode}:${name}`;

/** 転帰区分 (Disease_OutCome) → Condition.clinicalStatus. */
export const OUTCOMES: Readonly<Record<string, { display: string; clinical: 'resolved' | 'inactive' }>> = {
  F: { display: '治ゆ', clinical: 'resolved' },
  D: { display: '死亡', clinical: 'inactive' },
  C: { display: '中止', clinical: 'inactive' },
  S: { display: '移行', clinical: 'inactive' },
};

/** 診療区分 of a 処方 Rp (the first two digits of 診療種別区分). */
export const MEDICAL_CLASSES: Readonly<Record<string, string>> = { '21': '内服', '22': '頓服', '23': '外用' };

/** ORCA's 性別 → FHIR gender. */
export const GENDERS: Readonly<Record<string, 'male' | 'female' | 'unknown'>> = {
  '1': 'male',
  '2': 'female',
  '9': 'unknown',
};

/** A code of a table, with its display. */
export function coded(system: string, code: string, display?: string): CodeableConcept {
  return {
    coding: [{ system, code, ...(display ? { display } : {}) }],
    ...(display ? { text: display } : {}),
  };
}

/** FHIR strings allow no white space but space, CR, LF, TAB: ORCA's full-width space becomes a space. */
export const fhirText = (s: string): string => s.replace(/[^\S \r\n\t]/g, ' ').trim();

/** Full-width digits and letters (記号・番号 `１２３４５６７`) as ASCII, for identifiers. */
export const halfWidth = (s: string): string => s.normalize('NFKC').trim();
