import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Store } from '../store/open.js';
import { type AuditRecord, canonicalJson, patientKey } from './record.js';
import { type AuditSchema, auditStore } from './schema.js';

/** The hash that links an event to its predecessor; covers every stored column. */
export function eventHash(prevHash: string, seq: number, recordedAt: string, eventJson: string): string {
  return createHash('sha256').update(`${prevHash}\n${seq}\n${recordedAt}\n${eventJson}`).digest('hex');
}

/** The columns derived from the record, so an auditor's search and the hashed JSON agree. */
export function indexedColumns(record: AuditRecord) {
  return {
    type: record.type,
    action: record.action,
    outcome: record.outcome,
    user_id: record.agent?.userId ?? null,
    facility_oid: record.agent?.facilityOid ?? null,
    patient_key: patientKey(record.patient),
  };
}

export interface AppendedEvent {
  seq: number;
  hash: string;
  recordedAt: string;
}

/**
 * The one audit writer: appends events to the hash chain in one transaction. The head row is locked
 * (PostgreSQL) or the write serialised (SQLite), so concurrent writers never fork the chain.
 */
export async function appendAudit<DB extends AuditSchema>(
  unitStore: Store<DB>,
  records: readonly AuditRecord[],
  now: () => Date = () => new Date(),
): Promise<AppendedEvent[]> {
  if (records.length === 0) return [];
  const store = auditStore(unitStore);
  return store.db.transaction().execute(async (trx) => appendInTransaction(trx, store.engine, records, now));
}

/**
 * Appends audit events inside the caller's transaction: a write and its audit record commit together or
 * not at all (and the write pays for one transaction, not two). On PostgreSQL the chain's head is locked
 * until that transaction ends.
 */
export function appendAuditInTransaction<DB extends AuditSchema>(
  trx: Kysely<DB>,
  engine: Store<DB>['engine'],
  records: readonly AuditRecord[],
  now: () => Date = () => new Date(),
): Promise<AppendedEvent[]> {
  if (records.length === 0) return Promise.resolve([]);
  return appendInTransaction(trx as unknown as Kysely<AuditSchema>, engine, records, now);
}

async function appendInTransaction(
  trx: Kysely<AuditSchema>,
  engine: Store<AuditSchema>['engine'],
  records: readonly AuditRecord[],
  now: () => Date,
): Promise<AppendedEvent[]> {
  let query = trx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1);
  if (engine === 'postgres') query = query.forUpdate();
  const head = await query.executeTakeFirstOrThrow();
  let seq = Number(head.seq);
  let prevHash = head.hash;
  const recordedAt = now().toISOString();
  const rows = records.map((record) => {
    seq += 1;
    const eventJson = canonicalJson(record);
    const hash = eventHash(prevHash, seq, recordedAt, eventJson);
    const row = {
      seq,
      recorded_at: recordedAt,
      ...indexedColumns(record),
      event_json: eventJson,
      prev_hash: prevHash,
      hash,
    };
    prevHash = hash;
    return row;
  });
  for (let i = 0; i < rows.length; i += 500) {
    await trx
      .insertInto('audit_event')
      .values(rows.slice(i, i + 500))
      .execute();
  }
  await trx.updateTable('audit_head').set({ seq, hash: prevHash }).where('id', '=', 1).execute();
  return rows.map((r) => ({ seq: r.seq, hash: r.hash, recordedAt }));
}
