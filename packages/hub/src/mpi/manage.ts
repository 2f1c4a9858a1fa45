/**
 * The network office's corrections: link a record to a person, unlink it (a new person of its own),
 * merge two persons, decide a review. Each moves records in one transaction and writes history;
 * links made here are `manual` and re-feeds never move them.
 */

import type { Store } from '@hie/platform';
import type { Kysely, Selectable } from 'kysely';
import { type HubDeps, HubError } from '../http.js';
import type { MpiHistoryTable, MpiPersonTable } from '../store/mpi-tables.js';
import type { Schema } from '../store/schema.js';
import type { MatchExplanation } from './feed.js';
import {
  addHistory,
  findRecord,
  insertPerson,
  type RecordRef,
  type RecordRow,
  refreshPerson,
} from './records.js';
import { closeReviews, redirectReviews } from './reviews.js';

export interface MoveResult {
  facilityOid: string;
  localId: string;
  fromPersonId: string;
  toPersonId: string;
}

type Db = Kysely<Schema>;

const notFound = (what: string) => new HubError(404, 'not-found', `${what} not found / 見つかりません`);

async function recordOf(db: Db, ref: RecordRef): Promise<RecordRow> {
  const row = await findRecord(db, ref);
  if (!row) throw notFound('record');
  return row;
}

async function activePerson(db: Db, personId: string): Promise<Selectable<MpiPersonTable>> {
  const person = await db.selectFrom('mpi_person').selectAll().where('id', '=', personId).executeTakeFirst();
  if (!person) throw notFound('person');
  if (person.status !== 'active') {
    throw new HubError(
      409,
      'conflict',
      `person ${personId} was merged into ${person.merged_into ?? '—'} / 統合済みの患者です`,
    );
  }
  return person;
}

async function moveRecord(
  db: Db,
  row: RecordRow,
  to: string,
  action: 'link' | 'unlink',
  actor: string,
  at: string,
  reason: string | null,
): Promise<MoveResult> {
  await db
    .updateTable('mpi_record')
    .set({ person_id: to, link_method: 'manual', link_score: null })
    .where('facility_oid', '=', row.facility_oid)
    .where('local_id', '=', row.local_id)
    .execute();
  await refreshPerson(db, row.person_id, at, to);
  await refreshPerson(db, to, at);
  await addHistory(db, at, [
    { facilityOid: row.facility_oid, localId: row.local_id, from: row.person_id, to, action, actor, reason },
  ]);
  return {
    facilityOid: row.facility_oid,
    localId: row.local_id,
    fromPersonId: row.person_id,
    toPersonId: to,
  };
}

/** Links a record to an existing person (moving it from its current one). */
export async function linkRecord(
  deps: Pick<HubDeps, 'store' | 'now'>,
  ref: RecordRef & { personId: string; reason?: string },
  actor: string,
): Promise<MoveResult> {
  const at = deps.now().toISOString();
  return deps.store.db.transaction().execute(async (db) => {
    const row = await recordOf(db, ref);
    await activePerson(db, ref.personId);
    await closeReviews(db, ref, actor, at);
    if (row.person_id === ref.personId) {
      await db
        .updateTable('mpi_record')
        .set({ link_method: 'manual' })
        .where('facility_oid', '=', ref.facilityOid)
        .where('local_id', '=', ref.localId)
        .execute();
      return { ...ref, fromPersonId: row.person_id, toPersonId: row.person_id };
    }
    return moveRecord(db, row, ref.personId, 'link', actor, at, ref.reason ?? null);
  });
}

/** Separates a record from its person: it becomes a person of its own. */
export async function unlinkRecord(
  deps: Pick<HubDeps, 'store' | 'now'>,
  ref: RecordRef & { reason?: string },
  actor: string,
): Promise<MoveResult> {
  const at = deps.now().toISOString();
  return deps.store.db.transaction().execute(async (db) => {
    const row = await recordOf(db, ref);
    const others = await db
      .selectFrom('mpi_record')
      .select('local_id')
      .where('person_id', '=', row.person_id)
      .where((eb) => eb.or([eb('facility_oid', '!=', ref.facilityOid), eb('local_id', '!=', ref.localId)]))
      .limit(1)
      .executeTakeFirst();
    if (!others)
      throw new HubError(409, 'conflict', 'the record is already alone in its person / 既に単独の患者です');
    await closeReviews(db, ref, actor, at);
    const to = await insertPerson(db, at, row);
    return moveRecord(db, row, to, 'unlink', actor, at, ref.reason ?? null);
  });
}

/** Moves every record of `fromPersonId` to `intoPersonId`; the first is kept as merged (a redirect). */
export async function mergePersons(
  deps: Pick<HubDeps, 'store' | 'now'>,
  input: { fromPersonId: string; intoPersonId: string; reason?: string },
  actor: string,
): Promise<{ moved: RecordRef[] }> {
  if (input.fromPersonId === input.intoPersonId) {
    throw new HubError(400, 'invalid-request', 'a person cannot be merged into itself / 同じ患者です');
  }
  const at = deps.now().toISOString();
  return deps.store.db.transaction().execute(async (db) => {
    await activePerson(db, input.fromPersonId);
    await activePerson(db, input.intoPersonId);
    const rows = await db
      .selectFrom('mpi_record')
      .select(['facility_oid', 'local_id'])
      .where('person_id', '=', input.fromPersonId)
      .execute();
    await db
      .updateTable('mpi_record')
      .set({ person_id: input.intoPersonId, link_method: 'manual', link_score: null })
      .where('person_id', '=', input.fromPersonId)
      .execute();
    await db
      .updateTable('mpi_person')
      .set({ status: 'merged', merged_into: input.intoPersonId, updated_at: at })
      .where('id', '=', input.fromPersonId)
      .execute();
    // Earlier merges into the absorbed person now redirect to the survivor.
    await db
      .updateTable('mpi_person')
      .set({ merged_into: input.intoPersonId, updated_at: at })
      .where('merged_into', '=', input.fromPersonId)
      .execute();
    await redirectReviews(db, input.fromPersonId, input.intoPersonId);
    await refreshPerson(db, input.intoPersonId, at);
    await addHistory(
      db,
      at,
      rows.map((r) => ({
        facilityOid: r.facility_oid,
        localId: r.local_id,
        from: input.fromPersonId,
        to: input.intoPersonId,
        action: 'merge' as const,
        actor,
        reason: input.reason ?? null,
      })),
    );
    return { moved: rows.map((r) => ({ facilityOid: r.facility_oid, localId: r.local_id })) };
  });
}

