// @hie/fhir-jp: SS-MIX2 (HL7 v2.5, JAHIS) → FHIR R4 JP Core. This file is the package's whole public face.

export { CDA_HEADER_MAX_BYTES, type CdaHeader, type CdaId, readCdaHeader } from './cda-header.js';
export { concept, DEPARTMENTS, department, SYSTEMS, systemUri } from './codes.js';
export { type Facility, type MappingSource, patientIdSystem } from './context.js';
export { toFhirDate, toFhirDateTime, toFhirInstant } from './datetime.js';
export {
  contentTypeOf,
  documentId,
  type ExtendedDocumentSource,
  type MappedDocument,
  mapExtendedDocument,
} from './document.js';
export { type DocumentCategory, documentCategory } from './document-kind.js';
export { escapeIdPart, ID_PATTERN, keyPrefix, patientResourceId, resourceId } from './ids.js';
export { type DicomStudySource, dicomStudyCategory, dicomStudyId, mapDicomStudy } from './imaging-dicom.js';
export { CANCEL_EVENTS, mapMessage } from './map-message.js';
export {
  CATEGORIES,
  type Category,
  type IndexEntry,
  type MappedResource,
  type MappingResult,
  type MappingWarning,
  type MappingWarningCode,
} from './types.js';
