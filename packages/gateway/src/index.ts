// The facility gateway: what the CLI, the demo network and the benchmarks start and call.
export * from './api/index.js';
export { StoreNonceLedger } from './api/nonce-ledger.js';
export { type DicomIndexReport, syncDicomStorage } from './ingest/dicom-index.js';
export { kanaKey, recordKey, StorageWatcher, type StorageWatcherOptions } from './ingest/index.js';
export type { PacsState } from './ingest/pacs-state.js';
export { type PacsSource, type PacsSyncReport, syncPacs } from './ingest/pacs-sync.js';
export { PacsClient, PacsError, type PacsErrorCode, type PacsSettings } from './pacs/client.js';
export * from './run/index.js';
export { GATEWAY_MIGRATIONS, migrateGatewayStore } from './store/migrations.js';
export type * from './store/schema.js';
