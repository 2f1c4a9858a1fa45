/**
 * PIX feed: each (facility OID, local id) identity a gateway sends is stored and linked to a person
 * — an existing one (auto-link), a new one, or a new one with a review task naming the likely
 * person. A record belongs to exactly one person at any time (primary key of mpi_record).
 */
import { FEED_BATCH_LIMIT } from '@hie/contract';
import type { Kysely } from 'kysely';
import { auditHubInTransaction, type HubAuditRecord } from '../audit-record.js';
import type { HubDeps } from '../http.js';
import type { Schema } from '../store/schema.js';
import { loadNameCounts, type NameCounts, saveNameCounts } from './frequency.js';
import {
  type Comparison,
  compareKeys,
  DEFAULT_MPI_SETTINGS,
  type IdentityFeed,
  type MatchKeys,
  type MpiSettings,
  matchKeysOf,
  type NameFrequencies,
  nameAgreementU,
} from './match.js';
import {
  addHistory,
  findRecord,
  type HistoryEntry,
  insertPerson,
  insertRecord,
  keysOfRow,
  MATCH_COLUMNS,
  type MatchRow,
  type RecordRow,
  rawQuery,
  recordColumns,
  refreshPerson,
  sameIdentity,
} from './records.js';
import { openReview } from './reviews.js';

export type FeedOutcomeKind = 'new' | 'auto-link' | 'review' | 'updated' | 'unchanged';

export interface FeedOutcome {
  facilityOid: string;
  localId: string;
  personId: string;
  outcome: FeedOutcomeKind;
}

export interface FeedOptions {
  settings?: MpiSettings;
  /**
   * The audit events of this feed, appended in its own transaction: the feed and its record commit
   * together or not at all, for one commit instead of two.
   */
  audit?: (outcomes: readonly FeedOutcome[]) => HubAuditRecord[];
}

/** The explanation stored with a review (and returned by the review API). */
export interface MatchExplanation {
  score: number;
  thresholds: { autoLink: number; review: number };
  /** The record of the candidate person that compared best. */
  comparedWith: { facilityOid: string; localId: string };
  fields: Comparison['fields'];
  /** Why the record was not linked automatically. */
  reasons: string[];
  /** Other persons that scored at or above the review threshold. */
  others: { personId: string; score: number }[];
}

interface PersonScore {
  personId: string;
  best: Comparison;
  record: MatchRow;
}

/** Feeds must not exceed this many per call (one transaction). */
export const MAX_FEED_BATCH = FEED_BATCH_LIMIT;

/**
 * Stores and links a batch of identities (one transaction). Records of one call are processed in
 * order, so two records of the same person in one batch link to each other.
 */
export async function feedIdentities(
  deps: Pick<HubDeps, 'store' | 'now'>,
  feeds: readonly IdentityFeed[],
  actor: string,
  options: FeedOptions = {},
): Promise<FeedOutcome[]> {
  const settings = options.settings ?? DEFAULT_MPI_SETTINGS;
  const at = deps.now().toISOString();
  return deps.store.db.transaction().execute(async (trx) => {
    const existing = await loadExisting(trx, feeds);
    const keysOf = feeds.map((f) => matchKeysOf(f));
    const counts = await loadNameCounts(
      trx,
      keysOf.flatMap((k) => (k.kanaFamily ? [k.kanaFamily] : [])),
      keysOf.flatMap((k) => (k.kanaGiven ? [k.kanaGiven] : [])),
    );
    const batch: Batch = { db: trx, actor, at, settings, history: [], counts };
    const out: FeedOutcome[] = [];
    const seen = new Set<string>();
    for (const [i, feed] of feeds.entries()) {
      const keys = keysOf[i] as MatchKeys;
      const key = recordKey(feed.facilityOid, feed.localId);
      // The same record twice in one batch: the second sees what the first did.
      const row = seen.has(key) ? await findRecord(trx, feed) : existing.get(key);
      seen.add(key);
      out.push(row ? await refeed(batch, row, feed, keys) : await feedNew(batch, feed, keys));
    }
    await addHistory(trx, at, batch.history);
    await saveNameCounts(trx, counts);
    if (options.audit) await auditHubInTransaction(trx, deps, options.audit(out));
    return out;
  });
}

