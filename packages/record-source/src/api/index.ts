// The gateway's HTTP API (FHIR R4 subset, admin, health, metrics).

export {
  CLINICAL_PURPOSES,
  checkDisclosure,
  type DisclosureSettings,
  type GatewayAccess,
} from '../access/index.js';
export { buildGatewayApp, type GatewayAppDeps, type MutualTlsOptions } from './app.js';
export { SERVED_TYPES } from './capability.js';
export { ERROR_SYSTEM, GatewayError, type GatewayErrorCode, type OperationOutcome } from './outcome.js';
