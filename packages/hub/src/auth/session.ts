import { timingSafeEqual } from 'node:crypto';
import { isProfession } from '@hie/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type HubDeps, HubError, type HubPrincipal, type HubRoutes } from '../http.js';
import { randomToken, sha256Hex } from './credentials.js';

/** The session cookie: a random 32-byte token; the store keeps only its SHA-256. */
export const SESSION_COOKIE = 'hie_session';
export const CSRF_HEADER = 'x-csrf-token';

/** Routes that start a login: they run before any session exists, so no CSRF token is asked. */
const LOGIN_STARTERS = new Set([
  '/api/v1/auth/login',
  '/api/v1/auth/totp/enrol',
  '/api/v1/auth/totp',
  '/api/v1/auth/hpki/login',
]);
/** Where a user who must change the password may still go. */
const AUTH_PREFIX = '/api/v1/auth/';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** last_seen_at is written at most this often: a sliding idle timeout without a write per request. */
const TOUCH_EVERY_MS = 10_000;

/** The session behind a request, for the auth routes (`GET /auth/session`, logout, password). */
export interface ActiveSession {
  id: string;
  userId: string;
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
  idleExpiresAt: string;
  mustChange: boolean;
  facility: { oid: string; name: string; role: 'member' | 'admin' };
}

const sessions = new WeakMap<FastifyRequest, ActiveSession>();

export const activeSession = (request: FastifyRequest): ActiveSession | undefined => sessions.get(request);

const pathOf = (request: FastifyRequest): string => request.url.split('?')[0] ?? request.url;

const sameToken = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

const idleEnd = (lastSeen: Date, deps: HubDeps): Date =>
  new Date(lastSeen.getTime() + deps.settings.sessionIdleSeconds * 1000);

/**
 * Finds the live session of a token: not revoked, neither idle nor past its absolute end, its user,
 * membership and facility all still active. Everything is checked on every request, so suspending a
 * user or a facility ends their sessions at once.
 */
async function liveSession(
  deps: HubDeps,
  token: string,
  now: Date,
): Promise<{ principal: HubPrincipal; session: ActiveSession } | null> {
  const row = await deps.store.db
    .selectFrom('hub_session as s')
    .innerJoin('hub_user as u', 'u.id', 's.user_id')
    .innerJoin('hub_membership as m', (join) =>
      join.onRef('m.user_id', '=', 's.user_id').onRef('m.facility_oid', '=', 's.facility_oid'),
    )
    .innerJoin('hub_facility as f', 'f.oid', 's.facility_oid')
    .innerJoin('hub_credential as c', 'c.user_id', 's.user_id')
    .select([
      's.id',
      's.user_id',
      's.facility_oid',
      's.csrf_token',
      's.created_at',
      's.last_seen_at',
      's.expires_at',
      's.revoked_at',
      'u.login_id',
      'u.name',
      'u.profession',
      'u.status as user_status',
      'm.role',
      'f.name as facility_name',
      'f.status as facility_status',
      'c.must_change',
    ])
    .where('s.id', '=', sha256Hex(token))
    .executeTakeFirst();
  if (!row || row.revoked_at !== null) return null;
  if (row.user_status !== 'active' || row.facility_status !== 'active') return null;
  if (!isProfession(row.profession)) return null;
  const at = now.getTime();
  if (new Date(row.expires_at).getTime() <= at) return null;
  let lastSeen = new Date(row.last_seen_at);
  if (idleEnd(lastSeen, deps).getTime() <= at) return null;
  if (at - lastSeen.getTime() >= TOUCH_EVERY_MS) {
    lastSeen = now;
    await deps.store.db
      .updateTable('hub_session')
      .set({ last_seen_at: now.toISOString() })
      .where('id', '=', row.id)
      .execute();
  }
  const role = row.role === 'admin' ? 'admin' : 'member';
  return {
    principal: {
      userId: row.user_id,
      loginId: row.login_id,
      name: row.name,
      profession: row.profession,
      facilityOid: row.facility_oid,
      facilityRole: role,
      office: row.profession === 'office',
      sessionId: row.id,
    },
    session: {
      id: row.id,
      userId: row.user_id,
      csrfToken: row.csrf_token,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      idleExpiresAt: new Date(
        Math.min(idleEnd(lastSeen, deps).getTime(), new Date(row.expires_at).getTime()),
      ).toISOString(),
      mustChange: Number(row.must_change) === 1,
      facility: { oid: row.facility_oid, name: row.facility_name, role },
    },
  };
}

