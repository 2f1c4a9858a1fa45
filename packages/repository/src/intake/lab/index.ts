// Lab centre (検査センター) results for the clinics that ordered them: HL7 v2 messages (OUL^R22,
// ORU^R01) and lab centres' own CSV layouts → one IntakeBatch per order for the ordering clinic.
export {
  decodeLabCsv,
  LAB_CSV_LAYOUTS,
  type LabCsvDecode,
  type LabCsvItem,
  type LabCsvLayout,
  type LabCsvRead,
  type LabCsvResult,
  readLabCsv,
} from './csv.js';
export { mapLabCsvResult } from './csv-map.js';
export { LAB_RESULT_TYPES, type LabMessage, type LabMessageRead, readLabMessage } from './hl7.js';
export { LAB_RESULT_DATA_TYPE } from './key.js';
export { type LabFacility, type LabMapResult, mapLabMessage } from './map.js';