export interface ReviewSummary {
  id: string;
  facilityOid: string;
  localId: string;
  candidatePersonId: string;
  score: number;
  status: string;
  createdAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
}

export interface ReviewDetail extends ReviewSummary {
  explanation: MatchExplanation;
  /** The fed record and the candidate person's record it was compared with, side by side. */
  record: RecordRow | null;
  candidateRecord: RecordRow | null;
  candidateRecords: RecordRow[];
}

const summaryOf = (r: Selectable<Schema['mpi_review']>): ReviewSummary => ({
  id: r.id,
  facilityOid: r.facility_oid,
  localId: r.local_id,
  candidatePersonId: r.candidate_person_id,
  score: r.score,
  status: r.status,
  createdAt: r.created_at,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
});

export async function listReviews(
  store: Store<Schema>,
  query: { status?: string; limit: number; offset: number },
): Promise<{ total: number; reviews: ReviewSummary[] }> {
  let base = store.db.selectFrom('mpi_review');
  if (query.status) base = base.where('status', '=', query.status);
  const total = await base
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  const rows = await base
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .limit(query.limit)
    .offset(query.offset)
    .execute();
  return { total: Number(total.n), reviews: rows.map(summaryOf) };
}

export async function getReview(store: Store<Schema>, id: string): Promise<ReviewDetail> {
  const review = await store.db.selectFrom('mpi_review').selectAll().where('id', '=', id).executeTakeFirst();
  if (!review) throw notFound('review');
  const explanation = JSON.parse(review.explanation) as MatchExplanation;
  const record = await findRecord(store.db, { facilityOid: review.facility_oid, localId: review.local_id });
  const candidateRecords = await getPersonRecords(store, review.candidate_person_id);
  const candidateRecord =
    candidateRecords.find(
      (r) =>
        r.facility_oid === explanation.comparedWith.facilityOid &&
        r.local_id === explanation.comparedWith.localId,
    ) ?? null;
  return { ...summaryOf(review), explanation, record: record ?? null, candidateRecord, candidateRecords };
}

/**
 * Decides an open review: `link` puts the record with the candidate person; `not-same` keeps it
 * apart (moving it to a person of its own if it is currently with the candidate).
 */
export async function decideReview(
  deps: Pick<HubDeps, 'store' | 'now'>,
  id: string,
  decision: 'link' | 'not-same',
  actor: string,
): Promise<{ review: ReviewSummary; move: MoveResult | null }> {
  const review = await deps.store.db
    .selectFrom('mpi_review')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!review) throw notFound('review');
  if (review.status !== 'open')
    throw new HubError(409, 'conflict', `review is ${review.status} / 処理済みです`);
  const ref = { facilityOid: review.facility_oid, localId: review.local_id };
  const record = await recordOf(deps.store.db, ref);
  let move: MoveResult | null = null;
  if (decision === 'link') {
    move = await linkRecord(
      deps,
      { ...ref, personId: review.candidate_person_id, reason: `review ${id}` },
      actor,
    );
  } else if (record.person_id === review.candidate_person_id) {
    move = await unlinkRecord(deps, { ...ref, reason: `review ${id}` }, actor);
  } else {
    await deps.store.db
      .updateTable('mpi_record')
      .set({ link_method: 'manual' })
      .where('facility_oid', '=', ref.facilityOid)
      .where('local_id', '=', ref.localId)
      .execute();
  }
  const at = deps.now().toISOString();
  await deps.store.db
    .updateTable('mpi_review')
    .set({ status: decision === 'link' ? 'linked' : 'rejected', decided_by: actor, decided_at: at })
    .where('id', '=', id)
    .execute();
  return {
    review: {
      ...summaryOf(review),
      status: decision === 'link' ? 'linked' : 'rejected',
      decidedBy: actor,
      decidedAt: at,
    },
    move,
  };
}

export async function getPersonRecords(store: Store<Schema>, personId: string): Promise<RecordRow[]> {
  return store.db
    .selectFrom('mpi_record')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('facility_oid')
    .orderBy('local_id')
    .execute();
}

export interface PersonDetail {
  person: Selectable<MpiPersonTable>;
  records: RecordRow[];
  history: Selectable<MpiHistoryTable>[];
}

/** A person with its records and the history of every record that is or was linked to it. */
export async function getPerson(store: Store<Schema>, personId: string): Promise<PersonDetail> {
  const person = await store.db
    .selectFrom('mpi_person')
    .selectAll()
    .where('id', '=', personId)
    .executeTakeFirst();
  if (!person) throw notFound('person');
  const records = await getPersonRecords(store, personId);
  const history = await store.db
    .selectFrom('mpi_history')
    .selectAll()
    .where((eb) => eb.or([eb('from_person', '=', personId), eb('to_person', '=', personId)]))
    .orderBy('at')
    .orderBy('id')
    .limit(1000)
    .execute();
  return { person, records, history };
}
