// @hie/record-source: a disclosing source's record server — its store, the one access decision, the
// FHIR API and DICOMweb that answer the hub's assertions, their audit, and the identity feed to the hub.
// Used by the gateway today; the small-facility repository (issue 13) is its second user.

// The one access decision, and the API that reads only through it.
export * from './access/index.js';
export { AuditQueue } from './api/audit-queue.js';
export * from './api/index.js';
export { StoreNonceLedger } from './api/nonce-ledger.js';
// Who discloses.
export type { GatewayFacility } from './facility.js';
// The patient-identity feed to the hub's MPI.
export * from './feed/index.js';
// A DICOMweb client of an image archive (the frame source of DICOMweb; the gateway's PACS sync).
export {
  PacsClient,
  PacsError,
  type PacsErrorCode,
  type PacsSettings,
  type PacsStudy,
} from './pacs/client.js';
export { kanaKey, type PatientFields, type PatientLike, patientRowOf } from './projection/patient-row.js';
// Writing the projection (what a source's intake calls).
export {
  chunks,
  type Db,
  deleteResources,
  deleteResourcesOfKeys,
  type RowScope,
  upsertFiles,
  upsertResources,
} from './projection/rows.js';
// The store: its tables and its one migration set.
export { GATEWAY_MIGRATIONS, migrateGatewayStore } from './store/migrations.js';
export { markProjectionVersion, PROJECTION_VERSION, projectionVersion } from './store/projection-version.js';
export type * from './store/schema.js';
