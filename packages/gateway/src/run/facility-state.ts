import type { Store } from '@hie/platform';
import type { Schema } from '@hie/record-source';
import type { GatewayFacility } from '../ingest/types.js';

const STATE_NAME = 'facility';

/**
 * The facility a store's projection was built for, kept in gw_state at every start, so tools such as
 * `hie gateway reindex --db …` can rebuild it without being told again, and a changed facility is noticed.
 */
export async function rememberFacility(
  store: Store<Schema>,
  facility: GatewayFacility,
): Promise<GatewayFacility | undefined> {
  const previous = await rememberedFacility(store);
  const value = JSON.stringify({
    institutionCode: facility.institutionCode,
    oid: facility.oid,
    name: facility.name,
  });
  const updatedAt = new Date().toISOString();
  await store.db
    .insertInto('gw_state')
    .values({ name: STATE_NAME, value, updated_at: updatedAt })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_at: updatedAt }))
    .execute();
  return previous;
}

export async function rememberedFacility(store: Store<Schema>): Promise<GatewayFacility | undefined> {
  const row = await store.db
    .selectFrom('gw_state')
    .select('value')
    .where('name', '=', STATE_NAME)
    .executeTakeFirst();
  if (!row) return undefined;
  try {
    const f = JSON.parse(row.value) as Partial<GatewayFacility>;
    if (typeof f.institutionCode === 'string' && typeof f.oid === 'string' && typeof f.name === 'string') {
      return { institutionCode: f.institutionCode, oid: f.oid, name: f.name };
    }
  } catch {
    // A damaged row counts as none: the facility must then be given again.
  }
  return undefined;
}
