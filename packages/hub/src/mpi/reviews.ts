/**
 * Review tasks (名寄せ確認): a record and the person it may belong to, for the network office to decide.
 * A record has at most one open review; a newer one, or a decision made elsewhere, supersedes it.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Schema } from '../store/schema.js';
import type { MatchExplanation } from './feed.js';
import type { RecordRef } from './records.js';

/**
 * Supersedes the record's open reviews. `decidedBy` is whoever settled the record's link otherwise
 * (the office, a facility's merge); null when a newer review takes their place.
 */
export async function closeReviews(
  db: Kysely<Schema>,
  ref: RecordRef,
  decidedBy: string | null,
  at: string,
): Promise<void> {
  await db
    .updateTable('mpi_review')
    .set({ status: 'superseded', decided_by: decidedBy, decided_at: at })
    .where('facility_oid', '=', ref.facilityOid)
    .where('local_id', '=', ref.localId)
    .where('status', '=', 'open')
    .execute();
}

/** Opens a review of `ref` naming `candidate`, superseding the record's earlier open one. */
export async function openReview(
  db: Kysely<Schema>,
  ref: RecordRef,
  candidate: string,
  explanation: MatchExplanation,
  at: string,
): Promise<void> {
  await closeReviews(db, ref, null, at);
  await db
    .insertInto('mpi_review')
    .values({
      id: randomUUID(),
      facility_oid: ref.facilityOid,
      local_id: ref.localId,
      candidate_person_id: candidate,
      score: explanation.score,
      explanation: JSON.stringify(explanation),
      status: 'open',
      created_at: at,
      decided_by: null,
      decided_at: null,
    })
    .execute();
}

/** Open reviews that named a person merged away now name the person it went to. */
export async function redirectReviews(db: Kysely<Schema>, from: string, into: string): Promise<void> {
  await db
    .updateTable('mpi_review')
    .set({ candidate_person_id: into })
    .where('candidate_person_id', '=', from)
    .where('status', '=', 'open')
    .execute();
}
