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

export interface Schema {
  audit_event: AuditEventTable;
  audit_head: AuditHeadTable;
}
