import type { HubDeps } from '../http.js';
import type { PdqQuery } from '../mpi/pdq.js';
import { facilityIdsOfPerson } from '../mpi/records.js';
import { hubOids, type Ii } from './v3.js';

/**
 * What a facility's system may learn of a person, for every IHE answer (ITI-45/46/47, PIXm, PDQm): the
 * regional id and its own facility's ids of its own patients — nothing of another facility.
 */

/** The domains the hub knows: every facility OID, and the regional id's. */
export async function knownDomains(deps: Pick<HubDeps, 'store' | 'settings'>): Promise<Set<string>> {
  const oids = new Set(
    (await deps.store.db.selectFrom('hub_facility').select('oid').execute()).map((f) => f.oid),
  );
  oids.add(hubOids(deps.settings).regionalId);
  return oids;
}

/**
 * The person behind an id, when this facility may ask about it: one of its own ids, or the regional id
 * of a person it has a record of. Anything else (another facility's id, an unknown one) is null.
 */
export async function personAsked(
  deps: Pick<HubDeps, 'store' | 'settings'>,
  facilityOid: string,
  asked: Ii,
): Promise<string | null> {
  const regional = hubOids(deps.settings).regionalId;
  if (!asked.extension || (asked.root !== facilityOid && asked.root !== regional)) return null;
  const row = await deps.store.db
    .selectFrom('mpi_record')
    .select('person_id')
    .where('facility_oid', '=', facilityOid)
    .where(asked.root === facilityOid ? 'local_id' : 'person_id', '=', asked.extension)
    .executeTakeFirst();
  return row?.person_id ?? null;
}

/** The ids of a person this facility may see: the regional id, then its own ids. */
export async function visibleIds(
  deps: Pick<HubDeps, 'store' | 'settings'>,
  facilityOid: string,
  personId: string,
): Promise<Ii[]> {
  const own = await facilityIdsOfPerson(deps.store.db, facilityOid, personId);
  return [
    { root: hubOids(deps.settings).regionalId, extension: personId },
    ...own.map((r) => ({ root: facilityOid, extension: r.local_id })),
  ];
}

const KANA_ONLY = /^[\p{Script=Katakana}\p{Script=Hiragana}ー・\s]+$/u;

/**
 * Whether a name is the kana reading: marked `SYL`, or unmarked and written in kana only; otherwise it
 * is the written (kanji) name (`IDE`). One rule for V3 names, PDQ parameters and PDQm searches.
 */
export const isKanaName = (whole: string, use: readonly string[] = []): boolean =>
  use.includes('SYL') || (!use.includes('IDE') && KANA_ONLY.test(whole));

/** A name as the index's PDQ query: family, or family and given, by reading or by writing. */
export function nameQuery(family: string, given: string, use: readonly string[] = []): Partial<PdqQuery> {
  const whole = family ? (given ? `${family} ${given}` : family) : '';
  if (!whole) return {};
  return isKanaName(whole, use) ? { kana: whole } : { kanji: whole };
}

/** An id as the index's PDQ query, when the facility may ask by it (its own or the regional id); else null. */
export function idQuery(
  settings: Pick<HubDeps['settings'], 'oidRoot'>,
  facilityOid: string,
  id: Ii,
): Partial<PdqQuery> | null {
  if (!id.extension) return null;
  if (id.root === facilityOid) return { facilityOid, localId: id.extension };
  if (id.root === hubOids(settings).regionalId) return { personId: id.extension };
  return null;
}
