/**
 * One audited event, in the shape of IHE ATNA / FHIR AuditEvent (IHE BALP): who (agent), did what
 * (type, action), to whose data (patient), with which result (outcome), why (purpose of use).
 */
export interface AuditRecord {
  /** What happened: login, logout, search, read, consent, admin, break-glass, disclosure, … */
  type: string;
  /** FHIR AuditEvent.action: Create, Read, Update, Delete, Execute. */
  action: 'C' | 'R' | 'U' | 'D' | 'E';
  /** FHIR AuditEvent.outcome: 0 success, 4 minor failure (e.g. denied), 8 serious, 12 major. */
  outcome: '0' | '4' | '8' | '12';
  /** Why it was denied or failed, in words a reviewer understands. */
  outcomeDescription?: string;
  agent?: AuditAgent;
  patient?: AuditPatient;
  /** Ids of what was disclosed: resource references, search result ids. */
  entities?: string[];
  /** Purpose of use (e.g. TREAT, ETREAT for break-the-glass). */
  purposeOfUse?: string;
  /** The node that recorded it: `hub`, or a gateway's facility OID. */
  source: string;
  /** Free key/value details (query text, reason given for break-the-glass, …). */
  detail?: Record<string, string>;
}

export interface AuditAgent {
  userId: string;
  name?: string;
  profession?: string;
  facilityOid?: string;
  address?: string;
}

export interface AuditPatient {
  /** The person in the patient index, when known. */
  personId?: string;
  /** The facility OID of the local id. */
  facilityOid?: string;
  localId?: string;
}

/** One key per patient for the "who looked at my records" report: the person, else the local id. */
export function patientKey(patient: AuditPatient | undefined): string | null {
  if (!patient) return null;
  if (patient.personId) return `person:${patient.personId}`;
  if (patient.facilityOid && patient.localId) return `local:${patient.facilityOid}:${patient.localId}`;
  return null;
}

/** JSON with object keys sorted at every level, so one record always hashes the same way. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
