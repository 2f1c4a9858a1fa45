import { randomBytes, randomUUID } from 'node:crypto';
import { OID_PATTERN, PROFESSIONS, type Profession } from '@hie/contract';
import type { Store } from '@hie/platform';
import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import { hashPassword } from '../auth/password.js';
import { type HubDeps, HubError } from '../http.js';
import type { HubUserTable } from '../store/directory-tables.js';
import type { Schema } from '../store/schema.js';
import {
  type Actor,
  auditAdmin,
  changedFields,
  containsText,
  isUniqueViolation,
  parseInput,
} from './common.js';
import {
  type AdminScope,
  adminScopeOf,
  assertFacilitiesExist,
  assertWhollyAdministered,
  checkMembershipScope,
  checkProfession,
  checkProfessionChange,
  checkProfessionForFacility,
  duplicateLoginId,
  userInScope,
  userNotFound,
} from './user-access.js';

export { type AdminScope, adminScopeOf, userInScope, userNotFound } from './user-access.js';

export const USER_STATUSES = {
  active: { ja: '有効', en: 'Active' },
  suspended: { ja: '停止中', en: 'Suspended' },
  retired: { ja: '退職', en: 'Retired' },
} as const;
export type UserStatus = keyof typeof USER_STATUSES;

export const MEMBERSHIP_ROLES = {
  member: { ja: '一般', en: 'Member' },
  admin: { ja: '施設管理者', en: 'Facility administrator' },
} as const;
export type MembershipRole = keyof typeof MEMBERSHIP_ROLES;

export interface Membership {
  facilityOid: string;
  facilityName: string | null;
  role: MembershipRole;
}

/** A user as the API answers it (never a credential). */
export interface User {
  id: string;
  loginId: string;
  name: string;
  nameKana: string | null;
  profession: Profession;
  professionLabel: { ja: string; en: string };
  email: string | null;
  status: UserStatus;
  memberships: Membership[];
  createdAt: string;
  updatedAt: string;
}

/** Login IDs are case-insensitive: stored lower-case. */
export const loginIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$/, '3–64 letters, digits, . _ @ -')
  .transform((s) => s.toLowerCase());

export const membershipSchema = z.strictObject({
  facilityOid: z.string().max(200).regex(OID_PATTERN),
  role: z.enum(['member', 'admin']).default('member'),
});
const membershipList = z
  .array(membershipSchema)
  .max(50)
  .refine((list) => new Set(list.map((m) => m.facilityOid)).size === list.length, 'a facility appears twice');

const userFields = {
  name: z.string().trim().min(1).max(100),
  nameKana: z.string().trim().max(100).nullable().optional(),
  /** Checked by hand so an unknown one is `unknown-profession`. */
  profession: z.string().min(1).max(40),
  email: z.email().max(254).nullable().optional(),
  status: z.enum(['active', 'suspended', 'retired']).optional(),
};

export const userCreateSchema = z.strictObject({
  loginId: loginIdSchema,
  ...userFields,
  /** Initial password (≥ 12 characters); generated and returned once when absent. */
  password: z.string().min(12).max(256).optional(),
  memberships: membershipList.min(1),
});
export type UserInput = z.input<typeof userCreateSchema>;

export const userPatchSchema = z.strictObject({
  ...userFields,
  name: userFields.name.optional(),
  profession: userFields.profession.optional(),
});
export type UserPatch = z.input<typeof userPatchSchema>;

export const membershipsBodySchema = z.strictObject({ memberships: membershipList });
export type MembershipInput = z.input<typeof membershipSchema>;

export async function getUser(store: Store<Schema>, id: string): Promise<User | null> {
  const row = await store.db.selectFrom('hub_user').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  const [user] = await withMemberships(store.db, [row]);
  return user ?? null;
}

export async function findUserByLoginId(store: Store<Schema>, loginId: string): Promise<User | null> {
  const row = await store.db
    .selectFrom('hub_user')
    .selectAll()
    .where('login_id', '=', loginId.trim().toLowerCase())
    .executeTakeFirst();
  if (!row) return null;
  const [user] = await withMemberships(store.db, [row]);
  return user ?? null;
}

export interface UserFilter {
  q?: string;
  profession?: string;
  status?: string;
  facilityOid?: string;
  limit: number;
  offset: number;
}

