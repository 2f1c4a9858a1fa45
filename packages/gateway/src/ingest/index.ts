export type { DecodedFile, FileError, IngestErrorCode, ResourceRow } from './decode.js';
export { GatewayIngest } from './ingest.js';
export { recordKey } from './record-key.js';
export { gatewayStatus } from './status.js';
export type {
  GatewayFacility,
  GatewayStatus,
  IngestErrorRow,
  IngestEvent,
  IngestOptions,
  IngestReport,
} from './types.js';
export { StorageWatcher, type StorageWatcherOptions } from './watch.js';
