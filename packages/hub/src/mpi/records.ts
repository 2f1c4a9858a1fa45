/** mpi_record rows ↔ feeds and match keys; person display refresh; history rows. */
import { randomBytes } from 'node:crypto';
import { CompiledQuery, type Insertable, type Kysely, PostgresAdapter, type Selectable } from 'kysely';
import type { MpiRecordTable } from '../store/mpi-tables.js';
import type { Schema } from '../store/schema.js';
import { type IdentityFeed, type MatchKeys, matchKeysOf } from './match.js';
import { postcodeKey } from './normalize.js';

export type RecordRow = Selectable<MpiRecordTable>;

/** One facility's identity of a patient: the key of mpi_record. */
export interface RecordRef {
  facilityOid: string;
  localId: string;
}

/** The record of `ref`, or undefined when the index does not know it. */
export const findRecord = (db: Kysely<Schema>, ref: RecordRef): Promise<RecordRow | undefined> =>
  db
    .selectFrom('mpi_record')
    .selectAll()
    .where('facility_oid', '=', ref.facilityOid)
    .where('local_id', '=', ref.localId)
    .executeTakeFirst();

const n = (s: string | undefined | null): string | null => (s === undefined || s === '' ? null : s);

/** The identity columns of a record (raw values and their keys) for a feed. */
export function recordColumns(feed: IdentityFeed, keys: MatchKeys = matchKeysOf(feed)) {
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

/** A facility's own ids among a person's records, in order. */
export const facilityIdsOfPerson = (
  db: Kysely<Schema>,
  facilityOid: string,
  personId: string,
): Promise<{ local_id: string }[]> =>
  db
    .selectFrom('mpi_record')
    .select('local_id')
    .where('facility_oid', '=', facilityOid)
    .where('person_id', '=', personId)
    .orderBy('local_id')
    .execute();

/** A person's records, as the matcher reads them. */
export const matchRowsOfPerson = (db: Kysely<Schema>, personId: string): Promise<MatchRow[]> =>
  db.selectFrom('mpi_record').select(MATCH_COLUMNS).where('person_id', '=', personId).execute();

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

let pool = Buffer.alloc(0);
let poolAt = 0;

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Ids made one after
 * another sort together, so person and history rows are appended to their primary-key index
 * instead of landing on a random page of it (millions of rows: far fewer pages touched per feed).
 */
export function timeOrderedId(now = Date.now()): string {
  if (poolAt + 10 > pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  const bytes = Buffer.alloc(16);
  bytes.writeUIntBE(now, 0, 6);
  pool.copy(bytes, 6, poolAt, poolAt + 10);
  poolAt += 10;
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
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
  // 1,000 rows × 10 columns per statement: under SQLite's 32,766 bound parameters whatever the batch.
  for (let i = 0; i < entries.length; i += 1000) await insertHistory(db, at, entries.slice(i, i + 1000));
}

async function insertHistory(
  db: Kysely<Schema>,
  at: string,
  entries: readonly HistoryEntry[],
): Promise<void> {
  await db
    .insertInto('mpi_history')
    .values(
      entries.map((e) => ({
        id: timeOrderedId(),
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
  const id = timeOrderedId();
  await rawQuery(db, INSERT_PERSON, [
    id,
    'active',
    null,
    display.name_kanji,
    display.name_kana,
    display.kana_key,
    display.birth_date,
    display.sex,
    at,
    at,
  ]);
  return id;
}

const INSERT_PERSON =
  'INSERT INTO mpi_person (id, status, merged_into, name_kanji, name_kana, kana_key, birth_date, sex, ' +
  'created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

const RECORD_COLUMNS = [
  'facility_oid',
  'local_id',
  'person_id',
  'name_kanji',
  'name_kana',
  'kanji_key',
  'kana_key',
  'kanji_family',
  'kanji_given',
  'kana_family',
  'kana_given',
  'birth_date',
  'sex',
  'postcode',
  'address',
  'phone',
  'address_key',
  'phone_key',
  'link_method',
  'link_score',
  'updated_at',
] as const satisfies readonly (keyof MpiRecordTable)[];

const INSERT_RECORD = `INSERT INTO mpi_record (${RECORD_COLUMNS.join(', ')}) VALUES (${RECORD_COLUMNS.map(() => '?').join(', ')})`;

/** Inserts one mpi_record row (the feed's hot path: one cached statement, no query building). */
export async function insertRecord(db: Kysely<Schema>, row: Insertable<MpiRecordTable>): Promise<void> {
  await rawQuery(
    db,
    INSERT_RECORD,
    RECORD_COLUMNS.map((c) => row[c] ?? null),
  );
}

const postgresText = new Map<string, string>();

/**
 * Runs SQL written with `?` placeholders on either engine (numbered `$n` for PostgreSQL, cached).
 * For the feed's hot statements: the store caches the prepared statement of a SQL text, so a
 * constant text skips both query building and preparing.
 */
export async function rawQuery<R>(
  db: Kysely<Schema>,
  text: string,
  params: readonly unknown[],
): Promise<R[]> {
  let query = text;
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    let numbered = postgresText.get(text);
    if (numbered === undefined) {
      let i = 0;
      numbered = text.replace(/\?/g, () => `$${++i}`);
      if (postgresText.size > 500) postgresText.clear();
      postgresText.set(text, numbered);
    }
    query = numbered;
  }
  return (await db.executeQuery<R>(CompiledQuery.raw(query, [...params]))).rows;
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
