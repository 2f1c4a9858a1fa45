import { tokyoDay } from '@hie/contract';
import type { AuditRecord, Store } from '@hie/platform';
import type { SelectQueryBuilder } from 'kysely';
import type { Schema } from '../store/schema.js';

/** What an auditor filters the hub's audit log by. Every field is optional; all given must match. */
export interface AuditFilter {
  /** The person in the patient index (indexed column `patient_key` = `person:<id>`). */
  personId?: string;
  /** The acting user (indexed `user_id`). */
  userId?: string;
  /** The acting user's facility (indexed `facility_oid`). */
  facilityOid?: string;
  /** One or more event types (`view`, `search`, `break-glass`, …). */
  types?: readonly string[];
  /** Inclusive lower bound, a UTC ISO timestamp (see `auditRange`). */
  fromIso?: string;
  /** Exclusive upper bound, a UTC ISO timestamp. */
  toIso?: string;
  /** Only events up to this seq: a snapshot, so a count and a later read agree while others append. */
  throughSeq?: number;
}

/** One stored event: its place in the chain, when it was recorded, and the hashed record. */
export interface StoredAuditEvent {
  seq: number;
  recordedAt: string;
  record: AuditRecord;
}

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export { tokyoDay };

/** The month in Japan of an instant: YYYY-MM. */
export function tokyoMonth(instant: Date): string {
  return tokyoDay(instant).slice(0, 7);
}

/** The UTC instant at which a Japanese calendar day begins. */
function tokyoDayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) - JST_OFFSET_MS);
}

/**
 * Turns the `from` / `to` of a request into UTC bounds. A day (YYYY-MM-DD) is a day in Japan, and `to`
 * includes its whole day; a timestamp with its offset is taken as it is. Null when a value is not a date.
 */
export function auditRange(from?: string, to?: string): { fromIso?: string; toIso?: string } | null {
  const bound = (value: string, end: boolean): string | null => {
    if (DAY.test(value)) {
      const start = tokyoDayStart(value);
      if (Number.isNaN(start.getTime())) return null;
      return new Date(start.getTime() + (end ? 24 * 60 * 60 * 1000 : 0)).toISOString();
    }
    const ms = Date.parse(value);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(ms)) return null;
    // An exact `to` timestamp is inclusive: the bound is exclusive, so add one millisecond.
    return new Date(ms + (end ? 1 : 0)).toISOString();
  };
  const range: { fromIso?: string; toIso?: string } = {};
  if (from) {
    const v = bound(from, false);
    if (v === null) return null;
    range.fromIso = v;
  }
  if (to) {
    const v = bound(to, true);
    if (v === null) return null;
    range.toIso = v;
  }
  return range;
}

type AuditQuery<O> = SelectQueryBuilder<Schema, 'audit_event', O>;

/** Adds the filter's conditions; the person, user and facility use the indexed columns. */
export function whereAudit<O>(query: AuditQuery<O>, filter: AuditFilter): AuditQuery<O> {
  let q = query;
  if (filter.personId !== undefined) q = q.where('patient_key', '=', `person:${filter.personId}`);
  if (filter.userId !== undefined) q = q.where('user_id', '=', filter.userId);
  if (filter.facilityOid !== undefined) q = q.where('facility_oid', '=', filter.facilityOid);
  if (filter.types && filter.types.length > 0) q = q.where('type', 'in', [...filter.types]);
  if (filter.fromIso !== undefined) q = q.where('recorded_at', '>=', filter.fromIso);
  if (filter.toIso !== undefined) q = q.where('recorded_at', '<', filter.toIso);
  if (filter.throughSeq !== undefined) q = q.where('seq', '<=', filter.throughSeq);
  return q;
}

/** The newest event's seq (0 when the log is empty): pin an export to it with `throughSeq`. */
export async function lastAuditSeq(store: Store<Schema>): Promise<number> {
  const row = await store.db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}

/** The exact number of events the filter matches. */
export async function countAuditEvents(store: Store<Schema>, filter: AuditFilter): Promise<number> {
  const row = await whereAudit(store.db.selectFrom('audit_event'), filter)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const toEvent = (row: {
  seq: number | string | bigint;
  recorded_at: string;
  event_json: string;
}): StoredAuditEvent => ({
  seq: Number(row.seq),
  recordedAt: row.recorded_at,
  record: JSON.parse(row.event_json) as AuditRecord,
});

/** One page of matching events, newest first (`desc`, for people) or oldest first (`asc`, for exports). */
export async function listAuditEvents(
  store: Store<Schema>,
  filter: AuditFilter,
  page: { limit: number; offset: number; order?: 'asc' | 'desc' },
): Promise<StoredAuditEvent[]> {
  const rows = await whereAudit(store.db.selectFrom('audit_event'), filter)
    .select(['seq', 'recorded_at', 'event_json'])
    .orderBy('seq', page.order ?? 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map(toEvent);
}

/** Every matching event, oldest first, read in pages by seq (an export of any size in bounded memory). */
export async function* eachAuditEvent(
  store: Store<Schema>,
  filter: AuditFilter,
  pageSize = 1000,
): AsyncGenerator<StoredAuditEvent> {
  let after = 0;
  for (;;) {
    const rows = await whereAudit(store.db.selectFrom('audit_event'), filter)
      .select(['seq', 'recorded_at', 'event_json'])
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    for (const row of rows) yield toEvent(row);
    if (rows.length < pageSize) return;
    after = Number(rows.at(-1)?.seq);
  }
}
