// @hie/okusuri-techo: JAHIS 電子版お薬手帳データフォーマット (QR code / CSV): parsed exactly, mapped to FHIR
// JP Core MedicationDispense. This file is the package's whole public face.
//
//   const parts = assembleQrParts(scannedTexts);                 // split QR codes → one text
//   const read = parseOkusuriTecho(parts.text, { source, origins: parts.origins });   // or file bytes
//   const mapped = mapOkusuriTecho(read.notebook, { patientId, facility });

export {
  type DispensingSummary,
  type MapOptions,
  mapOkusuriTecho,
  type OtcMappingResult,
} from './fhir/map.js';
export { type NotebookDemographics, notebookDemographics } from './fhir/patient.js';
export { drugCodeSystem, OTC_SYSTEMS } from './fhir/systems.js';
export {
  CREATORS,
  DOSAGE_FORMS,
  DRUG_CODE_KINDS,
  FORMAT_VERSIONS,
  OUTPUT_CATEGORIES,
  PROVIDED_INFO_TYPES,
} from './format/codes.js';
export { notebookDate } from './format/dates.js';
export { recordSpec } from './format/records.js';
export { DEFAULT_MAX_BYTES } from './format/text.js';
export {
  formatOtcIssue,
  type LineOrigin,
  OTC_ISSUE_CODES,
  type OtcIssue,
  type OtcIssueCode,
} from './issues.js';
export type {
  Dispensing,
  Drug,
  Institution,
  KeptRecord,
  Notebook,
  NotebookPatient,
  NoteRecord,
  PatientEntry,
  Person,
  ProvidedInfo,
  Rp,
  Usage,
} from './notebook/model.js';
export { type ParseOptions, type ParseResult, parseOkusuriTecho } from './notebook/parse.js';
export {
  type AssembleOptions,
  type AssembleResult,
  assembleQrParts,
  MAX_QR_PART_CHARS,
  MAX_QR_PARTS,
} from './qr/assemble.js';
