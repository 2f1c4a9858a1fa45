/**
 * A facility's own merge of two of its local ids (ITI-44 `PRPA_IN201304UV02`, HL7 v2 A40): the hospital
 * found that `obsolete` and `surviving` are one patient of its own. The index follows the hospital's
 * word for the hospital's own identities only; other facilities' identities move between persons only
 * by the matcher's rules or by the network office, so where they would change person the index opens
 * review tasks instead (README § IHE endpoints, "local merges").
 */
import type { Kysely } from 'kysely';
import type { HubDeps } from '../http.js';
import type { Schema } from '../store/schema.js';
import { explainMatch, noComparison, scorePersons } from './feed.js';
import { loadNameCounts, saveNameCounts } from './frequency.js';
import { DEFAULT_MPI_SETTINGS, type MpiSettings } from './match.js';
import {
  addHistory,
  facilityIdsOfPerson,
  findRecord,
  type HistoryEntry,
  keysOfRow,
  type MatchRow,
  matchRowsOfPerson,
  type RecordRef,
  type RecordRow,
  refreshPerson,
} from './records.js';
import { closeReviews, openReview, redirectReviews } from './reviews.js';

export interface LocalMergeInput {
  /** The facility whose ids these are (the caller's own). */
  facilityOid: string;
  /** The id the facility keeps. */
  survivingLocalId: string;
  /** The id the facility retired (its records now live under the surviving id). */
  obsoleteLocalId: string;
}

export interface LocalMerge {
  /** The surviving id's person: the regional id the facility's patient has now. */
  personId: string;
  /** The person the obsolete id was linked to (the same as `personId` when they were already one). */
  fromPersonId: string;
  /** When `fromPersonId` was left without records: it now redirects to `personId`. */
  personMerged: boolean;
  /** The facility's other ids that followed from `fromPersonId` to `personId`. */
  moved: RecordRef[];
  /** Other facilities' ids left with `fromPersonId`, each now an open review naming `personId`. */
  reviews: RecordRef[];
  /** Consents given for the obsolete id, now for the surviving one. */
  consentsMoved: number;
}

/** Why a local merge was refused: which id, and what is wrong with it. */
export type LocalMergeProblem =
  | { problem: 'same-id'; localId: string }
  | { problem: 'unknown-id'; which: 'surviving' | 'obsolete'; localId: string };

export type LocalMergeOutcome = ({ ok: true } & LocalMerge) | ({ ok: false } & LocalMergeProblem);

/**
 * Retires `obsoleteLocalId` in favour of `survivingLocalId` (one transaction):
 * - the obsolete record leaves the index (PIX, PDQ and the portal no longer know it); its consents and
 *   open reviews are the surviving id's from now on (consents re-keyed, reviews superseded);
 * - when the two were linked to different persons, the facility's other ids of the obsolete one's person
 *   follow to the surviving one's; if that person is left without records it redirects there (as an
 *   office merge); if other facilities' ids remain, they stay, each with an open review naming the
 *   surviving person — the office decides, as for any doubtful link;
 * - everything is written to history, so the facilities' PIX Consumers are told (ITI-46).
 */