export async function listUsers(
  store: Store<Schema>,
  scope: AdminScope,
  filter: UserFilter,
): Promise<{ total: number; users: User[] }> {
  let query = store.db.selectFrom('hub_user');
  const facilities = [scope.office ? undefined : scope.facilityOid, filter.facilityOid].filter(
    (f) => f !== undefined,
  );
  for (const facilityOid of facilities) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('hub_membership')
          .select('hub_membership.user_id')
          .whereRef('hub_membership.user_id', '=', 'hub_user.id')
          .where('hub_membership.facility_oid', '=', facilityOid),
      ),
    );
  }
  if (filter.q) {
    const q = filter.q;
    query = query.where((eb) =>
      eb.or([
        containsText('login_id', q.toLowerCase()),
        containsText('name', q),
        containsText('name_kana', q),
      ]),
    );
  }
  if (filter.profession) query = query.where('profession', '=', filter.profession);
  if (filter.status) query = query.where('status', '=', filter.status);
  const { total } = await query
    .select((eb) => eb.fn.countAll<number | string>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .selectAll()
    .orderBy('login_id')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  const users = await withMemberships(store.db, rows);
  return { total: Number(total), users: users.map((u) => userInScope(u, scope)!) };
}

/** Attaches memberships (with facility names) to user rows, one query for the page. */
export async function withMemberships(db: Kysely<Schema>, rows: Selectable<HubUserTable>[]): Promise<User[]> {
  if (rows.length === 0) return [];
  const memberships = await db
    .selectFrom('hub_membership')
    .leftJoin('hub_facility', 'hub_facility.oid', 'hub_membership.facility_oid')
    .select([
      'hub_membership.user_id',
      'hub_membership.facility_oid',
      'hub_membership.role',
      'hub_facility.name',
    ])
    .where(
      'hub_membership.user_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('hub_membership.facility_oid')
    .execute();
  return rows.map((row) => {
    const profession = row.profession as Profession;
    return {
      id: row.id,
      loginId: row.login_id,
      name: row.name,
      nameKana: row.name_kana,
      profession,
      professionLabel: {
        ja: PROFESSIONS[profession]?.ja ?? row.profession,
        en: PROFESSIONS[profession]?.en ?? row.profession,
      },
      email: row.email,
      status: row.status as UserStatus,
      memberships: memberships
        .filter((m) => m.user_id === row.id)
        .map((m) => ({ facilityOid: m.facility_oid, facilityName: m.name, role: m.role as MembershipRole })),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  });
}

/** A temporary password for a new account (the user must change it at first login). */
export const generatePassword = () => randomBytes(12).toString('base64url');

/** The rows a new user becomes (hub_user, hub_membership, hub_credential with must_change 1). */
export function newUserRows(
  input: z.output<typeof userCreateSchema>,
  profession: Profession,
  passwordHash: string,
  stamp: string,
) {
  const id = randomUUID();
  return {
    user: {
      id,
      login_id: input.loginId,
      name: input.name,
      name_kana: input.nameKana ?? null,
      profession,
      email: input.email ?? null,
      status: input.status ?? 'active',
      created_at: stamp,
      updated_at: stamp,
    },
    memberships: input.memberships.map((m) => ({
      user_id: id,
      facility_oid: m.facilityOid,
      role: m.role,
      created_at: stamp,
    })),
    credential: {
      user_id: id,
      password_hash: passwordHash,
      password_changed_at: stamp,
      must_change: 1,
      totp_secret: null,
      totp_enrolled_at: null,
      totp_last_step: null,
      failed_count: 0,
      locked_until: null,
    },
  };
}

export async function insertUserRows(
  db: Kysely<Schema>,
  rows: ReturnType<typeof newUserRows>,
): Promise<void> {
  await db.insertInto('hub_user').values(rows.user).execute();
  if (rows.memberships.length > 0) await db.insertInto('hub_membership').values(rows.memberships).execute();
  await db.insertInto('hub_credential').values(rows.credential).execute();
}

/**
 * Registers a user with memberships and an initial password (argon2id; must be changed at first
 * login). Returns the generated password once when none was given. Audited 'admin'.
 */
export async function createUser(
  deps: Pick<HubDeps, 'store' | 'now'>,
  input: UserInput,
  actor?: Actor,
): Promise<{ user: User; initialPassword?: string }> {
  const scope = adminScopeOf(actor);
  const parsed = parseInput(userCreateSchema, input);
  const profession = checkProfession(parsed.profession, scope);
  checkMembershipScope(parsed.memberships, scope);
  await checkProfessionForFacility(deps.store.db, profession, scope);
  await assertFacilitiesExist(
    deps.store.db,
    parsed.memberships.map((m) => m.facilityOid),
  );
  const taken = await deps.store.db
    .selectFrom('hub_user')
    .select('id')
    .where('login_id', '=', parsed.loginId)
    .executeTakeFirst();
  if (taken) throw duplicateLoginId(parsed.loginId);
  const generated = parsed.password === undefined ? generatePassword() : undefined;
  const rows = newUserRows(
    parsed,
    profession,
    await hashPassword(parsed.password ?? generated!),
    deps.now().toISOString(),
  );
  try {
    await deps.store.db.transaction().execute((trx) => insertUserRows(trx, rows));
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateLoginId(parsed.loginId);
    throw error;
  }
  const user = userInScope((await getUser(deps.store, rows.user.id))!, scope)!;
  const { id: _id, created_at: _c, updated_at: _u, ...created } = rows.user;
  await auditAdmin(deps, actor, [
    {
      action: 'C',
      operation: 'user-create',
      entity: `Practitioner/${rows.user.id}`,
      changes: { ...created, memberships: parsed.memberships },
    },
  ]);
  return generated === undefined ? { user } : { user, initialPassword: generated };
}

/** Loads a user the actor may administer, else 404 (an id outside the scope looks unknown). */
async function userForAdmin(store: Store<Schema>, id: string, scope: AdminScope) {
  const row = await store.db.selectFrom('hub_user').selectAll().where('id', '=', id).executeTakeFirst();
  const [user] = row ? await withMemberships(store.db, [row]) : [];
  if (!row || !user || !userInScope(user, scope)) throw userNotFound();
  if (!scope.office && row.profession === 'office') {
    throw new HubError(403, 'office-only', 'network office staff are managed by the network office');
  }
  return { row, user };
}

/** Changes a user's names, profession, e-mail or status. Audited with the changed fields. */
export async function updateUser(
  deps: Pick<HubDeps, 'store' | 'now'>,
  id: string,
  patch: UserPatch,
  actor?: Actor,
): Promise<User> {
  const scope = adminScopeOf(actor);
  const parsed = parseInput(userPatchSchema, patch);
  const { row } = await userForAdmin(deps.store, id, scope);
  if (parsed.profession !== undefined) checkProfession(parsed.profession, scope);
  if (parsed.profession !== undefined && parsed.profession !== row.profession) checkProfessionChange(scope);
  const changes = changedFields(row, {
    name: parsed.name,
    name_kana: parsed.nameKana,
    profession: parsed.profession,
    email: parsed.email,
    status: parsed.status,
  });
  if (
    actor?.userId === id &&
    (changes.profession !== undefined || (changes.status ?? 'active') !== 'active')
  ) {
    throw new HubError(409, 'self-lockout', 'you cannot change your own profession or suspend yourself');
  }
  if (Object.keys(changes).length > 0) {
    await assertWhollyAdministered(deps.store.db, id, scope, actor);
    await deps.store.db
      .updateTable('hub_user')
      .set({ ...changes, updated_at: deps.now().toISOString() })
      .where('id', '=', id)
      .execute();
    await auditAdmin(deps, actor, [
      { action: 'U', operation: 'user-update', entity: `Practitioner/${id}`, changes },
    ]);
  }
  return userInScope(await getUser(deps.store, id), scope)!;
}

/**
 * Replaces a user's memberships. The office replaces all of them; a facility administrator only the
 * membership of their own facility (others are left as they are, and stay invisible to them).
 */
export async function setMemberships(
  deps: Pick<HubDeps, 'store' | 'now'>,
  id: string,
  memberships: readonly MembershipInput[],
  actor?: Actor,
): Promise<User> {
  const scope = adminScopeOf(actor);
  const parsed = parseInput(membershipsBodySchema, { memberships });
  const { user } = await userForAdmin(deps.store, id, scope);
  checkMembershipScope(parsed.memberships, scope);
  await assertWhollyAdministered(deps.store.db, id, scope, actor);
  if (!scope.office && actor?.userId === id) {
    throw new HubError(409, 'self-lockout', 'ask the network office to change your own memberships');
  }
  await assertFacilitiesExist(
    deps.store.db,
    parsed.memberships.map((m) => m.facilityOid),
  );
  const stamp = deps.now().toISOString();
  await deps.store.db.transaction().execute(async (trx) => {
    let remove = trx.deleteFrom('hub_membership').where('user_id', '=', id);
    if (!scope.office) remove = remove.where('facility_oid', '=', scope.facilityOid);
    await remove.execute();
    if (parsed.memberships.length > 0) {
      await trx
        .insertInto('hub_membership')
        .values(
          parsed.memberships.map((m) => ({
            user_id: id,
            facility_oid: m.facilityOid,
            role: m.role,
            created_at: stamp,
          })),
        )
        .execute();
    }
    await trx.updateTable('hub_user').set({ updated_at: stamp }).where('id', '=', id).execute();
  });
  const before = userInScope(user, scope)!.memberships.map(({ facilityOid, role }) => ({
    facilityOid,
    role,
  }));
  await auditAdmin(deps, actor, [
    {
      action: 'U',
      operation: 'user-memberships',
      entity: `Practitioner/${id}`,
      changes: { before, after: parsed.memberships },
    },
  ]);
  return userInScope(await getUser(deps.store, id), scope) ?? { ...user, memberships: [] };
}
