// @hie/uke: レセプト電算処理 (UKE) claim files: Shift_JIS CSV records parsed exactly, 傷病名 and 医薬品
// mapped to FHIR JP Core with the operator's master files. This file is the package's whole public face.
import type { UkeError } from './file/errors.js';
import { type ParseOptions, parseUke } from './file/parse.js';
import { type MapOptions, mapUke, type UkeMapping } from './mapping/map.js';

export {
  formatUkeError,
  MAX_ERRORS,
  type UkeError,
  type UkeErrorCode,
  type UkeWarning,
  type UkeWarningCode,
} from './file/errors.js';
export { KEPT_RECORDS, MAPPED_RECORDS } from './file/layout.js';
export {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_LINE,
  type ParseOptions,
  parseUke,
  type UkeParseResult,
} from './file/parse.js';
export type {
  UkeClaim,
  UkeComment,
  UkeDayCount,
  UkeDiagnosis,
  UkeDrug,
  UkeFile,
  UkeInstitution,
  UkeInsurance,
  UkeItemComment,
  UkeMaterial,
  UkeOtherRecord,
  UkeOutcome,
  UkeProcedure,
  UkePublicPayer,
  UkeTotal,
} from './file/types.js';
export { type DateResult, ERAS, ukeDate, ukeMonth } from './file/wareki.js';
export { CARE_CATEGORIES, OUTCOMES, UKE_SYSTEMS } from './mapping/codes.js';
export { CLAIM_DIAGNOSIS_NOTE } from './mapping/condition.js';
export { claimItemId, fileKeyPrefix, ukePatientId } from './mapping/ids.js';
export { type MapOptions, mapUke, type UkeMapping, type UkeMapResult } from './mapping/map.js';
export { CLAIM_DRUG_NOTE } from './mapping/medication.js';
export {
  loadDiseaseMaster,
  loadDrugMaster,
  loadModifierMaster,
  type MasterLoadOptions,
  type MasterLoadResult,
} from './masters/load.js';
export type {
  DiseaseEntry,
  DiseaseMaster,
  DrugEntry,
  DrugMaster,
  Master,
  MasterKind,
  ModifierEntry,
  ModifierMaster,
  UkeMasters,
} from './masters/types.js';

export type UkeImportResult =
  | { ok: true; mapping: UkeMapping; recordCount: number }
  | { ok: false; errors: UkeError[] };

/** Parse, then map: the one call an intake path makes for an uploaded file. All of it, or nothing. */
export function importUke(bytes: Uint8Array, options: ParseOptions & MapOptions): UkeImportResult {
  const parsed = parseUke(bytes, options);
  if (!parsed.ok) return parsed;
  const mapped = mapUke(parsed.file, options);
  return mapped.ok ? { ok: true, mapping: mapped.mapping, recordCount: parsed.file.recordCount } : mapped;
}
