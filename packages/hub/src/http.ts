import type { Profession } from '@hie/contract';
import type { SigningKey, Store } from '@hie/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MpiSettings } from './settings/mpi-settings.js';
import type { Schema } from './store/schema.js';

/**
 * What every hub route module receives. One object, built once by the hub's app (hub/api/app.ts).
 */
export interface HubDeps {
  store: Store<Schema>;
  settings: HubSettings;
  /** The hub's Ed25519 key: signs the access assertions sent to gateways. */
  signingKey: SigningKey;
  /** The clock; tests pass a fixed one. */
  now: () => Date;
  /** HTTP client for gateway calls (global fetch by default). */
  fetch: typeof fetch;
}

export interface HubSettings {
  /** The assertion issuer, e.g. `hub` or the network's OID. */
  issuer: string;
  /** OID root for facility OIDs (`1.2.392.200284`). */
  oidRoot: string;
  /** Default prefecture (JIS X 0401), e.g. '33'. */
  prefecture: string;
  /** Per-gateway timeout for fan-out queries, ms. */
  gatewayTimeoutMs: number;
  /** Session idle timeout and absolute lifetime, seconds. */
  sessionIdleSeconds: number;
  sessionAbsoluteSeconds: number;
  /** Break-the-glass grant lifetime, seconds. */
  breakGlassSeconds: number;
  /** Cookies are `Secure` unless this is false (only for plain-HTTP local demos and tests). */
  secureCookies: boolean;
  /** The network's name on its screens and forms (config `networkName`); unset: the web app's default. */
  networkName?: { ja: string; en: string };
  /** Viewing requests one user may have in flight at once (default 6). */
  viewingConcurrencyPerUser?: number;
  /** Patient matching thresholds and model (defaults in mpi/match.ts). */
  mpi?: Partial<MpiSettings>;
  /**
   * The network's small-facility repository (issue 13): its office API, where the office registers a
   * facility as a tenant from the directory. Without it that screen says the repository is not linked.
   */
  repository?: { url: string; adminToken: string };
  /** Care Cabinet files (photos, videos, PDFs) are kept in this folder; unset: the file routes answer 503. */
  cabinetFilesDir?: string;
  /**
   * The virus scan of each Care Cabinet file once its last byte arrived (e.g. clamdscan); none: clean.
   * A throw counts as a failed scan (the file is refused, `scan-failed`). See cabinet/README.md § Files.
   */
  cabinetScan?: (
    path: string,
    file: { name: string; mediaType: string; size: number; sha256: string },
  ) => Promise<'clean' | 'infected'>;
  /**
   * Web Push of the Care Cabinet's unread count, where the hub can reach the browsers' push services;
   * unset: no push (closed networks), the portal polls and streams instead. See cabinet/push/README.md.
   */
  cabinetPush?: CabinetPushSettings;
  /** How often PIX update notifications (ITI-46) are sent, ms; 0: never in the background (tests). Default 2000. */
  pixNotifyMs?: number;
  /** How often the directory is pushed to its subscribers (ITI-59), ms; 0: never in the background (tests). Default 5000. */
  hpdPushMs?: number;
}

export interface CabinetPushSettings {
  /** The VAPID key pair (RFC 8292), base64url, as web-push makes it; kept in `<dataDir>/keys/vapid.json`. */
  vapid: { publicKey: string; privateKey: string };
  /** Who runs this hub, for the push services: `mailto:` or `https:` (RFC 8292 `sub`). */
  subject: string;
  /**
   * Push services a subscription may point at (host, `*.suffix`, or `host:port`); nothing else is ever
   * called, so a subscription cannot make the hub send requests into the network (SSRF).
   */
  allowedHosts: readonly string[];
  /** The HTTPS agent for the push services (a proxy's or a test CA's); default Node's. */
  agent?: import('node:https').Agent;
  /** An HTTP proxy for the push services (`http://proxy:3128`), where the hub reaches the internet through one. */
  proxy?: string;
  /** Events for one user within this many ms make one push (default 2000). */
  coalesceMs?: number;
  /** Waits before retrying a push the service refused for now (429, 5xx, network); default 2 s, 30 s, 5 min. */
  retryDelaysMs?: readonly number[];
}

export const DEFAULT_HUB_SETTINGS: HubSettings = {
  issuer: 'hie-hub',
  oidRoot: '1.2.392.200284',
  prefecture: '33',
  gatewayTimeoutMs: 2000,
  sessionIdleSeconds: 30 * 60,
  sessionAbsoluteSeconds: 12 * 60 * 60,
  breakGlassSeconds: 24 * 60 * 60,
  secureCookies: true,
};

/** The logged-in user, acting for one facility. Set on the request by the auth module. */
export interface HubPrincipal {
  userId: string;
  loginId: string;
  name: string;
  profession: Profession;
  /** The facility the user acts for in this session. */
  facilityOid: string;
  /** member | admin of that facility. */
  facilityRole: 'member' | 'admin';
  /** Network office staff: profession `office`. May administer the whole network; reads no records by it. */
  office: boolean;
  sessionId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Null when the request carries no valid session. */
    principal: HubPrincipal | null;
  }
}

/**
 * A refusal with a stable code. The error handler (hub/api/errors.ts) answers
 * `{ "error": { "code", "message", "details"? } }` with the status.
 */
export class HubError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HubError';
  }
}

export const notAuthenticated = () => new HubError(401, 'not-authenticated', 'log in first');

/** The principal, or 401. */
export function requirePrincipal(request: FastifyRequest): HubPrincipal {
  if (!request.principal) throw notAuthenticated();
  return request.principal;
}

/** Network office only, else 403 `office-only`. */
export function requireOffice(request: FastifyRequest): HubPrincipal {
  const principal = requirePrincipal(request);
  if (!principal.office) throw new HubError(403, 'office-only', 'only the network office may do this');
  return principal;
}

/** `requireOffice` as a preValidation hook: the office check comes before the body is validated. */
export const officeFirst = async (request: FastifyRequest): Promise<void> => {
  requireOffice(request);
};

/** A route module: registers its routes on the hub's API instance (prefix `/api/v1`). */
export type HubRoutes = (app: FastifyInstance, deps: HubDeps) => Promise<void> | void;

/** Sends a CSV file with a BOM (Excel in Japan opens UTF-8 CSV correctly only with one). */
export function sendCsv(reply: FastifyReply, fileName: string, csv: string): FastifyReply {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .send(`\uFEFF${csv}`);
}
