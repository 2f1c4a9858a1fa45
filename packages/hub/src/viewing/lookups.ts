import type { Store } from '@hie/platform';
import type { Schema } from '../store/schema.js';

/**
 * The record a patient card number (患者カード番号, printed when the consent was registered) stands
 * for; null when no consent carries it. Withdrawn consents still name their patient: whether the
 * viewer may see the record is the policy's question, asked by the search that follows.
 */
export async function cardHolder(
  store: Store<Schema>,
  cardNumber: string,
): Promise<{ facilityOid: string; localId: string } | null> {
  const row = await store.db
    .selectFrom('hub_consent')
    .select(['facility_oid', 'local_id'])
    .where('card_number', '=', cardNumber.trim())
    .executeTakeFirst();
  return row ? { facilityOid: row.facility_oid, localId: row.local_id } : null;
}

/** Facility names by OID (for labels in lists). */
export async function facilityNames(
  store: Store<Schema>,
  oids: readonly string[],
): Promise<Map<string, string>> {
  const unique = [...new Set(oids)];
  if (unique.length === 0) return new Map();
  const rows = await store.db
    .selectFrom('hub_facility')
    .select(['oid', 'name'])
    .where('oid', 'in', unique)
    .execute();
  return new Map(rows.map((r) => [r.oid, r.name]));
}
