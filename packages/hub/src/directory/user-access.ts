import { isProfession, PROFESSIONS, type Profession } from '@hie/contract';
import type { Kysely } from 'kysely';
import { HubError } from '../http.js';
import type { Schema } from '../store/schema.js';
import type { Actor } from './common.js';
import type { User } from './users.js';

/**
 * Whose users an administrator manages: the network office all of them; a facility administrator
 * (membership role admin, acting for that facility) the users with a membership there.
 */
export type AdminScope = { office: true } | { office: false; facilityOid: string };
export const SYSTEM_SCOPE: AdminScope = { office: true };

export function adminScopeOf(actor: Actor): AdminScope {
  if (!actor || actor.office) return SYSTEM_SCOPE;
  if (actor.facilityRole === 'admin') return { office: false, facilityOid: actor.facilityOid };
  throw new HubError(403, 'office-only', 'only the network office or a facility administrator may do this');
}

export const userNotFound = () => new HubError(404, 'not-found', 'no such user / 利用者が見つかりません');

/** What a scope may see of a user: null when the user is outside it (answer 404, as for an unknown id). */
export function userInScope(user: User | null, scope: AdminScope): User | null {
  if (!user || scope.office) return user;
  const own = user.memberships.filter((m) => m.facilityOid === scope.facilityOid);
  return own.length > 0 ? { ...user, memberships: own } : null;
}

export function checkProfession(profession: string, scope: AdminScope): Profession {
  if (!isProfession(profession)) {
    throw new HubError(400, 'unknown-profession', `unknown profession '${profession}'`, {
      known: Object.keys(PROFESSIONS),
    });
  }
  if (profession === 'office' && !scope.office) {
    throw new HubError(403, 'office-only', 'only the network office may register network office staff');
  }
  return profession;
}

/** A facility administrator may only grant memberships of the facility they administer. */
export function checkMembershipScope(
  memberships: readonly { facilityOid: string }[],
  scope: AdminScope,
): void {
  if (scope.office) return;
  const foreign = memberships.find((m) => m.facilityOid !== scope.facilityOid);
  if (foreign) {
    throw new HubError(
      403,
      'own-facility-only',
      `a facility administrator manages memberships of ${scope.facilityOid} only`,
    );
  }
}

export async function assertFacilitiesExist(db: Kysely<Schema>, oids: readonly string[]): Promise<void> {
  if (oids.length === 0) return;
  const found = await db.selectFrom('hub_facility').select('oid').where('oid', 'in', oids).execute();
  const missing = oids.filter((oid) => !found.some((f) => f.oid === oid));
  if (missing.length > 0) {
    throw new HubError(
      400,
      'unknown-facility',
      `no facility ${missing.join(', ')} / 施設が登録されていません`,
      { missing },
    );
  }
}

export const duplicateLoginId = (loginId: string) =>
  new HubError(409, 'duplicate-login-id', `login ID ${loginId} is taken / このログインIDは使用されています`);
