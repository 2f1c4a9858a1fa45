export {
  type AuditAnchor,
  type AuditAnchoring,
  type AuditWitness,
  anchorAudit,
  anchorSignedBy,
  auditHead,
  FileWitness,
  startAuditAnchoring,
} from './anchor.js';
export {
  AtnaForwarder,
  type AtnaOptions,
  type AtnaSite,
  atnaAuditMessage,
  atnaSyslogMessage,
} from './atna.js';
export { type AppendedEvent, appendAudit, appendAuditInTransaction } from './chain.js';
export { AUDIT_MIGRATIONS, GENESIS_HASH } from './migration.js';
export { type AuditAgent, type AuditPatient, type AuditRecord, canonicalJson, patientKey } from './record.js';
export { type AuditEventTable, type AuditHeadTable, type AuditSchema, auditStore } from './schema.js';
export { type SyslogTarget, SyslogWitness, sendSyslog, syslogAnchorMessage } from './syslog-witness.js';
export {
  type AuditProblem,
  type AuditProblemKind,
  type AuditVerification,
  type VerifyAuditOptions,
  verifyAudit,
} from './verify.js';
export {
  type AuditSyslogConfig,
  auditSyslogSchema,
  auditWitnessesOf,
  startAtnaOf,
  syslogTargetOf,
} from './witnesses.js';
