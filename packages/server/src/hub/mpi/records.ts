/** mpi_record rows ↔ feeds and match keys; person display refresh; history rows. */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Schema } from '../../store/schema.js';
import { type IdentityFeed, type MatchKeys, matchKeysOf } from './match.js';
import { postcodeKey } from './normalize.js';
import type { MpiRecordTable } from './schema.js';

export type RecordRow = Selectable<MpiRecordTable>;

const n = (s: string | undefined | null): string | null => (s === undefined || s === '' ? null : s);

/** The identity columns of a record (raw values and their keys) for a feed. */
export function recordColumns(feed: IdentityFeed) {
  const keys = matchKeysOf(feed);
  return {
    name_kanji: n(feed.nameKanji),
    name_kana: n(feed.nameKana),
    kanji_key: keys.kanjiKey,
    kana_key: keys.kanaKey,
    kanji_family: keys.kanjiFamily,
    kanji_given: keys.kanjiGiven,
    kana_family: keys.kanaFamily,
    kana_given: keys.kanaGiven,
    birth_date: n(feed.birthDate),
    sex: n(feed.sex),
    postcode: n(feed.postcode),
    address: n(feed.address),
    phone: n(feed.phone),
    address_key: keys.address,
    phone_key: keys.phone,
  };
}

/** True when the feed carries exactly the identity the record already has. */
export function sameIdentity(row: RecordRow, feed: IdentityFeed): boolean {
  return (
    row.name_kanji === n(feed.nameKanji) &&
    row.name_kana === n(feed.nameKana) &&
    row.birth_date === n(feed.birthDate) &&
    row.sex === n(feed.sex) &&
    row.postcode === n(feed.postcode) &&
    row.address === n(feed.address) &&
    row.phone === n(feed.phone)
  );
}

/** The columns the matcher reads. */
export const MATCH_COLUMNS = [
  'facility_oid',
  'local_id',
  'person_id',
  'kana_key',
  'kana_family',
  'kana_given',
  'kanji_key',
  'kanji_family',
  'kanji_given',
  'birth_date',
  'sex',
  'postcode',
  'address_key',
  'phone_key',
] as const;

export type MatchRow = Pick<RecordRow, (typeof MATCH_COLUMNS)[number]>;

export function keysOfRow(row: MatchRow): MatchKeys {
  return {
    kanaKey: row.kana_key,
    kanaFamily: row.kana_family,
    kanaGiven: row.kana_given,
    kanjiKey: row.kanji_key,
    kanjiFamily: row.kanji_family,
    kanjiGiven: row.kanji_given,
    birthDate: row.birth_date,
    sex: row.sex === 'M' || row.sex === 'F' ? row.sex : null,
    postcode: row.postcode ? postcodeKey(row.postcode) || null : null,
    address: row.address_key,
    phone: row.phone_key,
  };
}

export interface HistoryEntry {
  facilityOid: string;
  localId: string;
  from: string | null;
  to: string | null;
  action: 'create' | 'auto-link' | 'update' | 'link' | 'unlink' | 'merge' | 'review';
  actor: string;
  reason?: string | null;
  score?: number | null;
}

export async function addHistory(
  db: Kysely<Schema>,
  at: string,
  entries: readonly HistoryEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('mpi_history')
    .values(
      entries.map((e) => ({
        id: randomUUID(),
        facility_oid: e.facilityOid,
        local_id: e.localId,
        from_person: e.from,
        to_person: e.to,
        action: e.action,
        actor: e.actor,
        reason: e.reason ?? null,
        score: e.score ?? null,
        at,
      })),
    )
    .execute();
}

/** Creates a person whose display identity is that of `feed`. */
export async function insertPerson(
  db: Kysely<Schema>,
  at: string,
  display: Pick<RecordRow, 'name_kanji' | 'name_kana' | 'kana_key' | 'birth_date' | 'sex'>,
): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('mpi_person')
    .values({
      id,
      status: 'active',
      merged_into: null,
      name_kanji: display.name_kanji,
      name_kana: display.name_kana,
      kana_key: display.kana_key,
      birth_date: display.birth_date,
      sex: display.sex,
      created_at: at,
      updated_at: at,
    })
    .execute();
  return id;
}

/**
 * Sets a person's display identity to its most recently updated record; a person left without
 * records is marked merged into `absorbedBy` (when given).
 */
export async function refreshPerson(
  db: Kysely<Schema>,
  personId: string,
  at: string,
  absorbedBy?: string,
): Promise<void> {
  const latest = await db
    .selectFrom('mpi_record')
    .select(['name_kanji', 'name_kana', 'kana_key', 'birth_date', 'sex'])
    .where('person_id', '=', personId)
    .orderBy('updated_at', 'desc')
    .orderBy('facility_oid')
    .orderBy('local_id')
    .limit(1)
    .executeTakeFirst();
  if (latest) {
    await db
      .updateTable('mpi_person')
      .set({ ...latest, updated_at: at })
      .where('id', '=', personId)
      .execute();
  } else {
    await db
      .updateTable('mpi_person')
      .set({ status: 'merged', merged_into: absorbedBy ?? null, updated_at: at })
      .where('id', '=', personId)
      .execute();
    // Persons merged earlier into this one now redirect to where it went.
    if (absorbedBy) {
      await db
        .updateTable('mpi_person')
        .set({ merged_into: absorbedBy, updated_at: at })
        .where('merged_into', '=', personId)
        .execute();
    }
  }
}