/** What every feed of one call shares. */
interface Batch {
  db: Kysely<Schema>;
  actor: string;
  at: string;
  settings: MpiSettings;
  history: HistoryEntry[];
  /** Name frequencies of the index, the batch's own records included as they are added. */
  counts: NameCounts;
}

const recordKey = (facilityOid: string, localId: string) => `${facilityOid}\u0000${localId}`;

async function loadExisting(
  db: Kysely<Schema>,
  feeds: readonly IdentityFeed[],
): Promise<Map<string, RecordRow>> {
  const byFacility = new Map<string, string[]>();
  for (const f of feeds) {
    const ids = byFacility.get(f.facilityOid) ?? [];
    ids.push(f.localId);
    byFacility.set(f.facilityOid, ids);
  }
  const out = new Map<string, RecordRow>();
  for (const [facilityOid, ids] of byFacility) {
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await db
        .selectFrom('mpi_record')
        .selectAll()
        .where('facility_oid', '=', facilityOid)
        .where('local_id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const r of rows) out.set(recordKey(r.facility_oid, r.local_id), r);
    }
  }
  return out;
}

/** A year either side of the birth date: the reading block still finds day/month and year typos. */
function birthRange(birthDate: string): [string, string] {
  const year = Number(birthDate.slice(0, 4));
  return [`${year - 1}-01-01`, `${year + 1}-12-31`];
}

const SELECT_MATCH = `SELECT ${MATCH_COLUMNS.join(', ')} FROM mpi_record WHERE `;

/**
 * Records sharing a blocking key with `keys`: family reading + birth date, given reading + birth
 * date (either part of the name may vary between facilities), full reading or written name within a
 * year of the birth date (birth-date typos), phone; without a reading, birth date + sex. Small
 * blocks at any scale: a block holds the namesakes of one birth date, not everyone born that day.
 * Hand-written SQL (UNION ALL of index lookups): one cached statement per shape, no query building.
 */
export async function blockingCandidates(
  db: Kysely<Schema>,
  keys: MatchKeys,
  exclude?: { facilityOid: string; localId: string },
): Promise<MatchRow[]> {
  const parts: string[] = [];
  const params: string[] = [];
  const birth = keys.birthDate;
  const range = birth ? birthRange(birth) : undefined;
  if (birth && keys.kanaFamily) {
    parts.push('kana_family = ? AND birth_date = ?');
    params.push(keys.kanaFamily, birth);
  }
  if (birth && keys.kanaGiven) {
    parts.push('kana_given = ? AND birth_date = ?');
    params.push(keys.kanaGiven, birth);
  }
  for (const [column, value] of [
    ['kana_key', keys.kanaKey],
    ['kanji_key', keys.kanjiKey],
  ] as const) {
    if (!value) continue;
    if (range) {
      parts.push(`${column} = ? AND birth_date >= ? AND birth_date <= ?`);
      params.push(value, ...range);
    } else {
      parts.push(`${column} = ?`);
      params.push(value);
    }
  }
  if (keys.phone) {
    parts.push('phone_key = ?');
    params.push(keys.phone);
  }
  if (birth && !keys.kanaFamily && !keys.kanaGiven) {
    if (keys.sex) {
      parts.push('birth_date = ? AND sex = ?');
      params.push(birth, keys.sex);
    } else {
      parts.push('birth_date = ?');
      params.push(birth);
    }
  }
  if (parts.length === 0) return [];
  const rows = await rawQuery<MatchRow>(db, parts.map((p) => SELECT_MATCH + p).join(' UNION ALL '), params);
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = recordKey(r.facility_oid, r.local_id);
    if (seen.has(key)) return false;
    seen.add(key);
    return !(exclude && r.facility_oid === exclude.facilityOid && r.local_id === exclude.localId);
  });
}

/** Best comparison per candidate person, best first. */
export function scorePersons(
  keys: MatchKeys,
  candidates: readonly MatchRow[],
  settings: MpiSettings,
  frequencies?: NameFrequencies,
): PersonScore[] {
  const byPerson = new Map<string, PersonScore>();
  const nameU = nameAgreementU(keys, frequencies);
  for (const row of candidates) {
    const c = compareKeys(keys, keysOfRow(row), settings.model, frequencies, nameU);
    const seen = byPerson.get(row.person_id);
    if (!seen || c.score > seen.best.score)
      byPerson.set(row.person_id, { personId: row.person_id, best: c, record: row });
  }
  return [...byPerson.values()].sort((a, b) => b.best.score - a.best.score);
}

