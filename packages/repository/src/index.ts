// @hie/repository: the small-facility repository (ShareMed) — one process, one store, many disclosing
// facilities (tenants) that have no SS-MIX2 storage: clinics fed by their ORCA, pharmacies by お薬手帳
// data, lab centres' results, claim files (UKE). Each tenant is served to the hub exactly like a gateway.
// This file is the package's whole public face.

export { buildRepositoryApp, type RepositoryApp, type RepositoryAppDeps } from './api/app.js';
export { TenantContexts, tenantRoot } from './api/contexts.js';
export type { IntakeContext, OrcaPullOutcome } from './api/intake-context.js';
export { INTAKE_ERRORS, IntakeError, type IntakeErrorCode } from './api/intake-errors.js';
export { recentIntakes } from './api/intake-routes.js';
export { ORCA_LAST, ORCA_STATE, tenantStatus } from './api/status.js';
export { type AppliedIntake, applyIntake, type IntakeSource, recordRejectedIntake } from './intake/apply.js';
export type { IntakeBatch, IntakeCounts, IntakeIssue } from './intake/batch.js';
export { LAB_CSV_LAYOUTS, type LabCsvLayout } from './intake/lab/index.js';
export { loadOrcaCheckpoint, orcaClientOf, pullTenantNow, storeOrcaPull } from './orca/pull.js';
export { OrcaPulls } from './orca/schedule.js';
export {
  loadRepositoryConfig,
  REPOSITORY_ENV,
  type RepositoryConfig,
  type RepositoryConfigInput,
  repositoryConfigSchema,
  resolveRepositoryConfig,
} from './run/config.js';
export { type RunningRepository, runRepositoryUntilSignal, startRepository } from './run/start.js';
export { migrateRepositoryStore, REPOSITORY_MIGRATIONS } from './store/migrations.js';
export type { RepositorySchema, RpIntakeTable, RpSenderTable, RpTenantTable } from './store/schema.js';
export {
  publicTenant,
  TENANT_KINDS,
  type Tenant,
  TenantError,
  type TenantInput,
  type TenantKind,
  TenantRegistry,
  type TenantSettings,
} from './tenants/registry.js';
export { scopedStore, type TenantStore } from './tenants/scoped-store.js';
export {
  addSenderCertificate,
  createSender,
  labMayWrite,
  linkLabCentre,
  listSenders,
  revokeSender,
  type Sender,
  type SenderKind,
  senderCertificates,
  senderOfCertificate,
} from './tenants/senders.js';
