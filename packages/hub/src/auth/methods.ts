import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HubDeps } from '../http.js';
import type { LoginResult } from './complete.js';

/**
 * A way of proving who a user is. Today there is one, `password-totp` (login.ts). HPKI client
 * certificates (mutual TLS at the reverse proxy, the certificate's hcRole and subject matched to a
 * directory user) and SAML 2.0 (a hospital's IdP; assertion signature, audience and NameID mapped to a
 * user) will be further implementations: they register their own routes under `/auth/<id>/…`, and
 * when they have established the user and the facility they call `complete`, which is the only place
 * that checks the user and facility are active, opens the session (cookie, CSRF token, rotation),
 * resets the failure count and writes the login audit record.
 */
export interface LoginMethod {
  /** `password-totp`, later `hpki`, `saml`: recorded in the audit detail of each login. */
  readonly id: string;
  readonly label: { ja: string; en: string };
  register(app: FastifyInstance, deps: HubDeps, complete: CompleteLogin): void | Promise<void>;
}

/** The shared last step of every login method. Throws a HubError when the user may not log in. */
export type CompleteLogin = (
  request: FastifyRequest,
  reply: FastifyReply,
  who: { userId: string; facilityOid: string; method: string; detail?: Record<string, string> },
) => Promise<LoginResult>;