type Decision =
  | { kind: 'auto-link'; person: PersonScore }
  | { kind: 'review'; person: PersonScore; explanation: MatchExplanation }
  | { kind: 'new' };

async function decide(
  db: Kysely<Schema>,
  facilityOid: string,
  ranked: readonly PersonScore[],
  settings: MpiSettings,
): Promise<Decision> {
  const best = ranked[0];
  if (!best || best.best.score < settings.reviewThreshold) return { kind: 'new' };
  const reasons = [...best.best.guards];
  // A birth date that differs beyond a keying slip, with less than auto-link evidence: namesakes
  // in one town, not one person. A new person, not a review task.
  if (best.best.guards.includes('birth-date-differs') && best.best.score < settings.autoLinkThreshold) {
    return { kind: 'new' };
  }
  const rivals = ranked.slice(1).filter((p) => p.best.score >= settings.reviewThreshold);
  if (best.best.score < settings.autoLinkThreshold) reasons.push('below-auto-link');
  if (rivals.some((p) => p.best.score >= settings.autoLinkThreshold)) reasons.push('several-candidates');
  if (reasons.length === 0) {
    // A second id at the same facility is more often another person (a twin, a namesake) than a
    // duplicate registration: a person looks at it.
    const sameFacility = await rawQuery(
      db,
      'SELECT local_id FROM mpi_record WHERE person_id = ? AND facility_oid = ? LIMIT 1',
      [best.personId, facilityOid],
    );
    if (sameFacility.length > 0) reasons.push('same-facility-other-id');
  }
  if (reasons.length === 0) return { kind: 'auto-link', person: best };
  return { kind: 'review', person: best, explanation: explainMatch(best, rivals, reasons, settings) };
}

/** What a review stores: the best-scoring person's comparison, why it was not linked, and its rivals. */
export function explainMatch(
  best: PersonScore,
  rivals: readonly PersonScore[],
  reasons: string[],
  settings: MpiSettings,
): MatchExplanation {
  return {
    score: best.best.score,
    thresholds: { autoLink: settings.autoLinkThreshold, review: settings.reviewThreshold },
    comparedWith: { facilityOid: best.record.facility_oid, localId: best.record.local_id },
    fields: best.best.fields,
    reasons,
    others: rivals.map((p) => ({ personId: p.personId, score: p.best.score })),
  };
}

/** A person nothing compared with: score 0, no fields; `record` stands as the one compared. */
export const noComparison = (personId: string, record: MatchRow): PersonScore => ({
  personId,
  best: { score: 0, fields: [], guards: [] },
  record,
});

const UPDATE_DISPLAY =
  'UPDATE mpi_person SET name_kanji = ?, name_kana = ?, kana_key = ?, birth_date = ?, sex = ?, updated_at = ? WHERE id = ?';

async function feedNew(batch: Batch, feed: IdentityFeed, keys: MatchKeys): Promise<FeedOutcome> {
  const { db, actor, at, settings, history } = batch;
  const columns = recordColumns(feed, keys);
  const ranked = scorePersons(keys, await blockingCandidates(db, keys), settings, batch.counts);
  batch.counts.count(keys.kanaFamily, keys.kanaGiven, 1);
  const decision = await decide(db, feed.facilityOid, ranked, settings);
  const display = {
    name_kanji: columns.name_kanji,
    name_kana: columns.name_kana,
    kana_key: columns.kana_key,
    birth_date: columns.birth_date,
    sex: columns.sex,
  };
  let personId: string;
  if (decision.kind === 'auto-link') {
    personId = decision.person.personId;
    await rawQuery(db, UPDATE_DISPLAY, [
      display.name_kanji,
      display.name_kana,
      display.kana_key,
      display.birth_date,
      display.sex,
      at,
      personId,
    ]);
  } else {
    personId = await insertPerson(db, at, display);
  }
  const score = decision.kind === 'new' ? null : decision.person.best.score;
  await insertRecord(db, {
    facility_oid: feed.facilityOid,
    local_id: feed.localId,
    person_id: personId,
    ...columns,
    link_method: decision.kind === 'auto-link' ? 'auto' : decision.kind,
    link_score: score,
    updated_at: at,
  });
  const ref = { facilityOid: feed.facilityOid, localId: feed.localId, actor };
  if (decision.kind === 'review') {
    await openReview(db, feed, decision.person.personId, decision.explanation, at);
    history.push({ ...ref, from: null, to: personId, action: 'review', score });
    return { ...ref, personId, outcome: 'review' };
  }
  history.push({
    ...ref,
    from: null,
    to: personId,
    action: decision.kind === 'new' ? 'create' : 'auto-link',
    score,
  });
  return { facilityOid: feed.facilityOid, localId: feed.localId, personId, outcome: decision.kind };
}