export async function mergeLocalIds(
  deps: Pick<HubDeps, 'store' | 'now'>,
  input: LocalMergeInput,
  actor: string,
  options: { settings?: MpiSettings } = {},
): Promise<LocalMergeOutcome> {
  if (input.survivingLocalId === input.obsoleteLocalId) {
    return { ok: false, problem: 'same-id', localId: input.obsoleteLocalId };
  }
  const settings = options.settings ?? DEFAULT_MPI_SETTINGS;
  const at = deps.now().toISOString();
  const reason = `local merge by ${input.facilityOid}: ${input.obsoleteLocalId} → ${input.survivingLocalId}`;
  return deps.store.db.transaction().execute(async (db): Promise<LocalMergeOutcome> => {
    const surviving = await findRecord(db, {
      facilityOid: input.facilityOid,
      localId: input.survivingLocalId,
    });
    if (!surviving)
      return { ok: false, problem: 'unknown-id', which: 'surviving', localId: input.survivingLocalId };
    const obsolete = await findRecord(db, { facilityOid: input.facilityOid, localId: input.obsoleteLocalId });
    if (!obsolete)
      return { ok: false, problem: 'unknown-id', which: 'obsolete', localId: input.obsoleteLocalId };
    const into = surviving.person_id;
    const from = obsolete.person_id;
    const history: HistoryEntry[] = [];
    const ref = (localId: string) => ({ facilityOid: input.facilityOid, localId, actor, reason });

    const consentsMoved = await retire(db, obsolete, input.survivingLocalId, actor, at);
    history.push({ ...ref(obsolete.local_id), from, to: into, action: 'merge' });

    let moved: RecordRef[] = [];
    let reviews: RecordRef[] = [];
    let personMerged = false;
    if (from !== into) {
      moved = await followOwnIds(db, input.facilityOid, from, into);
      for (const r of moved) history.push({ ...ref(r.localId), from, to: into, action: 'merge' });
      const others = await matchRowsOfPerson(db, from);
      if (others.length === 0) {
        personMerged = true;
        await refreshPerson(db, from, at, into);
        // Doubtful links that named the emptied person now name where it went (as an office merge).
        await redirectReviews(db, from, into);
      } else {
        await refreshPerson(db, from, at);
        reviews = await openReviews(db, others, into, settings, at);
        for (const r of others) {
          history.push({
            facilityOid: r.facility_oid,
            localId: r.local_id,
            actor,
            reason,
            from,
            to: from,
            action: 'review',
          });
        }
      }
    }
    await refreshPerson(db, into, at);
    // The surviving id's own row: its facility's consumer is told the patient's ids as they are now.
    history.push({ ...ref(surviving.local_id), from: into, to: into, action: 'merge' });
    await addHistory(db, at, history);
    return { ok: true, personId: into, fromPersonId: from, personMerged, moved, reviews, consentsMoved };
  });
}

/** Removes the obsolete record; its consents become the surviving id's, its open reviews are void. */
async function retire(
  db: Kysely<Schema>,
  obsolete: RecordRow,
  survivingLocalId: string,
  actor: string,
  at: string,
): Promise<number> {
  const ref = { facilityOid: obsolete.facility_oid, localId: obsolete.local_id };
  const consents = await db
    .updateTable('hub_consent')
    .set({ local_id: survivingLocalId })
    .where('facility_oid', '=', ref.facilityOid)
    .where('local_id', '=', ref.localId)
    .executeTakeFirst();
  await closeReviews(db, ref, actor, at);
  await db
    .deleteFrom('mpi_record')
    .where('facility_oid', '=', ref.facilityOid)
    .where('local_id', '=', ref.localId)
    .execute();
  // The name frequencies count records: one fewer.
  const counts = await loadNameCounts(
    db,
    obsolete.kana_family ? [obsolete.kana_family] : [],
    obsolete.kana_given ? [obsolete.kana_given] : [],
  );
  counts.count(obsolete.kana_family, obsolete.kana_given, -1);
  await saveNameCounts(db, counts);
  return Number(consents.numUpdatedRows);
}

/** The facility's remaining ids at `from` move to `into`, as the facility's own (manual) links. */
async function followOwnIds(
  db: Kysely<Schema>,
  facilityOid: string,
  from: string,
  into: string,
): Promise<RecordRef[]> {
  const own = await facilityIdsOfPerson(db, facilityOid, from);
  if (own.length === 0) return [];
  await db
    .updateTable('mpi_record')
    .set({ person_id: into, link_method: 'manual', link_score: null })
    .where('person_id', '=', from)
    .where('facility_oid', '=', facilityOid)
    .execute();
  return own.map((r) => ({ facilityOid, localId: r.local_id }));
}

/**
 * A review per other facility's record left with the old person, naming the surviving person, with the
 * matcher's comparison against it (the office sees it as any doubtful link). An open review of the same
 * record is superseded, as the feed does.
 */
async function openReviews(
  db: Kysely<Schema>,
  records: readonly MatchRow[],
  candidate: string,
  settings: MpiSettings,
  at: string,
): Promise<RecordRef[]> {
  const candidateRecords = await matchRowsOfPerson(db, candidate);
  const out: RecordRef[] = [];
  for (const record of records) {
    const ref = { facilityOid: record.facility_oid, localId: record.local_id };
    const [best] = scorePersons(keysOfRow(record), candidateRecords, settings);
    const explanation = explainMatch(
      best ?? noComparison(candidate, record),
      [],
      ['local-merge-elsewhere'],
      settings,
    );
    await openReview(db, ref, candidate, explanation, at);
    out.push(ref);
  }
  return out;
}
