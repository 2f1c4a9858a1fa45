import type { HubDeps } from '../http.js';
import { viewerDenial } from '../policy/decide.js';
import { loadViewer } from '../policy/sql.js';

/**
 * What the user's screens may offer, decided by the same rules the routes apply: a menu item for
 * something the hub would refuse misleads (a clerk's patient search that can never find anyone, a
 * consent desk at a facility that has no patients to register).
 */
export interface SessionAbilities {
  /** The policy lets this user see records at all (viewing facility, a profession that sees something). */
  viewRecords: boolean;
  /** The facility has patients in the index: only they can be given a consent here (consent/registry.ts). */
  registerConsents: boolean;
}

export async function sessionAbilities(
  deps: Pick<HubDeps, 'store' | 'now'>,
  who: { userId: string; facilityOid: string },
): Promise<SessionAbilities> {
  const viewer = await loadViewer(deps.store, who, deps.now());
  const office = viewer.profession === 'office';
  const patient = office
    ? undefined
    : await deps.store.db
        .selectFrom('mpi_record')
        .select('local_id')
        .where('facility_oid', '=', who.facilityOid)
        .limit(1)
        .executeTakeFirst();
  return {
    viewRecords: viewerDenial(viewer, viewer.categories, 'TREAT') === null,
    registerConsents: patient !== undefined,
  };
}
