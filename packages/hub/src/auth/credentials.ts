import { createHash, randomBytes } from 'node:crypto';
import type { Store } from '@hie/platform';
import { generateSecret, generateSync, generateURI, verifySync } from 'otplib';
import type { Schema } from '../store/schema.js';
import { hashPassword, verifyPassword } from './password.js';

/** Consecutive failures (password or code) that lock an id, and for how long. */
export const LOCK_AFTER_FAILURES = 5;
export const LOCK_SECONDS = 15 * 60;

/** RFC 6238 as authenticator apps expect it: SHA-1, 6 digits, 30-second steps. */
export const TOTP_PERIOD_SECONDS = 30;
/** ±1 step of clock drift between the phone and the hub. */
const TOTP_TOLERANCE_SECONDS = TOTP_PERIOD_SECONDS;

/** Login ids are case-insensitive and stored lower-case; full-width input is folded too. */
export const normaliseLoginId = (loginId: string): string => loginId.normalize('NFKC').trim().toLowerCase();

export const sha256Hex = (value: string): string => createHash('sha256').update(value).digest('hex');

/** A fresh random token (32 bytes, base64url): session cookies, pending logins, CSRF tokens. */
export const randomToken = (): string => randomBytes(32).toString('base64url');

/**
 * Sets a user's password (argon2id), creating the credential row if needed. No policy check here:
 * callers that take a password from a person check `passwordProblems` first; demo presets need not.
 */
export async function setPassword(
  store: Store<Schema>,
  userId: string,
  plain: string,
  options: { mustChange: boolean; now?: Date },
): Promise<void> {
  const passwordHash = await hashPassword(plain);
  const at = (options.now ?? new Date()).toISOString();
  const mustChange = options.mustChange ? 1 : 0;
  await store.db
    .insertInto('hub_credential')
    .values({
      user_id: userId,
      password_hash: passwordHash,
      password_changed_at: at,
      must_change: mustChange,
      totp_secret: null,
      totp_enrolled_at: null,
      totp_last_step: null,
      failed_count: 0,
      locked_until: null,
    })
    .onConflict((oc) =>
      oc
        .column('user_id')
        .doUpdateSet({ password_hash: passwordHash, password_changed_at: at, must_change: mustChange }),
    )
    .execute();
}

/** Enrols a TOTP secret directly (demo presets and tests); the login flow enrols through the user. */
export async function enrolTotp(
  store: Store<Schema>,
  userId: string,
  secretBase32: string,
  now: Date = new Date(),
): Promise<void> {
  const result = await store.db
    .updateTable('hub_credential')
    .set({ totp_secret: secretBase32, totp_enrolled_at: now.toISOString(), totp_last_step: null })
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1)
    throw new Error(`user ${userId} has no credential: set a password first`);
}

/** A new TOTP secret: 20 random bytes (160 bits, RFC 4226's recommendation), Base32. */
export const newTotpSecret = (): string => generateSecret({ length: 20 });

/** The current code of a secret (tests, end-to-end scripts, the demo's printout). */
export const totpNow = (secretBase32: string, date: Date = new Date()): string =>
  generateSync({
    secret: secretBase32,
    epoch: Math.floor(date.getTime() / 1000),
    period: TOTP_PERIOD_SECONDS,
  });

export const totpUri = (issuer: string, account: string, secretBase32: string): string =>
  generateURI({ issuer, label: account, secret: secretBase32, period: TOTP_PERIOD_SECONDS, digits: 6 });

export type TotpCheck = { ok: true; step: number } | { ok: false; reason: 'invalid-code' | 'code-reused' };

/**
 * Checks a code within ±1 step of `now`. A code whose step is not after the last accepted one is a
 * replay, refused even though it is otherwise right.
 */
export function checkTotp(secretBase32: string, code: string, now: Date, lastStep: number | null): TotpCheck {
  if (!/^\d{6}$/.test(code)) return { ok: false, reason: 'invalid-code' };
  let result: ReturnType<typeof verifySync>;
  try {
    result = verifySync({
      secret: secretBase32,
      token: code,
      epoch: Math.floor(now.getTime() / 1000),
      period: TOTP_PERIOD_SECONDS,
      epochTolerance: TOTP_TOLERANCE_SECONDS,
    });
  } catch {
    return { ok: false, reason: 'invalid-code' };
  }
  if (!result.valid || !('timeStep' in result)) return { ok: false, reason: 'invalid-code' };
  if (lastStep !== null && result.timeStep <= lastStep) return { ok: false, reason: 'code-reused' };
  return { ok: true, step: result.timeStep };
}

