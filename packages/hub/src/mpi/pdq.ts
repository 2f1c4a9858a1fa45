/**
 * PDQ: find persons by reading or written name (prefix of the normalised key), birth date, sex, or a
 * facility's local id. The policy module's filters are compiled into the same SQL, so the total and
 * the pages count only what the user may see, and records the user may not see are not listed.
 */

import type { Store } from '@hie/platform';
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Schema } from '../store/schema.js';
import { kanaKey, kanjiKey } from './normalize.js';

export interface PdqQuery {
  /** Reading, any kana form: prefix match on the folded key (exact with `kanaExact`). */
  kana?: string;
  /** The reading must be the whole name, not its start (a partner network's discovery: no near names). */
  kanaExact?: boolean;
  /** Written name: prefix match on the variant-folded key. */
  kanji?: string;
  /** YYYY-MM-DD, exact. */
  birthDate?: string;
  sex?: 'M' | 'F' | 'O' | 'U';
  facilityOid?: string;
  localId?: string;
  /** The regional person id (a system asking by it). */
  personId?: string;
}

export type RecordFilter = (eb: ExpressionBuilder<Schema, 'mpi_record'>) => Expression<SqlBool>;
export type PersonFilter = (eb: ExpressionBuilder<Schema, 'mpi_person'>) => Expression<SqlBool>;

export interface PdqOptions {
  /** Persons the user may see (policy/sql.ts personFilter). */
  personFilter?: PersonFilter;
  /** Records the user may see (policy/sql.ts recordFilter): only they match and only they are listed. */
  recordFilter?: RecordFilter;
  limit: number;
  offset: number;
}

export interface PersonSummary {
  personId: string;
  nameKanji: string | null;
  nameKana: string | null;
  birthDate: string | null;
  sex: string | null;
  records: { facilityOid: string; localId: string }[];
}

/** Exclusive upper bound of a prefix range (byte order on both engines: see migration.ts). */
const PREFIX_END = '\u{10FFFF}';

export async function searchPersons(
  store: Store<Schema>,
  query: PdqQuery,
  options: PdqOptions,
): Promise<{ total: number; persons: PersonSummary[] }> {
  const kana = query.kana ? kanaKey(query.kana) : '';
  const kanji = query.kanji ? kanjiKey(query.kanji) : '';
  const matching = store.db
    .selectFrom('mpi_record')
    .select('mpi_record.person_id')
    .where((eb) => {
      const all: Expression<SqlBool>[] = [];
      if (kana && query.kanaExact) all.push(eb('kana_key', '=', kana));
      else if (kana) all.push(eb('kana_key', '>=', kana), eb('kana_key', '<', kana + PREFIX_END));
      if (kanji) all.push(eb('kanji_key', '>=', kanji), eb('kanji_key', '<', kanji + PREFIX_END));
      if (query.birthDate) all.push(eb('birth_date', '=', query.birthDate));
      if (query.sex) all.push(eb('sex', '=', query.sex));
      if (query.facilityOid) all.push(eb('facility_oid', '=', query.facilityOid));
      if (query.localId) all.push(eb('local_id', '=', query.localId));
      if (query.personId) all.push(eb('person_id', '=', query.personId));
      if (options.recordFilter) all.push(options.recordFilter(eb));
      return eb.and(all);
    });
  const persons = store.db
    .selectFrom('mpi_person')
    .where('mpi_person.status', '=', 'active')
    .where('mpi_person.id', 'in', matching)
    .where((eb) => (options.personFilter ? options.personFilter(eb) : eb.and([])));
  const count = await persons
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  const page = await persons
    .select([
      'mpi_person.id',
      'mpi_person.name_kanji',
      'mpi_person.name_kana',
      'mpi_person.birth_date',
      'mpi_person.sex',
    ])
    .orderBy('mpi_person.kana_key')
    .orderBy('mpi_person.id')
    .limit(options.limit)
    .offset(options.offset)
    .execute();
  if (page.length === 0) return { total: Number(count.n), persons: [] };
  const records = await store.db
    .selectFrom('mpi_record')
    .select([
      'mpi_record.person_id',
      'mpi_record.facility_oid',
      'mpi_record.local_id',
      'mpi_record.name_kanji',
      'mpi_record.name_kana',
      'mpi_record.birth_date',
      'mpi_record.sex',
      'mpi_record.updated_at',
    ])
    .where(
      'mpi_record.person_id',
      'in',
      page.map((p) => p.id),
    )
    .where((eb) => (options.recordFilter ? options.recordFilter(eb) : eb.and([])))
    .execute();
  // Sorted here, not in SQL: with an ORDER BY on the primary key, SQLite walks a facility's whole
  // index instead of looking up the page's persons (171 ms at 2 M persons, bench ihe).
  records.sort((a, b) =>
    a.facility_oid === b.facility_oid
      ? compare(a.local_id, b.local_id)
      : compare(a.facility_oid, b.facility_oid),
  );
  return {
    total: Number(count.n),
    persons: page.map((p) => {
      const own = records.filter((r) => r.person_id === p.id);
      // Names as the user's visible records have them (the newest), else the person's own.
      const latest = own.reduce<(typeof own)[number] | undefined>(
        (a, r) => (a === undefined || r.updated_at > a.updated_at ? r : a),
        undefined,
      );
      const shown = options.recordFilter && latest ? latest : p;
      return {
        personId: p.id,
        nameKanji: shown.name_kanji,
        nameKana: shown.name_kana,
        birthDate: shown.birth_date,
        sex: shown.sex,
        records: own.map((r) => ({ facilityOid: r.facility_oid, localId: r.local_id })),
      };
    }),
  };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