/**
 * The production `identify` hook: the principal from the `hie_session` cookie, then CSRF (an unsafe
 * method with a session must echo the session's token in `x-csrf-token`), then the forced password
 * change (only `/auth/…` is reachable until it is done).
 */
export const sessionIdentify: HubRoutes = (app, deps) => {
  app.addHook('onRequest', async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const live = await liveSession(deps, token, deps.now());
    if (!live) return;
    const path = pathOf(request);
    if (!SAFE_METHODS.has(request.method) && !LOGIN_STARTERS.has(path)) {
      const header = request.headers[CSRF_HEADER];
      if (typeof header !== 'string' || !sameToken(header, live.session.csrfToken)) {
        throw new HubError(403, 'csrf', 'missing or wrong x-csrf-token / CSRFトークンがありません');
      }
    }
    if (live.session.mustChange && !path.startsWith(AUTH_PREFIX)) {
      throw new HubError(
        403,
        'password-change-required',
        'change your password first / パスワードを変更してください',
      );
    }
    request.principal = live.principal;
    sessions.set(request, live.session);
  });
};

export interface StartedSession {
  csrfToken: string;
  expiresAt: string;
  idleExpiresAt: string;
}

export function cookieOptions(deps: HubDeps) {
  return {
    httpOnly: true,
    sameSite: 'strict' as const,
    path: '/',
    secure: deps.settings.secureCookies !== false,
  };
}

/**
 * Opens a session after a completed login (any LoginMethod) and sets the cookie. The browser's
 * previous session, if it sent one, is revoked: the session id is always new at login.
 */
export async function startSession(
  deps: HubDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  who: { userId: string; facilityOid: string },
): Promise<StartedSession> {
  const now = deps.now();
  const previous = request.cookies[SESSION_COOKIE];
  if (previous) {
    await deps.store.db
      .updateTable('hub_session')
      .set({ revoked_at: now.toISOString() })
      .where('id', '=', sha256Hex(previous))
      .where('revoked_at', 'is', null)
      .execute();
  }
  const token = randomToken();
  const csrfToken = randomToken();
  const expiresAt = new Date(now.getTime() + deps.settings.sessionAbsoluteSeconds * 1000);
  const idleExpiresAt = new Date(Math.min(idleEnd(now, deps).getTime(), expiresAt.getTime()));
  const userAgent = request.headers['user-agent'];
  await deps.store.db
    .insertInto('hub_session')
    .values({
      id: sha256Hex(token),
      user_id: who.userId,
      facility_oid: who.facilityOid,
      csrf_token: csrfToken,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: expiresAt.toISOString(),
      ip: request.ip ?? null,
      user_agent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null,
      revoked_at: null,
    })
    .execute();
  reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions(deps), expires: expiresAt });
  return { csrfToken, expiresAt: expiresAt.toISOString(), idleExpiresAt: idleExpiresAt.toISOString() };
}

export const clearSessionCookie = (deps: HubDeps, reply: FastifyReply): void => {
  reply.clearCookie(SESSION_COOKIE, cookieOptions(deps));
};

/** Revokes sessions: one by id, or every session of a user (except `keep`). Returns how many. */
export async function revokeSessions(
  deps: Pick<HubDeps, 'store' | 'now'>,
  target: { sessionId: string } | { userId: string; keep?: string },
): Promise<number> {
  let query = deps.store.db
    .updateTable('hub_session')
    .set({ revoked_at: deps.now().toISOString() })
    .where('revoked_at', 'is', null);
  if ('sessionId' in target) query = query.where('id', '=', target.sessionId);
  else {
    query = query.where('user_id', '=', target.userId);
    if (target.keep) query = query.where('id', '!=', target.keep);
  }
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
