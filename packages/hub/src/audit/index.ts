export { agentOf, auditHub, HUB_AUDIT_SOURCE, type HubAuditType } from '../audit-record.js';
export {
  ACCESS_TYPES,
  type AccessKind,
  type AccessReport,
  type AccessReportEntry,
  accessReport,
  accessReportScope,
} from './access-report.js';
export {
  AUDIT_SYSTEMS,
  auditBundle,
  auditEntry,
  balpEventType,
  type FhirAuditBundle,
  type FhirAuditEvent,
  toAuditEvent,
} from './balp.js';
export {
  type AuditFilter,
  auditRange,
  countAuditEvents,
  eachAuditEvent,
  lastAuditSeq,
  listAuditEvents,
  type StoredAuditEvent,
  tokyoMonth,
} from './query.js';
export { auditRoutes } from './routes.js';
