import { readCheckpoint } from '@hie/record-source';
import { sourceStore } from '../tenants/scoped-store.js';
import type { IntakeContext } from './intake-context.js';

export const ORCA_STATE = 'orca.checkpoint';
export const ORCA_LAST = 'orca.last';

/** A tenant's counts, last ORCA pull, feed position and last refusals: what the office screen shows. */
export async function tenantStatus(ctx: IntakeContext, oid: string) {
  const store = ctx.tenants.storeOf(oid);
  const [resources, patients, orca, rejected, feed] = await Promise.all([
    store.db
      .selectFrom('gw_resource')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst(),
    store.db
      .selectFrom('gw_patient')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst(),
    store.db
      .selectFrom('gw_state')
      .select(['value', 'updated_at'])
      .where('name', '=', ORCA_LAST)
      .executeTakeFirst(),
    store.db
      .selectFrom('rp_intake')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('status', '=', 'rejected')
      .executeTakeFirst(),
    readCheckpoint(sourceStore(store).db),
  ]);
  return {
    counts: {
      resources: Number(resources?.n ?? 0),
      patients: Number(patients?.n ?? 0),
      rejectedIntakes: Number(rejected?.n ?? 0),
    },
    orca: orca ? { ...JSON.parse(orca.value), at: orca.updated_at } : null,
    feed: { position: feed.position, advancedAt: feed.advancedAt },
  };
}
