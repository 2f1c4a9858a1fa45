import type { Schema as SourceSchema } from '@hie/record-source';

/**
 * The repository's tables as its code sees them. The record server's tables (`gw_resource`,
 * `gw_patient`, `gw_state`, `gw_nonce`, `gw_directory_entry`) have the same shape as a gateway's:
 * their `tenant` column is not in these types, because code only ever reaches them through a tenant's
 * scoped store, whose TenantScopePlugin adds it to every query (tenants/scoped-store.ts). The `rp_*`
 * tables are the repository's own: `rp_tenant`, `rp_sender`, `rp_sender_certificate` and
 * `rp_lab_link` are read unscoped (they say which tenant a request belongs to); `rp_intake` and
 * `rp_entry` are scoped like the records.
 */
export interface RpTenantTable {
  /** The facility's OID: the tenant key, the assertion audience, the audit source. */
  oid: string;
  /** 10-digit 医療機関コード (薬局コード for a pharmacy). */
  institution_code: string;
  name: string;
  /** clinic | pharmacy | hospital | lab (a lab centre that also discloses) */
  kind: string;
  /** active | suspended */
  status: string;
  /** JSON: the tenant's intake settings (ORCA connection, schedule) — never returned by the API whole. */
  settings: string;
  created_at: string;
  updated_at: string;
}

/** Who may write: a tenant's own systems and staff, or a lab centre writing for the clinics it serves. */
export interface RpSenderTable {
  id: string;
  /** tenant (writes to `tenant` only) | lab-centre (writes to the tenants linked in rp_lab_link) */
  kind: string;
  tenant: string | null;
  name: string;
  /** For a lab centre: its code as it writes MSH-4 (sending facility). */
  facility_code: string | null;
  /** SHA-256 (hex) of the credential; the credential itself is shown once, at creation. */
  token_sha256: string;
  created_at: string;
  revoked_at: string | null;
}

/** A clinic's consent that a lab centre sends its results here (the office records it). */
export interface RpLabLinkTable {
  sender_id: string;
  tenant: string;
  created_at: string;
}

/** A lab centre's client certificate for MLLP/TLS (the handshake verified it; this says whose it is). */
export interface RpSenderCertificateTable {
  sender_id: string;
  /** SHA-256 of the certificate's DER, lower-case hex. */
  sha256: string;
  created_at: string;
}

/** One intake: a file, a message, a pull or an entry — imported whole, or rejected whole with its errors. */
export interface RpIntakeTable {
  id: string;
  /** orca | uke | okusuri-techo | lab | ssmix2 | manual */
  kind: string;
  /** The file's name, the message's control id, or the pull's window. */
  name: string;
  sha256: string | null;
  sender: string;
  /** imported | rejected | failed */
  status: string;
  /** JSON: counts of what was written ({ resources, patients, deleted, … }). */
  counts: string;
  /** JSON: [{ code, message, line?, field? }] — why it was rejected, or warnings when imported. */
  issues: string;
  received_at: string;
}

/** One version of a hand-made entry (create, update, delete), kept for good. */
export interface RpEntryTable {
  id: string;
  version: number;
  /** patient | allergy | diagnosis | medication | guidance | note */
  kind: string;
  patient_id: string;
  action: string;
  user_id: string;
  profession: string;
  at: string;
  /** JSON: the entry as submitted (`{}` for a deletion). */
  body: string;
  reason: string | null;
}

export interface RepositoryTables {
  rp_tenant: RpTenantTable;
  rp_sender: RpSenderTable;
  rp_lab_link: RpLabLinkTable;
  rp_sender_certificate: RpSenderCertificateTable;
  rp_intake: RpIntakeTable;
  rp_entry: RpEntryTable;
}

export interface RepositorySchema extends SourceSchema, RepositoryTables {}

/** The tables whose rows belong to a tenant: every key leads with `tenant`, every query is scoped. */
export const TENANT_TABLES = [
  'gw_resource',
  'gw_patient',
  'gw_state',
  'gw_nonce',
  'gw_directory_entry',
  'rp_intake',
  'rp_entry',
] as const;
