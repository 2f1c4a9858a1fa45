// The gateway's HTTP API (FHIR R4 subset, admin, health, metrics).

export {
  CLINICAL_PURPOSES,
  checkDisclosure,
  type DisclosureSettings,
  type GatewayAccess,
} from '../access/index.js';
export { DirectoryRequesters } from '../directory/requesters.js';
export { registerAdminRoutes } from './admin-routes.js';
export { buildGatewayApp, type GatewayAppDeps, installSourceHooks, type MutualTlsOptions } from './app.js';
export { requestOperation } from './auth.js';
export { SERVED_TYPES } from './capability.js';
export type { ContextOf, GatewayContext } from './context.js';
export { type DicomFrameSource, dicomFrameSources } from './dicom-sources.js';
export { registerDicomwebRoutes } from './dicomweb-routes.js';
export { registerFhirRoutes } from './fhir-routes.js';
export { FEED_TOKEN_STATE, HPD_FEED_PATH, registerHpdFeedRoute } from './hpd-feed-routes.js';
export { GatewayMetrics } from './metrics.js';
export {
  ERROR_SYSTEM,
  FHIR_JSON,
  GatewayError,
  type GatewayErrorCode,
  type OperationOutcome,
  operationOutcome,
} from './outcome.js';
