import {
  FACILITY_TYPES,
  type FacilityType,
  isFacilityType,
  isProfession,
  PROFESSIONS,
  type Profession,
  professionFitsFacility,
} from '@hie/contract';
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

/**
 * A profession a facility administrator may register at their facility: one that fits its kind
 * (a care manager office cannot create a doctor). The network office may register any.
 */
export async function checkProfessionForFacility(
  db: Kysely<Schema>,
  profession: Profession,
  scope: AdminScope,
): Promise<void> {
  if (scope.office) return;
  const facility = await db
    .selectFrom('hub_facility')
    .select('type')
    .where('oid', '=', scope.facilityOid)
    .executeTakeFirst();
  const type: FacilityType = facility && isFacilityType(facility.type) ? facility.type : 'other';
  if (!professionFitsFacility(profession, type)) {
    throw new HubError(
      403,
      'profession-not-for-facility',
      `${FACILITY_TYPES[type].ja}の管理者は${PROFESSIONS[profession].ja}を登録できません（ネットワーク事務局に依頼してください）/ ` +
        `a ${FACILITY_TYPES[type].en.toLowerCase()} administrator cannot register a ${PROFESSIONS[profession].en.toLowerCase()}: ask the network office`,
      { profession, facilityType: type },
    );
  }
}

/** A profession is a licensed fact: only the network office changes one. */
export function checkProfessionChange(scope: AdminScope): void {
  if (!scope.office) {
    throw new HubError(
      403,
      'office-only',
      '職種の変更はネットワーク事務局のみが行えます / only the network office changes a profession',
    );
  }
}

/**
 * Credentials, status and memberships belong to the person, whichever facility they log in for: a
 * facility administrator may change them only for a user whose every membership is at a facility they
 * administer themselves. A user shared with another facility is the network office's (or an admin of
 * every one of those facilities).
 */
export async function assertWhollyAdministered(
  db: Kysely<Schema>,
  userId: string,
  scope: AdminScope,
  actor: Actor,
): Promise<void> {
  if (scope.office) return;
  const [theirs, administered] = await Promise.all([
    db.selectFrom('hub_membership').select('facility_oid').where('user_id', '=', userId).execute(),
    actor
      ? db
          .selectFrom('hub_membership')
          .select('facility_oid')
          .where('user_id', '=', actor.userId)
          .where('role', '=', 'admin')
          .execute()
      : Promise.resolve([]),
  ]);
  const mine = new Set(administered.map((m) => m.facility_oid));
  const elsewhere = theirs.map((m) => m.facility_oid).filter((oid) => !mine.has(oid));
  if (elsewhere.length > 0) {
    throw new HubError(
      403,
      'shared-user',
      'この利用者は他の施設にも所属しています。パスワード・状態・所属の変更はネットワーク事務局に依頼してください / ' +
        'this user also belongs to another facility: only the network office (or an administrator of every one of their facilities) may change their credentials, status or memberships',
      { facilities: elsewhere },
    );
  }
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
