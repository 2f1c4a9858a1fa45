import { randomInt } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { agentOf, auditHub } from '../audit-record.js';
import { setPassword } from '../auth/credentials.js';
import { revokeSessions } from '../auth/session.js';
import { type HubDeps, HubError, type HubPrincipal, type HubRoutes, requirePrincipal } from '../http.js';
import { adminScopeOf, assertWhollyAdministered } from './user-access.js';

const tags = ['auth', 'admin'];
const params = z.object({ id: z.string().min(1).max(128) });

const notFound = () => new HubError(404, 'not-found', 'no such user / 利用者が見つかりません');

/**
 * The user an administrator may act on: anyone for the network office; for a facility administrator,
 * users of their own facility (never office staff). Anything else is the same 404 as an unknown id.
 */
async function targetUser(
  deps: HubDeps,
  request: FastifyRequest,
): Promise<{ principal: HubPrincipal; userId: string }> {
  const principal = requirePrincipal(request);
  const { id } = request.params as z.infer<typeof params>;
  return { principal, userId: await administeredUser(deps, principal, id) };
}

/**
 * The id of a user this administrator may take over (a credential reset, a card binding): anyone for
 * the network office; for a facility administrator, a user of their facility who belongs to no other
 * facility they do not administer, never office staff. Anything else: 403 for non-administrators,
 * else the same 404 as an unknown id.
 */
export async function administeredUser(deps: HubDeps, principal: HubPrincipal, id: string): Promise<string> {
  if (!principal.office && principal.facilityRole !== 'admin') {
    throw new HubError(403, 'forbidden', 'administrators only / 管理者のみ');
  }
  let query = deps.store.db
    .selectFrom('hub_user as u')
    .select(['u.id', 'u.profession'])
    .where('u.id', '=', id);
  if (!principal.office) {
    query = query
      .where('u.profession', '!=', 'office')
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('hub_membership as m')
            .select('m.user_id')
            .whereRef('m.user_id', '=', 'u.id')
            .where('m.facility_oid', '=', principal.facilityOid),
        ),
      );
  }
  const user = await query.executeTakeFirst();
  if (!user) throw notFound();
  // A password or TOTP reset is a takeover of the person at every facility they belong to.
  await assertWhollyAdministered(deps.store.db, user.id, adminScopeOf(principal), principal);
  return user.id;
}

/** A readable temporary password (no 0/O, 1/l/I): 4 groups of 4, letters and digits. */
function temporaryPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let group = '';
    for (let i = 0; i < 4; i++) group += alphabet[randomInt(alphabet.length)];
    groups.push(group);
  }
  // One digit for certain, so the password also meets the mix rule of the policy.
  return `${groups.join('-')}-${randomInt(10)}`;
}

/** Office and facility administrators: reset password, reset TOTP, unlock, end sessions. */
export const credentialAdminRoutes: HubRoutes = (app: FastifyInstance, deps: HubDeps): void => {
  const audit = (
    request: FastifyRequest,
    principal: HubPrincipal,
    action: string,
    userId: string,
    extra = {},
  ) =>
    auditHub(deps, [
      {
        type: 'admin',
        action: 'U',
        outcome: '0',
        agent: agentOf(principal, request.ip),
        entities: [`hub_user/${userId}`],
        detail: { action, userId, ...extra },
      },
    ]);

  app.post(
    '/admin/users/:id/reset-password',
    {
      schema: {
        tags,
        summary: 'Set a temporary password (shown once; must be changed at next login), unlock, end sessions',
        params,
      },
    },
    async (request) => {
      const { principal, userId } = await targetUser(deps, request);
      const now = deps.now();
      const temporary = temporaryPassword();
      await setPassword(deps.store, userId, temporary, { mustChange: true, now });
      await deps.store.db
        .updateTable('hub_credential')
        .set({ failed_count: 0, locked_until: null })
        .where('user_id', '=', userId)
        .execute();
      const revoked = await revokeSessions(deps, { userId });
      await audit(request, principal, 'reset-password', userId, { revoked: String(revoked) });
      return { temporaryPassword: temporary, mustChange: true, revokedSessions: revoked };
    },
  );

  app.post(
    '/admin/users/:id/reset-totp',
    {
      schema: {
        tags,
        summary: 'Forget the TOTP device: the next login enrols a new one; ends sessions',
        params,
      },
    },
    async (request) => {
      const { principal, userId } = await targetUser(deps, request);
      await deps.store.db
        .updateTable('hub_credential')
        .set({ totp_secret: null, totp_enrolled_at: null, totp_last_step: null })
        .where('user_id', '=', userId)
        .execute();
      await deps.store.db
        .updateTable('hub_login_pending')
        .set({ used_at: deps.now().toISOString() })
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .execute();
      const revoked = await revokeSessions(deps, { userId });
      await audit(request, principal, 'reset-totp', userId, { revoked: String(revoked) });
      return { reset: true, revokedSessions: revoked };
    },
  );

  app.post(
    '/admin/users/:id/unlock',
    { schema: { tags, summary: 'Lift a lockout after failed logins', params } },
    async (request) => {
      const { principal, userId } = await targetUser(deps, request);
      await deps.store.db
        .updateTable('hub_credential')
        .set({ failed_count: 0, locked_until: null })
        .where('user_id', '=', userId)
        .execute();
      await audit(request, principal, 'unlock', userId);
      return { unlocked: true };
    },
  );

  app.post(
    '/admin/users/:id/revoke-sessions',
    { schema: { tags, summary: 'End every session of the user at once', params } },
    async (request) => {
      const { principal, userId } = await targetUser(deps, request);
      const revoked = await revokeSessions(deps, { userId });
      await audit(request, principal, 'revoke-sessions', userId, { revoked: String(revoked) });
      return { revokedSessions: revoked };
    },
  );
};
