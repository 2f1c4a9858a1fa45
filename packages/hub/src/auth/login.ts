import type { FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { z } from 'zod';
import { auditHub } from '../audit-record.js';
import { type HubDeps, HubError } from '../http.js';
import { accountInactive, activeMemberships, type FacilityChoice } from './complete.js';
import {
  checkTotp,
  isLocked,
  LOCK_SECONDS,
  type LoginSubject,
  loadSubject,
  newTotpSecret,
  normaliseLoginId,
  passwordMatches,
  randomToken,
  recordFailure,
  sha256Hex,
  totpUri,
} from './credentials.js';
import type { LoginMethod } from './methods.js';
import { AttemptCounter, type RateDecision, type RateLimit } from './rate-limit.js';

export const PASSWORD_TOTP = 'password-totp';

export interface PasswordTotpOptions {
  /** The issuer shown in authenticator apps (otpauth URI). */
  totpIssuer: string;
  /**
   * Failed login attempts per client IP. Past it, a failing attempt answers 429; a right password is
   * never refused by it, so an attacker behind a facility's NAT cannot lock the facility out (issue 10).
   */
  perIp: RateLimit;
  /** Every login attempt per client IP (password and code steps): a ceiling on the hashing work. */
  perIpCeiling: RateLimit;
  /** Login attempts per login id, whoever sends them. */
  perLoginId: RateLimit;
  /** Lifetime of the token between the password and the code step. */
  pendingSeconds: number;
}

export const DEFAULT_PASSWORD_TOTP_OPTIONS: PasswordTotpOptions = {
  totpIssuer: '晴れやかネット',
  perIp: { max: 30, windowSeconds: 10 * 60 },
  perIpCeiling: { max: 600, windowSeconds: 10 * 60 },
  perLoginId: { max: 10, windowSeconds: 10 * 60 },
  pendingSeconds: 5 * 60,
};

const tags = ['auth'];

const loginBody = z.object({
  loginId: z.string().min(1).max(256),
  password: z.string().min(1).max(1024),
  facilityOid: z.string().min(1).max(256).optional(),
});
const pendingBody = z.object({ pending: z.string().min(1).max(128) });
const codeBody = z.object({ pending: z.string().min(1).max(128), code: z.string().min(1).max(16) });

type Failure = { reason: string; subject?: LoginSubject; userId?: string };

/** Audits a refused step; unknown ids are recorded by the id typed, never with a password. */
async function auditRefusal(deps: HubDeps, request: FastifyRequest, step: string, failure: Failure) {
  const user = failure.subject?.user;
  const userId = user?.id ?? failure.userId;
  await auditHub(deps, [
    {
      type: 'login',
      action: 'E',
      outcome: '4',
      outcomeDescription: failure.reason,
      ...(userId
        ? {
            agent: {
              userId,
              ...(user ? { name: user.name, profession: user.profession } : {}),
              address: request.ip,
            },
          }
        : {}),
      detail: {
        method: PASSWORD_TOTP,
        step,
        reason: failure.reason,
        ...(failure.subject ? { loginId: failure.subject.loginId.slice(0, 128) } : {}),
        ...(userId ? {} : { address: request.ip }),
      },
    },
  ]);
}

const lockedError = (reply: FastifyReply, until: Date | null, now: Date) => {
  const seconds = until ? Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)) : 1;
  reply.header('retry-after', String(seconds));
  return new HubError(423, 'locked', 'too many failures; try again later / 一時的にロックされています', {
    retryAfterSeconds: seconds,
  });
};

const invalidCredentials = () =>
  new HubError(401, 'invalid-credentials', 'wrong login ID or password / IDまたはパスワードが違います');

const loginExpired = () =>
  new HubError(401, 'login-expired', 'this login has expired; start again / もう一度ログインしてください');

