// Where the feed stands: the (updated_at, patient_id) of the last gw_patient row the hub accepted,
// in gw_state. Ingest stamps every written patient row with the batch's time, and batches commit one
// after another, so every row written after the checkpoint sorts after it.
import type { Store } from '@hie/platform';
import type { Schema } from '../store/schema.js';
import { type FeedIdentity, identityOf } from './identity.js';

export const CHECKPOINT_NAME = 'feed.checkpoint';

export interface FeedCheckpoint {
  updatedAt: string;
  patientId: string;
}

/** The stored checkpoint, with its raw value (the compare-and-set token); null = feed from the start. */
export interface StoredCheckpoint {
  position: FeedCheckpoint | null;
  raw: string | null;
  /** When it last moved (gw_state.updated_at). */
  advancedAt: string | null;
}

type Db = Store<Schema>['db'];

export async function readCheckpoint(db: Db): Promise<StoredCheckpoint> {
  const row = await db
    .selectFrom('gw_state')
    .select(['value', 'updated_at'])
    .where('name', '=', CHECKPOINT_NAME)
    .executeTakeFirst();
  if (!row) return { position: null, raw: null, advancedAt: null };
  return { position: parseCheckpoint(row.value), raw: row.value, advancedAt: row.updated_at };
}

/** An unreadable value feeds everything again: the hub takes a repeated identity as 'unchanged'. */
function parseCheckpoint(value: string): FeedCheckpoint | null {
  try {
    const v = JSON.parse(value) as Partial<FeedCheckpoint>;
    return typeof v.updatedAt === 'string' && typeof v.patientId === 'string'
      ? { updatedAt: v.updatedAt, patientId: v.patientId }
      : null;
  } catch {
    return null;
  }
}

/**
 * Moves the checkpoint from `from` (as read) to `to`. Compare-and-set: if someone else moved it
 * meanwhile (`hie gateway feed --full` reset it), nothing is written and false is returned, so the
 * reset is not undone by a run that was already under way.
 */
export async function advanceCheckpoint(
  db: Db,
  from: StoredCheckpoint,
  to: FeedCheckpoint,
  now: string,
): Promise<boolean> {
  const value = JSON.stringify(to);
  if (from.raw === null) {
    const r = await db
      .insertInto('gw_state')
      .values({ name: CHECKPOINT_NAME, value, updated_at: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }
  const r = await db
    .updateTable('gw_state')
    .set({ value, updated_at: now })
    .where('name', '=', CHECKPOINT_NAME)
    .where('value', '=', from.raw)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Forgets the checkpoint: every patient is fed again (`hie gateway feed --full`). */
export async function resetCheckpoint(db: Db): Promise<void> {
  await db.deleteFrom('gw_state').where('name', '=', CHECKPOINT_NAME).execute();
}

/** Rows after the checkpoint, in checkpoint order. */
function afterCheckpoint(db: Db, position: FeedCheckpoint | null) {
  let q = db.selectFrom('gw_patient');
  if (position) {
    q = q.where((eb) =>
      eb.or([
        eb('updated_at', '>', position.updatedAt),
        eb.and([eb('updated_at', '=', position.updatedAt), eb('patient_id', '>', position.patientId)]),
      ]),
    );
  }
  return q;
}

export interface PendingBatch {
  identities: FeedIdentity[];
  /** The checkpoint once the hub has accepted this batch; null when the batch is empty. */
  next: FeedCheckpoint | null;
}

/** The next `limit` patients after the checkpoint, as identities. */
export async function nextBatch(
  db: Db,
  position: FeedCheckpoint | null,
  facilityOid: string,
  limit: number,
): Promise<PendingBatch> {
  const rows = await afterCheckpoint(db, position)
    .select([
      'patient_id',
      'name_kanji',
      'name_kana',
      'birth_date',
      'sex',
      'postcode',
      'address',
      'phone',
      'updated_at',
    ])
    .orderBy('updated_at')
    .orderBy('patient_id')
    .limit(limit)
    .execute();
  const last = rows.at(-1);
  return {
    identities: rows.map((r) => identityOf(r, facilityOid)),
    next: last ? { updatedAt: last.updated_at, patientId: last.patient_id } : null,
  };
}

/** How many patients the hub has not been told about yet (new or changed since the checkpoint). */
export async function pendingCount(db: Db, position: FeedCheckpoint | null): Promise<number> {
  const row = await afterCheckpoint(db, position)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The feed's progress as the store holds it (`hie gateway feed --status`, from another process). */
export async function storedFeedState(
  db: Db,
): Promise<{ checkpoint: FeedCheckpoint | null; advancedAt: string | null; pending: number }> {
  const stored = await readCheckpoint(db);
  return {
    checkpoint: stored.position,
    advancedAt: stored.advancedAt,
    pending: await pendingCount(db, stored.position),
  };
}
