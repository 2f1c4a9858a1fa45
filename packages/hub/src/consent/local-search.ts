import type { Expression, SqlBool } from 'kysely';
import { agentOf, auditHub } from '../audit-record.js';
import { type HubDeps, HubError, type HubPrincipal } from '../http.js';
import { kanaKey, kanjiKey } from '../mpi/normalize.js';
import type { LocalPatient } from './registry.js';

/** What the consent counter types to find a patient of its own facility: a name and/or a birth date. */
export interface LocalPatientQuery {
  /** Reading, any kana form (prefix of the folded key, like the patient search). */
  kana?: string;
  /** Written name (prefix of the variant-folded key). */
  kanji?: string;
  /** YYYY-MM-DD, exact. */
  birthDate?: string;
}

/** At most this many patients are listed: the clerk narrows by birth date, not by paging. */
export const LOCAL_SEARCH_LIMIT = 50;

/** Exclusive upper bound of a prefix range (byte order on both engines, as in mpi/pdq.ts). */
const PREFIX_END = '\u{10FFFF}';

/**
 * 受付の患者検索: the patients of the principal's own facility (their records in the patient index,
 * with the facility's local id) whose name and birth date match. Only the principal's facility is
 * searched — another facility's patient is never listed, whoever they are — and the office has no
 * patients. No consent is needed: it is the facility's own register, what the clerk checks before
 * registering a consent. Audited as a search with what it found.
 */
export async function searchLocalPatients(
  deps: Pick<HubDeps, 'store' | 'now'>,
  principal: HubPrincipal,
  query: LocalPatientQuery,
  address?: string,
): Promise<{ total: number; patients: LocalPatient[] }> {
  const kana = query.kana ? kanaKey(query.kana) : '';
  const kanji = query.kanji ? kanjiKey(query.kanji) : '';
  const birthDate = query.birthDate ?? '';
  if (!kana && !kanji && !birthDate) {
    throw new HubError(
      400,
      'empty-search',
      'give a name (kana or kanji) or a birth date / 氏名（カナ・漢字）または生年月日を入力してください',
    );
  }
  const matching = principal.office
    ? undefined
    : deps.store.db
        .selectFrom('mpi_record')
        .where('facility_oid', '=', principal.facilityOid)
        .where((eb) => {
          const all: Expression<SqlBool>[] = [];
          if (kana) all.push(eb('kana_key', '>=', kana), eb('kana_key', '<', kana + PREFIX_END));
          if (kanji) all.push(eb('kanji_key', '>=', kanji), eb('kanji_key', '<', kanji + PREFIX_END));
          if (birthDate) all.push(eb('birth_date', '=', birthDate));
          return eb.and(all);
        });
  const [count, rows] = matching
    ? await Promise.all([
        matching.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
        matching
          .select(['facility_oid', 'local_id', 'person_id', 'name_kanji', 'name_kana', 'birth_date', 'sex'])
          .orderBy('kana_key')
          .orderBy('local_id')
          .limit(LOCAL_SEARCH_LIMIT)
          .execute(),
      ])
    : [{ n: 0 }, []];
  const total = Number(count.n);
  await auditHub(deps, [
    {
      type: 'search',
      action: 'E',
      outcome: '0',
      outcomeDescription: 'consent: patients of the facility by name',
      agent: agentOf(principal, address),
      entities: rows.map((r) => `Person/${r.person_id}`),
      detail: {
        query: JSON.stringify({ facilityOid: principal.facilityOid, ...query }),
        total: String(total),
      },
    },
  ]);
  return {
    total,
    patients: rows.map((r) => ({
      facilityOid: r.facility_oid,
      localId: r.local_id,
      personId: r.person_id,
      nameKanji: r.name_kanji,
      nameKana: r.name_kana,
      birthDate: r.birth_date,
      sex: r.sex,
    })),
  };
}
