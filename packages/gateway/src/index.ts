// The facility gateway: what the CLI, the demo network and the benchmarks start and call. What serves
// the records (store, access, API, feed) is @hie/record-source; the gateway re-exports what it always
// promised here, so its users need not know where each part lives.

// The store's tables (as `export type * from './store/schema.js'` gave them before the split).
export type {
  DicomSourceKind,
  GatewaySchema,
  GwDicomInstanceTable,
  GwErrorTable,
  GwFileTable,
  GwInboundOwnerTable,
  GwNonceTable,
  GwPacsStudyTable,
  GwPatientTable,
  GwResourceTable,
  GwStateTable,
  Schema,
} from '@hie/record-source';
export {
  buildGatewayApp,
  CLINICAL_PURPOSES,
  checkDisclosure,
  type DisclosureSettings,
  ERROR_SYSTEM,
  GATEWAY_MIGRATIONS,
  type GatewayAccess,
  type GatewayAppDeps,
  GatewayError,
  type GatewayErrorCode,
  HPD_FEED_PATH,
  kanaKey,
  type MutualTlsOptions,
  migrateGatewayStore,
  type OperationOutcome,
  PacsClient,
  PacsError,
  type PacsErrorCode,
  type PacsSettings,
  SERVED_TYPES,
  StoreNonceLedger,
} from '@hie/record-source';
export { type DicomIndexReport, syncDicomStorage } from './ingest/dicom-index.js';
export { recordKey, StorageWatcher, type StorageWatcherOptions } from './ingest/index.js';
export type { PacsState } from './ingest/pacs-state.js';
export { type PacsSource, type PacsSyncReport, syncPacs } from './ingest/pacs-sync.js';
export * from './run/index.js';
