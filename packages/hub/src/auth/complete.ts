import { isProfession, type Profession } from '@hie/contract';
import type { Store } from '@hie/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { auditHub } from '../audit-record.js';
import { type HubDeps, HubError } from '../http.js';
import type { Schema } from '../store/schema.js';
import { type SessionAbilities, sessionAbilities } from './abilities.js';
import { clearFailures } from './credentials.js';
import { startSession } from './session.js';

export interface FacilityChoice {
  oid: string;
  name: string;
  role: 'member' | 'admin';
}

/** The active facilities a user may act for. */
export async function activeMemberships(store: Store<Schema>, userId: string): Promise<FacilityChoice[]> {
  const rows = await store.db
    .selectFrom('hub_membership as m')
    .innerJoin('hub_facility as f', 'f.oid', 'm.facility_oid')
    .select(['f.oid', 'f.name', 'm.role'])
    .where('m.user_id', '=', userId)
    .where('f.status', '=', 'active')
    .orderBy('f.oid')
    .execute();
  return rows.map((r) => ({ oid: r.oid, name: r.name, role: r.role === 'admin' ? 'admin' : 'member' }));
}

export interface SessionUser {
  id: string;
  loginId: string;
  name: string;
  profession: Profession;
  office: boolean;
  mustChangePassword: boolean;
}

/** What a completed login (and `GET /auth/session`) answers. */
export interface LoginResult {
  user: SessionUser;
  facility: FacilityChoice;
  /** What the screens may offer this user here (abilities.ts). */
  abilities: SessionAbilities;
  csrfToken: string;
  idleExpiresAt: string;
  expiresAt: string;
}

export async function sessionUser(store: Store<Schema>, userId: string): Promise<SessionUser | null> {
  const row = await store.db
    .selectFrom('hub_user as u')
    .innerJoin('hub_credential as c', 'c.user_id', 'u.id')
    .select(['u.id', 'u.login_id', 'u.name', 'u.profession', 'u.status', 'c.must_change'])
    .where('u.id', '=', userId)
    .executeTakeFirst();
  if (!row) return null;
  if (row.status !== 'active' || !isProfession(row.profession)) return null;
  return {
    id: row.id,
    loginId: row.login_id,
    name: row.name,
    profession: row.profession,
    office: row.profession === 'office',
    mustChangePassword: Number(row.must_change) === 1,
  };
}

export const accountInactive = () =>
  new HubError(
    403,
    'account-inactive',
    'this account or facility cannot log in / このIDではログインできません',
  );

/**
 * The last step of every login method (see methods.ts): user and facility still active, then a new
 * session, the failure count reset, and the audit record.
 */
export async function completeLogin(
  deps: HubDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  who: { userId: string; facilityOid: string; method: string; detail?: Record<string, string> },
): Promise<LoginResult> {
  const user = await sessionUser(deps.store, who.userId);
  const facility = (await activeMemberships(deps.store, who.userId)).find((f) => f.oid === who.facilityOid);
  if (!user || !facility) {
    await auditHub(deps, [
      {
        type: 'login',
        action: 'E',
        outcome: '4',
        outcomeDescription: 'account-inactive',
        agent: { userId: who.userId, facilityOid: who.facilityOid, address: request.ip },
        detail: { method: who.method, reason: 'account-inactive' },
      },
    ]);
    throw accountInactive();
  }
  await clearFailures(deps.store, user.id);
  const session = await startSession(deps, request, reply, {
    userId: user.id,
    facilityOid: facility.oid,
  });
  await auditHub(deps, [
    {
      type: 'login',
      action: 'E',
      outcome: '0',
      agent: {
        userId: user.id,
        name: user.name,
        profession: user.profession,
        facilityOid: facility.oid,
        address: request.ip,
      },
      detail: { ...who.detail, method: who.method },
    },
  ]);
  const abilities = await sessionAbilities(deps, { userId: user.id, facilityOid: facility.oid });
  return { user, facility, abilities, ...session };
}
