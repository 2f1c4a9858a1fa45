// @hie/orca: a clinic's ORCA (日医標準レセプトソフト) over its HTTP API — read exactly, pulled
// incrementally, mapped to FHIR R4 JP Core — and a simulator of that API for tests and the demo.
// This file is the package's whole public face.

export { readAcceptances } from './answers/accept.js';
export { ENDPOINTS, type OrcaApiName, type OrcaEndpoint } from './answers/apis.js';
export { parseOrcaDate, toWareki } from './answers/dates.js';
export { readDiseases } from './answers/disease.js';
export { readMedicationForm } from './answers/forms.js';
export { readVisitDetail, readVisitList } from './answers/medical.js';
export { readPatient, readPatientList } from './answers/patient.js';
export type * from './answers/types.js';
export { parseAnswerText, parseXml2, toXml2 } from './answers/xml2.js';
export { OrcaClient, type OrcaClientOptions, type OrcaExchange } from './client/client.js';
export {
  FULL_SYNC_FROM,
  type OrcaCheckpoint,
  type OrcaPull,
  type OrcaPullFailure,
  type PendingPatient,
  type PullOptions,
  pullChanges,
} from './client/pull.js';
export {
  backoffDelay,
  DEFAULT_RETRY,
  type OrcaClock,
  type RetryPolicy,
  systemClock,
} from './client/retry.js';
export { type PullSchedule, startPullSchedule, type TenantPull } from './client/schedule.js';
export {
  nodeTransport,
  type OrcaHttpRequest,
  type OrcaHttpResponse,
  type OrcaTls,
  type OrcaTransport,
} from './client/transport.js';
export { ORCA_ERROR_CODES, OrcaError, type OrcaErrorCode, type OrcaErrorContext } from './errors.js';
export { ORCA_SYSTEMS } from './mapping/codes.js';
export type { OrcaMappingWarning, OrcaMappingWarningCode } from './mapping/context.js';
export { ids as orcaIds } from './mapping/ids.js';
export { mapOrcaPatient, type OrcaMappingOptions, type OrcaMappingResult } from './mapping/map.js';
export type { SimPerson } from './simulator/population.js';
export {
  RECORDED,
  RECORDED_DIR,
  type RecordedName,
  recordedJson,
  recordedText,
} from './simulator/recorded.js';
export {
  type OrcaSimulator,
  type OrcaSimulatorOptions,
  type SimulatedRequest,
  type SimulatorFailure,
  type SimulatorFailureKind,
  startOrcaSimulator,
} from './simulator/server.js';
