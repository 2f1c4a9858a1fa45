export { completeLogin, type LoginResult } from './complete.js';
export {
  checkTotp,
  enrolTotp,
  LOCK_AFTER_FAILURES,
  LOCK_SECONDS,
  newTotpSecret,
  normaliseLoginId,
  setPassword,
  totpNow,
  totpUri,
} from './credentials.js';
export { DEFAULT_PASSWORD_TOTP_OPTIONS, type PasswordTotpOptions, passwordTotp } from './login.js';
export type { CompleteLogin, LoginMethod } from './methods.js';
export { hashPassword, verifyPassword } from './password.js';
export { PASSWORD_MIN_LENGTH, type PasswordProblem, passwordProblems } from './policy.js';
export { type AuthRoutesOptions, authRoutes, createAuthRoutes } from './routes.js';
export {
  type ActiveSession,
  CSRF_HEADER,
  revokeSessions,
  SESSION_COOKIE,
  sessionIdentify,
  startSession,
} from './session.js';
