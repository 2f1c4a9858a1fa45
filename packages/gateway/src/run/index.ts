// The gateway process: configuration, start/stop wiring of store, ingest, API and inbound HL7.

// Moved to @hie/platform (the repository reads the same file); re-exported for the gateway's users.
export { loadHubKeys } from '@hie/platform';
export {
  type FeederStatus,
  type FeedRunResult,
  IdentityFeeder,
  resetCheckpoint as resetFeedCheckpoint,
  storedFeedState,
} from '@hie/record-source';
// The inbound HL7 side, and what the CLI needs of ingest (same bindings as the ingest module's own exports).
export * from '../inbound/index.js';
export {
  type GatewayFacility,
  GatewayIngest,
  type GatewayStatus,
  gatewayStatus,
  type IngestErrorRow,
  type IngestReport,
} from '../ingest/index.js';
export {
  completeGatewayConfig,
  GATEWAY_ENV,
  type GatewayAuditSettings,
  type GatewayConfig,
  type GatewayConfigInput,
  type GatewayPacsSettings,
  type GatewayStoreLocation,
  gatewayConfigSchema,
  loadGatewayConfig,
  loadGatewayStoreLocation,
} from './config.js';
export { rememberedFacility, rememberFacility } from './facility-state.js';
export { type RunningGateway, runGatewayUntilSignal, type StartOptions, startGateway } from './gateway.js';
export { InboundCounters } from './metrics.js';
export { pacsSourceOf } from './pacs.js';
