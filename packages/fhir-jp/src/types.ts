import type { Resource } from '@medplum/fhirtypes';

/**
 * Disclosure categories: the item kinds of MISSION.md M2 a facility can choose to disclose.
 * Orders and results are separate items there, so they are separate categories here.
 */
export const CATEGORIES = {
  demographics: '患者基本情報',
  allergy: 'アレルギー',
  diagnosis: '病名',
  prescription: '処方',
  injection: '注射',
  'lab-order': '検体検査オーダ',
  'lab-result': '検体検査結果',
  bacteriology: '細菌検査結果',
  'radiology-order': '放射線検査オーダ',
  radiology: '放射線検査結果・画像',
  'endoscopy-order': '内視鏡検査オーダ',
  endoscopy: '内視鏡検査結果・画像',
  'physiology-order': '生理検査オーダ',
  physiology: '生理検査結果',
  diet: '食事オーダ',
  'outpatient-visit': '外来受付',
  admission: '入院',
  leave: '外出・外泊',
  transfer: '転科・転棟',
  discharge: '退院',
  document: '文書',
} as const;
export type Category = keyof typeof CATEGORIES;

/** Plain metadata the gateway indexes each resource by. */
export interface IndexEntry {
  resourceType: Resource['resourceType'];
  id: string;
  /** The facility's patient ID (PID-3.1 / file name), not the FHIR id. */
  patientId: string;
  category: Category;
  /** Clinically relevant date: FHIR date or dateTime, `+09:00` for zone-less HL7 values. */
  date?: string;
  /** Main code (JLAC10 for lab results, HOT for drugs, disease code …) for "latest per code". */
  code?: string;
  codeSystem?: string;
}

export interface MappedResource {
  resource: Resource;
  index: IndexEntry;
}

export type MappingWarningCode =
  | 'NO_PID'
  | 'PATIENT_ID_MISMATCH'
  | 'UNSUPPORTED_MESSAGE'
  | 'UNSUPPORTED_DATA_TYPE'
  | 'MESSAGE_TYPE_MISMATCH'
  | 'BAD_DATE'
  | 'BAD_NUMBER'
  | 'MISSING_CODE'
  | 'MISSING_FIELD'
  | 'UNKNOWN_VALUE_TYPE';

export interface MappingWarning {
  code: MappingWarningCode;
  message: string;
  segment?: string;
  /** 1-based index of the segment in the message (MSH = 1). */
  segmentIndex?: number;
  field?: number;
}

/** What a message maps to. */
export interface MappingResult {
  /**
   * A cancel event (MSH-9.2 A23/A11/A13/A12/A27/A26/A25/A55/A52/A53, or every ORC-1 = CA): the
   * gateway deletes what the key's earlier files produced — every id starting with `keyPrefix` — and
   * `deleteIds` lists the ids the original most likely had (this message mapped as if it were one).
   * Condition flag `0` on the file name is NOT looked at here: the caller deletes by `keyPrefix`.
   */
  delete: boolean;
  /** Resources to PUT (empty when `delete`). Same objects as `entries[i].resource`. */
  resources: Resource[];
  entries: MappedResource[];
  /** Ids to DELETE: all ids on a cancel; on an order message with some ORC-1 = CA, those blocks' ids. */
  deleteIds: string[];
  /** Common prefix of every id from this storage key (ends with '.'); the Patient id is separate. */
  keyPrefix: string;
  warnings: MappingWarning[];
}
