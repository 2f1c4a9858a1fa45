import type { Store } from '../store/open.js';

/** The audit tables, as Kysely sees them. Bigint columns come back as string from pg. */
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

/**
 * A unit's store seen as its audit tables: every unit's schema extends AuditSchema, but Kysely's
 * types are invariant in the schema, so the audit writer takes this view.
 */
export const auditStore = <DB extends AuditSchema>(store: Store<DB>): Store<AuditSchema> =>
  store as unknown as Store<AuditSchema>;