/** The password-then-TOTP login (with first-login enrolment), as a LoginMethod. */
export function passwordTotp(options: Partial<PasswordTotpOptions> = {}): LoginMethod {
  const settings = { ...DEFAULT_PASSWORD_TOTP_OPTIONS, ...options };
  return {
    id: PASSWORD_TOTP,
    label: { ja: 'ID・パスワード＋ワンタイムコード', en: 'ID, password and one-time code' },
    register(app, deps, complete) {
      const perIpFailures = new AttemptCounter(settings.perIp);
      const perIpCeiling = new AttemptCounter(settings.perIpCeiling);
      const perLoginId = new AttemptCounter(settings.perLoginId);

      /** 429 when either counter is exhausted; the first refusal of a window is audited. */
      const throttle = async (
        request: FastifyRequest,
        reply: FastifyReply,
        keys: { ip: boolean; loginId?: string },
      ) => {
        const now = deps.now();
        const loginId = keys.loginId ?? null;
        const decisions = [];
        if (keys.ip) decisions.push(perIpCeiling.hit(`ip:${request.ip}`, now));
        if (loginId !== null) decisions.push(perLoginId.hit(loginId, now));
        await refuseIfExhausted(request, reply, decisions, loginId);
      };

      /** A failed attempt: counted per IP; past the budget, this failure answers 429 instead of 401. */
      const failedFrom = async (request: FastifyRequest, reply: FastifyReply, loginId: string | null) => {
        await refuseIfExhausted(request, reply, [perIpFailures.hit(`ip:${request.ip}`, deps.now())], loginId);
      };

      const refuseIfExhausted = async (
        request: FastifyRequest,
        reply: FastifyReply,
        decisions: readonly RateDecision[],
        loginId: string | null,
      ) => {
        const refused = decisions.filter((d) => !d.allowed);
        if (refused.length === 0) return;
        const retryAfter = Math.max(...refused.map((d) => (d.allowed ? 0 : d.retryAfterSeconds)));
        if (refused.some((d) => !d.allowed && d.first)) {
          await auditHub(deps, [
            {
              type: 'login',
              action: 'E',
              outcome: '4',
              outcomeDescription: 'rate-limited',
              detail: {
                method: PASSWORD_TOTP,
                reason: 'rate-limited',
                address: request.ip,
                ...(loginId ? { loginId: loginId.slice(0, 128) } : {}),
              },
            },
          ]);
        }
        reply.header('retry-after', String(retryAfter));
        throw new HubError(
          429,
          'rate-limited',
          'too many attempts; wait / しばらく待ってからお試しください',
          {
            retryAfterSeconds: retryAfter,
          },
        );
      };

      /** The pending login of a token: unexpired and unused, else 401 `login-expired`. */
      const loadPending = async (token: string) => {
        const row = await deps.store.db
          .selectFrom('hub_login_pending as p')
          .innerJoin('hub_user as u', 'u.id', 'p.user_id')
          .select(['p.id', 'p.user_id', 'p.facility_oid', 'p.expires_at', 'p.used_at', 'p.enrol_secret'])
          .select('u.login_id')
          .where('p.id', '=', sha256Hex(token))
          .executeTakeFirst();
        if (!row || row.used_at !== null || new Date(row.expires_at).getTime() <= deps.now().getTime()) {
          throw loginExpired();
        }
        return row;
      };

      app.post(
        '/auth/login',
        {
          schema: {
            tags,
            summary: 'Log in, step 1: login ID and password (then a TOTP code)',
            body: loginBody,
          },
        },
        async (request, reply) => {
          const body = request.body as z.infer<typeof loginBody>;
          const loginId = normaliseLoginId(body.loginId);
          await throttle(request, reply, { ip: true, loginId });
          const now = deps.now();
          const subject = await loadSubject(deps.store, loginId);
          // Always pay for argon2 first: a locked or unknown id answers no faster than a real one.
          const matches = await passwordMatches(subject, body.password);
          if (isLocked(subject, now)) {
            await auditRefusal(deps, request, 'password', { reason: 'locked', subject });
            throw lockedError(reply, subject.lockedUntil, now);
          }
          if (!matches) {
            const reason = subject.user ? 'bad-password' : 'unknown-login-id';
            await auditRefusal(deps, request, 'password', { reason, subject });
            // The account's failures count first (its lockout holds whatever the address).
            const locked = await recordFailure(deps.store, subject, now);
            await failedFrom(request, reply, loginId);
            if (locked) throw lockedError(reply, new Date(now.getTime() + LOCK_SECONDS * 1000), now);
            throw invalidCredentials();
          }
          const user = subject.user!;
          const credential = subject.credential!;
          const facilities = user.status === 'active' ? await activeMemberships(deps.store, user.id) : [];
          if (facilities.length === 0) {
            await auditRefusal(deps, request, 'password', { reason: 'account-inactive', subject });
            throw accountInactive();
          }
          let facility: FacilityChoice | undefined;
          if (body.facilityOid !== undefined) facility = facilities.find((f) => f.oid === body.facilityOid);
          else if (facilities.length === 1) facility = facilities[0];
          if (!facility) {
            throw new HubError(
              400,
              'choose-facility',
              'choose the facility you act for / 所属施設を選んでください',
              { facilities },
            );
          }
          const token = randomToken();
          const expiresAt = new Date(now.getTime() + settings.pendingSeconds * 1000).toISOString();
          await deps.store.db
            .deleteFrom('hub_login_pending')
            .where('expires_at', '<', now.toISOString())
            .execute();
          await deps.store.db
            .insertInto('hub_login_pending')
            .values({
              id: sha256Hex(token),
              user_id: user.id,
              facility_oid: facility.oid,
              method: PASSWORD_TOTP,
              created_at: now.toISOString(),
              expires_at: expiresAt,
              used_at: null,
              enrol_secret: null,
              ip: request.ip ?? null,
            })
            .execute();
          return {
            next: credential.totpSecret ? 'totp' : 'enrol',
            pending: token,
            pendingExpiresAt: expiresAt,
            facility,
            facilities,
          };
        },
      );

      app.post(
        '/auth/totp/enrol',
        {
          schema: {
            tags,
            summary: 'First login: a new TOTP secret with its otpauth URI and QR code',
            body: pendingBody,
          },
        },
        async (request, reply) => {
          const body = request.body as z.infer<typeof pendingBody>;
          await throttle(request, reply, { ip: true });
          const pending = await loadPending(body.pending);
          const credential = await deps.store.db
            .selectFrom('hub_credential')
            .select('totp_secret')
            .where('user_id', '=', pending.user_id)
            .executeTakeFirst();
          if (!credential || credential.totp_secret) {
            throw new HubError(409, 'already-enrolled', 'a TOTP device is already enrolled / 登録済みです');
          }
          const secret = newTotpSecret();
          await deps.store.db
            .updateTable('hub_login_pending')
            .set({ enrol_secret: secret })
            .where('id', '=', pending.id)
            .execute();
          const otpauthUri = totpUri(settings.totpIssuer, pending.login_id, secret);
          const qrDataUrl = await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M', margin: 2 });
          return { secret, otpauthUri, qrDataUrl };
        },
      );

      app.post(
        '/auth/totp',
        {
          schema: {
            tags,
            summary: 'Log in, step 2: the TOTP code; opens the session (cookie hie_session)',
            body: codeBody,
          },
        },
        async (request, reply) => {
          const body = request.body as z.infer<typeof codeBody>;
          await throttle(request, reply, { ip: true });
          const pending = await loadPending(body.pending);
          await throttle(request, reply, { ip: false, loginId: pending.login_id });
          const now = deps.now();
          const subject = await loadSubject(deps.store, pending.login_id);
          if (isLocked(subject, now)) {
            await auditRefusal(deps, request, 'totp', { reason: 'locked', subject });
            throw lockedError(reply, subject.lockedUntil, now);
          }
          const credential = await deps.store.db
            .selectFrom('hub_credential')
            .select(['totp_secret', 'totp_last_step'])
            .where('user_id', '=', pending.user_id)
            .executeTakeFirst();
          const enrolling = !credential?.totp_secret;
          const secret = credential?.totp_secret ?? pending.enrol_secret;
          if (!credential || !secret) {
            throw new HubError(
              409,
              'enrol-first',
              'enrol a TOTP device first / 先に認証アプリを登録してください',
            );
          }
          const lastStep = credential.totp_last_step === null ? null : Number(credential.totp_last_step);
          const check = checkTotp(secret, body.code.trim(), now, lastStep);
          if (!check.ok) {
            await auditRefusal(deps, request, 'totp', { reason: check.reason, subject });
            if (await recordFailure(deps.store, subject, now)) {
              throw lockedError(reply, new Date(now.getTime() + LOCK_SECONDS * 1000), now);
            }
            throw new HubError(
              401,
              check.reason,
              check.reason === 'code-reused'
                ? 'this code was already used; wait for the next one / このコードは使用済みです'
                : 'wrong code / コードが違います',
            );
          }
          // Single use, even against a concurrent request with the same token or the same code.
          const consumed = await deps.store.db
            .updateTable('hub_login_pending')
            .set({ used_at: now.toISOString() })
            .where('id', '=', pending.id)
            .where('used_at', 'is', null)
            .executeTakeFirst();
          if (Number(consumed.numUpdatedRows) !== 1) throw loginExpired();
          const stepped = await deps.store.db
            .updateTable('hub_credential')
            .set({
              totp_last_step: check.step,
              ...(enrolling ? { totp_secret: secret, totp_enrolled_at: now.toISOString() } : {}),
            })
            .where('user_id', '=', pending.user_id)
            .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', check.step)]))
            .executeTakeFirst();
          if (Number(stepped.numUpdatedRows) !== 1) {
            await auditRefusal(deps, request, 'totp', { reason: 'code-reused', subject });
            throw new HubError(401, 'code-reused', 'this code was already used / このコードは使用済みです');
          }
          return complete(request, reply, {
            userId: pending.user_id,
            facilityOid: pending.facility_oid,
            method: enrolling ? `${PASSWORD_TOTP}+enrol` : PASSWORD_TOTP,
          });
        },
      );
    },
  };
}