/**
 * A record fed again. Unchanged: nothing happens. Changed: its identity is updated; a manual link
 * stays; a record alone in its person is matched again (it may join another person); a record
 * sharing its person with others stays, but goes to review when it no longer resembles them.
 */
async function refeed(
  batch: Batch,
  row: RecordRow,
  feed: IdentityFeed,
  keys: MatchKeys,
): Promise<FeedOutcome> {
  const { db, actor, at, settings, history } = batch;
  const ref = { facilityOid: feed.facilityOid, localId: feed.localId };
  if (sameIdentity(row, feed)) return { ...ref, personId: row.person_id, outcome: 'unchanged' };
  const columns = recordColumns(feed, keys);
  batch.counts.count(row.kana_family, row.kana_given, -1);
  batch.counts.count(keys.kanaFamily, keys.kanaGiven, 1);
  await db
    .updateTable('mpi_record')
    .set({ ...columns, updated_at: at })
    .where('facility_oid', '=', feed.facilityOid)
    .where('local_id', '=', feed.localId)
    .execute();
  history.push({ ...ref, actor, from: row.person_id, to: row.person_id, action: 'update' });
  if (row.link_method === 'manual') {
    await refreshPerson(db, row.person_id, at);
    return { ...ref, personId: row.person_id, outcome: 'updated' };
  }
  const siblings = await db
    .selectFrom('mpi_record')
    .select(MATCH_COLUMNS)
    .where('person_id', '=', row.person_id)
    .where((eb) => eb.or([eb('facility_oid', '!=', feed.facilityOid), eb('local_id', '!=', feed.localId)]))
    .execute();
  if (siblings.length > 0) {
    await refreshPerson(db, row.person_id, at);
    const [own] = scorePersons(keys, siblings, settings, batch.counts);
    if (own && own.best.score >= settings.reviewThreshold)
      return { ...ref, personId: row.person_id, outcome: 'updated' };
    const explanation = explainMatch(
      own ?? noComparison(row.person_id, siblings[0] as MatchRow),
      [],
      ['changed-record-no-longer-matches'],
      settings,
    );
    await openReview(db, feed, row.person_id, explanation, at);
    history.push({
      ...ref,
      actor,
      from: row.person_id,
      to: row.person_id,
      action: 'review',
      score: explanation.score,
    });
    return { ...ref, personId: row.person_id, outcome: 'review' };
  }
  const candidates = (await blockingCandidates(db, keys, ref)).filter((r) => r.person_id !== row.person_id);
  const decision = await decide(
    db,
    feed.facilityOid,
    scorePersons(keys, candidates, settings, batch.counts),
    settings,
  );
  if (decision.kind === 'auto-link') {
    const to = decision.person.personId;
    await db
      .updateTable('mpi_record')
      .set({ person_id: to, link_method: 'auto', link_score: decision.person.best.score })
      .where('facility_oid', '=', feed.facilityOid)
      .where('local_id', '=', feed.localId)
      .execute();
    await refreshPerson(db, row.person_id, at, to);
    await refreshPerson(db, to, at);
    history.push({
      ...ref,
      actor,
      from: row.person_id,
      to,
      action: 'auto-link',
      score: decision.person.best.score,
    });
    return { ...ref, personId: to, outcome: 'auto-link' };
  }
  await refreshPerson(db, row.person_id, at);
  if (decision.kind === 'review') {
    await openReview(db, feed, decision.person.personId, decision.explanation, at);
    history.push({
      ...ref,
      actor,
      from: row.person_id,
      to: row.person_id,
      action: 'review',
      score: decision.explanation.score,
    });
    return { ...ref, personId: row.person_id, outcome: 'review' };
  }
  return { ...ref, personId: row.person_id, outcome: 'updated' };
}
