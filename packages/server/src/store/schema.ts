import type { HubAuthSchema } from '../hub/auth/schema.js';
import type { HubConsentSchema } from '../hub/consent/schema.js';
import type { HubDirectorySchema } from '../hub/directory/schema.js';
import type { HubMpiSchema } from '../hub/mpi/schema.js';

/** Row types of the store, as Kysely sees them. Bigint columns come back as string from pg. */
export interface AuditEventTable {
  seq: number | string | bigint;
  recorded_at: string;
  type: string;
  action: string;
  outcome: string;
  user_id: string | null;
  facility_oid: string | null;
  patient_key: string | null;
  event_json: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number | string | bigint;
  hash: string;
}

export interface AuditSchema {
  audit_event: AuditEventTable;
  audit_head: AuditHeadTable;
}

export interface GwFileTable {
  path: string;
  record_key: string;
  patient_id: string;
  care_date: string;
  data_type: string;
  order_no: string;
  timestamp: string;
  department: string;
  flag: string;
  size: number | string;
  mtime_ms: number;
  sha256: string;
  control_id: string | null;
  /** current | history | deleted | error */
  status: string;
  ingested_at: string;
}

export interface GwResourceTable {
  resource_type: string;
  id: string;
  patient_id: string;
  category: string;
  date: string | null;
  code: string | null;
  record_key: string;
  file_path: string;
  version_id: number;
  last_updated: string;
  json: string;
}

export interface GwPatientTable {
  patient_id: string;
  name_kanji: string | null;
  name_kana: string | null;
  kana_key: string | null;
  birth_date: string | null;
  sex: string | null;
  /** Contact details for the hub's patient matching (0007_gateway_feed). */
  postcode?: string | null;
  address?: string | null;
  phone?: string | null;
  updated_at: string;
}

export interface GwErrorTable {
  path: string;
  code: string;
  message: string;
  position: string | null;
  size: number | string;
  mtime_ms: number;
  first_seen: string;
  last_tried: string;
  attempts: number;
}

export interface GwStateTable {
  name: string;
  value: string;
  updated_at: string;
}

export interface GwNonceTable {
  jti: string;
  expires_at: number | string;
}

export interface GatewaySchema {
  gw_file: GwFileTable;
  gw_resource: GwResourceTable;
  gw_patient: GwPatientTable;
  gw_error: GwErrorTable;
  gw_state: GwStateTable;
  gw_nonce: GwNonceTable;
}

/** Every table of the one migration set. */
export interface Schema
  extends AuditSchema,
    GatewaySchema,
    HubDirectorySchema,
    HubAuthSchema,
    HubMpiSchema,
    HubConsentSchema {}
