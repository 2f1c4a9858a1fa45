// Disclosure categories are the contract's: every unit and the web app use the same list.
import type { Category } from '@hie/contract';
import type { Resource } from '@medplum/fhirtypes';

export { CATEGORIES, type Category } from '@hie/contract';

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