/** What the password step learnt about a login id. */
export interface LoginSubject {
  loginId: string;
  /** Null for an unknown id or a user without a credential: treated exactly alike from outside. */
  user: { id: string; name: string; profession: string; status: string } | null;
  credential: { passwordHash: string; mustChange: boolean; totpSecret: string | null } | null;
  lockedUntil: Date | null;
}

/** A hash of a random password: unknown ids are verified against it, so they cost the same time. */
let decoyHash: Promise<string> | undefined;
const decoy = (): Promise<string> => {
  decoyHash ??= hashPassword(randomToken());
  return decoyHash;
};

export async function loadSubject(store: Store<Schema>, loginId: string): Promise<LoginSubject> {
  const row = await store.db
    .selectFrom('hub_user as u')
    .leftJoin('hub_credential as c', 'c.user_id', 'u.id')
    .select([
      'u.id',
      'u.name',
      'u.profession',
      'u.status',
      'c.password_hash',
      'c.must_change',
      'c.totp_secret',
      'c.locked_until',
    ])
    .where('u.login_id', '=', loginId)
    .executeTakeFirst();
  if (row?.password_hash) {
    return {
      loginId,
      user: { id: row.id, name: row.name, profession: row.profession, status: row.status },
      credential: {
        passwordHash: row.password_hash,
        mustChange: Number(row.must_change) === 1,
        totpSecret: row.totp_secret ?? null,
      },
      lockedUntil: row.locked_until ? new Date(row.locked_until) : null,
    };
  }
  const guard = await store.db
    .selectFrom('hub_login_guard')
    .select('locked_until')
    .where('login_id', '=', loginId)
    .executeTakeFirst();
  return {
    loginId,
    user: null,
    credential: null,
    lockedUntil: guard?.locked_until ? new Date(guard.locked_until) : null,
  };
}

/** Verifies the password, spending the same argon2 time whether or not the id exists. */
export async function passwordMatches(subject: LoginSubject, plain: string): Promise<boolean> {
  if (!subject.credential) {
    await verifyPassword(await decoy(), plain);
    return false;
  }
  return verifyPassword(subject.credential.passwordHash, plain);
}

export const isLocked = (subject: Pick<LoginSubject, 'lockedUntil'>, now: Date): boolean =>
  subject.lockedUntil !== null && subject.lockedUntil.getTime() > now.getTime();

/**
 * Counts one failure; the fifth consecutive one locks the id for LOCK_SECONDS (and starts the count
 * again for after the lock). Unknown ids count in hub_login_guard, the same way. Returns true when
 * this failure locked the id.
 */
export async function recordFailure(
  store: Store<Schema>,
  subject: LoginSubject,
  now: Date,
): Promise<boolean> {
  const at = now.toISOString();
  const lockedUntil = new Date(now.getTime() + LOCK_SECONDS * 1000).toISOString();
  if (subject.user && subject.credential) {
    const userId = subject.user.id;
    await store.db
      .updateTable('hub_credential')
      .set((eb) => ({ failed_count: eb('failed_count', '+', 1) }))
      .where('user_id', '=', userId)
      .execute();
    const locked = await store.db
      .updateTable('hub_credential')
      .set({ failed_count: 0, locked_until: lockedUntil })
      .where('user_id', '=', userId)
      .where('failed_count', '>=', LOCK_AFTER_FAILURES)
      .executeTakeFirst();
    return Number(locked.numUpdatedRows) > 0;
  }
  await store.db
    .insertInto('hub_login_guard')
    .values({ login_id: subject.loginId, failed_count: 1, locked_until: null, updated_at: at })
    .onConflict((oc) =>
      oc.column('login_id').doUpdateSet((eb) => ({
        failed_count: eb('hub_login_guard.failed_count', '+', 1),
        updated_at: at,
      })),
    )
    .execute();
  const locked = await store.db
    .updateTable('hub_login_guard')
    .set({ failed_count: 0, locked_until: lockedUntil })
    .where('login_id', '=', subject.loginId)
    .where('failed_count', '>=', LOCK_AFTER_FAILURES)
    .executeTakeFirst();
  // Forget unknown ids whose last failure is a day old, so the table cannot grow without bound.
  const dayAgo = new Date(now.getTime() - 24 * 3600 * 1000).toISOString();
  await store.db.deleteFrom('hub_login_guard').where('updated_at', '<', dayAgo).execute();
  return Number(locked.numUpdatedRows) > 0;
}

/** After a complete login: the failure count starts again. */
export async function clearFailures(store: Store<Schema>, userId: string): Promise<void> {
  await store.db
    .updateTable('hub_credential')
    .set({ failed_count: 0, locked_until: null })
    .where('user_id', '=', userId)
    .execute();
}
