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
  /**
   * The facility publishes through the network's repository (its record server is a tenant there): its
   * staff register patients and enter records by hand (entries/routes.ts refuses everyone else).
   */
  enterRecords: boolean;
}

/** A record server URL that is a tenant of the network's repository (`<repository>/t/<OID>`). */
export function isRepositoryTenant(
  deps: Pick<HubDeps, 'settings'>,
  gatewayUrl: string | null | undefined,
): boolean {
  const repository = deps.settings.repository?.url.replace(/\/+$/, '');
  return repository !== undefined && !!gatewayUrl && gatewayUrl.startsWith(`${repository}/t/`);
}

export async function sessionAbilities(
  deps: Pick<HubDeps, 'store' | 'now' | 'settings'>,
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
  const facility = office
    ? undefined
    : await deps.store.db
        .selectFrom('hub_facility')
        .select('gateway_url')
        .where('oid', '=', who.facilityOid)
        .executeTakeFirst();
  return {
    viewRecords: viewerDenial(viewer, viewer.categories, 'TREAT') === null,
    registerConsents: patient !== undefined,
    enterRecords: isRepositoryTenant(deps, facility?.gateway_url),
  };
}
