export { type AppendedEvent, appendAudit } from './chain.js';
export { type AuditAgent, type AuditPatient, type AuditRecord, canonicalJson, patientKey } from './record.js';
export { type AuditProblem, type AuditProblemKind, type AuditVerification, verifyAudit } from './verify.js';
