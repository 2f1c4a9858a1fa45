import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { agentOf, auditHub } from '../audit-record.js';
import { type HubDeps, HubError, type HubRoutes, requirePrincipal } from '../http.js';
import { sessionAbilities } from './abilities.js';
import { completeLogin, sessionUser } from './complete.js';
import { loadSubject, passwordMatches, recordFailure, setPassword } from './credentials.js';
import { type PasswordTotpOptions, passwordTotp } from './login.js';
import { hasParticipants, logoutStartToken } from './logout-handoff.js';
import type { CompleteLogin, LoginMethod } from './methods.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_PROBLEM_LABELS, passwordProblems } from './policy.js';
import { AttemptCounter } from './rate-limit.js';
import { activeSession, clearSessionCookie, revokeSessions } from './session.js';

const tags = ['auth'];

const passwordBody = z.object({
  current: z.string().min(1).max(1024),
  next: z
    .string()
    .min(1)
    .max(PASSWORD_MAX_LENGTH * 4),
});

/** GET /auth/session, logout, logout everywhere, password change. */
function sessionRoutes(app: FastifyInstance, deps: HubDeps): void {
  // Password-change attempts per user: a stolen session must not become a password oracle.
  const passwordAttempts = new AttemptCounter({ max: 10, windowSeconds: 10 * 60 });

  app.get(
    '/auth/session',
    { schema: { tags, summary: 'The current session: user, facility, CSRF token, expiry' } },
    async (request) => {
      const principal = requirePrincipal(request);
      const session = activeSession(request);
      const user = await sessionUser(deps.store, principal.userId);
      if (!session || !user) throw new HubError(401, 'not-authenticated', 'log in first');
      return {
        user,
        facility: session.facility,
        abilities: await sessionAbilities(deps, { userId: user.id, facilityOid: session.facility.oid }),
        csrfToken: session.csrfToken,
        idleExpiresAt: session.idleExpiresAt,
        expiresAt: session.expiresAt,
      };
    },
  );

  app.post(
    '/auth/logout',
    { schema: { tags, summary: 'Log out: ends this session and clears the cookie' } },
    async (request, reply) => {
      const principal = request.principal;
      // Signed in to other systems through the hub (SAML): the browser goes through their logouts next.
      let next: string | null = null;
      if (principal) {
        await revokeSessions(deps, { sessionId: principal.sessionId });
        await auditHub(deps, [
          {
            type: 'logout',
            action: 'E',
            outcome: '0',
            agent: agentOf(principal, request.ip),
            detail: { scope: 'this' },
          },
        ]);
        if (await hasParticipants(deps.store, principal.sessionId))
          next = `/saml/idp/logout?start=${await logoutStartToken(deps.store, principal.sessionId, deps.now())}`;
      }
      clearSessionCookie(deps, reply);
      return next ? reply.status(200).send({ next }) : reply.status(204).send();
    },
  );

  app.post(
    '/auth/logout-all',
    { schema: { tags, summary: 'Log out everywhere: ends every session of this user' } },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      const revoked = await revokeSessions(deps, { userId: principal.userId });
      await auditHub(deps, [
        {
          type: 'logout',
          action: 'E',
          outcome: '0',
          agent: agentOf(principal, request.ip),
          detail: { scope: 'all', revoked: String(revoked) },
        },
      ]);
      clearSessionCookie(deps, reply);
      return { revoked };
    },
  );

  app.post(
    '/auth/password',
    {
      schema: {
        tags,
        summary: 'Change my password (policy: 12+ characters, not the login ID, …); other sessions end',
        body: passwordBody,
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      const body = request.body as z.infer<typeof passwordBody>;
      const now = deps.now();
      const attempt = passwordAttempts.hit(principal.userId, now);
      if (!attempt.allowed) {
        reply.header('retry-after', String(attempt.retryAfterSeconds));
        throw new HubError(
          429,
          'rate-limited',
          'too many attempts; wait / しばらく待ってからお試しください',
          {
            retryAfterSeconds: attempt.retryAfterSeconds,
          },
        );
      }
      const subject = await loadSubject(deps.store, principal.loginId);
      const audit = (outcome: '0' | '4', reason?: string) =>
        auditHub(deps, [
          {
            type: 'login',
            action: 'U',
            outcome,
            ...(reason ? { outcomeDescription: reason } : {}),
            agent: agentOf(principal, request.ip),
            detail: { event: 'password-change', ...(reason ? { reason } : {}) },
          },
        ]);
      if (!(await passwordMatches(subject, body.current))) {
        await audit('4', 'bad-password');
        await recordFailure(deps.store, subject, now);
        throw new HubError(
          401,
          'invalid-credentials',
          'the current password is wrong / 現在のパスワードが違います',
        );
      }
      const problems = passwordProblems(body.next, { loginId: principal.loginId, current: body.current });
      if (problems.length > 0) {
        await audit('4', 'weak-password');
        throw new HubError(
          400,
          'weak-password',
          'the new password does not meet the policy / 条件を満たしていません',
          {
            problems: problems.map((code) => ({ code, ...PASSWORD_PROBLEM_LABELS[code] })),
          },
        );
      }
      await setPassword(deps.store, principal.userId, body.next, { mustChange: false, now });
      const revoked = await revokeSessions(deps, { userId: principal.userId, keep: principal.sessionId });
      await audit('0');
      return { passwordChangedAt: now.toISOString(), revokedSessions: revoked };
    },
  );
}

export interface AuthRoutesOptions {
  /** Login methods; default: password + TOTP. HPKI and SAML will be added here (methods.ts). */
  methods?: readonly LoginMethod[];
  /** Options of the default password + TOTP method (issuer label, rate limits). */
  passwordTotp?: Partial<PasswordTotpOptions>;
}

/** All auth routes: the login methods and the session routes (administrators' account actions: directory/credential-admin.ts). */
export function createAuthRoutes(options: AuthRoutesOptions = {}): HubRoutes {
  return async (app, deps) => {
    const methods = options.methods ?? [passwordTotp(options.passwordTotp)];
    const complete: CompleteLogin = (request, reply, who) => completeLogin(deps, request, reply, who);
    for (const method of methods) await method.register(app, deps, complete);
    sessionRoutes(app, deps);
  };
}

export const authRoutes: HubRoutes = createAuthRoutes();
