import { randomBytes } from 'node:crypto';
import { el, type Store, t } from '@hie/platform';
import type { HubDeps } from '../http.js';
import type { Schema } from '../store/schema.js';
import type { SamlKeys } from './keys.js';
import { SAML, SAMLP, type ServiceProvider } from './metadata.js';
import { samlId } from './response.js';

/**
 * Single logout across the session's service providers (saml/README.md § Single logout): the hub
 * remembers which SPs each session signed in to (`hub_saml_sp_session`); when the session ends — the
 * portal's ログアウト, or a LogoutRequest from one SP — the browser is sent through every other SP's
 * SingleLogoutService with a signed LogoutRequest (HTTP-Redirect), each answering with a LogoutResponse
 * to our `/saml/idp/slo`, and finally to the login page or back to the SP that started it. Our own
 * session is ended first: an SP that never answers leaves nobody logged in here.
 */

/** How long a logout chain may take (the browser goes through every SP). */
export const CHAIN_TTL_MS = 10 * 60_000;

/** A step of the chain: an SP to log out of, with what it knows of the user. */
interface Hop {
  sp: string;
  nameId: string;
  sessionIndex: string;
}

/** Where the chain ends: the portal's login page, or a LogoutResponse to the SP that asked. */
export type ChainEnd =
  | { kind: 'portal' }
  | { kind: 'sp'; sp: string; inResponseTo: string; relayState: string | null };

interface ChainState {
  remaining: Hop[];
  /** The LogoutRequest whose answer is awaited (its ID). */
  pending: string | null;
  end: ChainEnd;
}

/**
 * Records that this hub session signed in to an SP (its NameID and SessionIndex there). Rows older
 * than a session can live (`maxAgeSeconds`) are swept as new ones come: their sessions are over.
 */
export async function recordParticipation(
  store: Store<Schema>,
  sessionId: string,
  hop: Hop,
  now: Date,
  maxAgeSeconds = 24 * 3600,
): Promise<void> {
  await store.db
    .deleteFrom('hub_saml_sp_session')
    .where('created_at', '<', new Date(now.getTime() - maxAgeSeconds * 1000).toISOString())
    .execute();
  await store.db
    .deleteFrom('hub_saml_sp_session')
    .where('session_id', '=', sessionId)
    .where('sp_entity_id', '=', hop.sp)
    .execute();
  await store.db
    .insertInto('hub_saml_sp_session')
    .values({
      session_id: sessionId,
      sp_entity_id: hop.sp,
      name_id: hop.nameId,
      session_index: hop.sessionIndex,
      created_at: now.toISOString(),
    })
    .execute();
}

/**
 * The hub sessions an SP's LogoutRequest names: those that signed in to that SP as this NameID (and
 * with this SessionIndex, when the request gives one), newest first.
 */
export async function sessionsSignedInto(
  store: Store<Schema>,
  sp: string,
  nameId: string | null,
  sessionIndex: string | null,
): Promise<string[]> {
  if (!nameId) return [];
  let query = store.db
    .selectFrom('hub_saml_sp_session')
    .select('session_id')
    .where('sp_entity_id', '=', sp)
    .where('name_id', '=', nameId);
  if (sessionIndex) query = query.where('session_index', '=', sessionIndex);
  return (await query.orderBy('created_at', 'desc').execute()).map((r) => r.session_id);
}

interface ChainContext {
  deps: HubDeps;
  entityId: string;
  keys: SamlKeys;
  serviceProviders: ReadonlyMap<string, ServiceProvider>;
  /** Signs a message for the HTTP-Redirect binding (idp-routes redirectBinding). */
  redirect: (
    location: string,
    param: 'SAMLRequest' | 'SAMLResponse',
    xml: string,
    relayState: string | null,
  ) => string;
}

/**
 * Starts the chain for an ended session: every SP it signed in to (but `except`, the one asking) that
 * has a SingleLogoutService, then `end`. Returns where to send the browser.
 */
export async function startLogoutChain(
  ctx: ChainContext,
  sessionId: string,
  end: ChainEnd,
  except: string | null = null,
): Promise<string> {
  const rows = await ctx.deps.store.db
    .selectFrom('hub_saml_sp_session')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('created_at')
    .execute();
  await ctx.deps.store.db.deleteFrom('hub_saml_sp_session').where('session_id', '=', sessionId).execute();
  const remaining = rows
    .filter((r) => r.sp_entity_id !== except && ctx.serviceProviders.get(r.sp_entity_id)?.slo)
    .map((r) => ({ sp: r.sp_entity_id, nameId: r.name_id, sessionIndex: r.session_index }));
  return advance(ctx, randomBytes(20).toString('base64url'), { remaining, pending: null, end });
}

/**
 * An SP's LogoutResponse arrived for the chain `chainId` (its RelayState) answering `inResponseTo`:
 * on to the next SP, or the end. An unknown chain, or an answer to another request, ends at the
 * portal's login page (the session is gone already).
 */
export async function continueLogoutChain(
  ctx: ChainContext,
  chainId: string,
  inResponseTo: string | null,
): Promise<string> {
  const state = await takeState(ctx.deps, chainId);
  if (!state || state.pending === null || state.pending !== inResponseTo) return '/login?loggedOut=1';
  return advance(ctx, chainId, { ...state, pending: null });
}

async function advance(ctx: ChainContext, chainId: string, state: ChainState): Promise<string> {
  const hop = state.remaining[0];
  const sp = hop ? ctx.serviceProviders.get(hop.sp) : undefined;
  if (hop && sp?.slo) {
    const id = samlId();
    const request = el(
      'samlp:LogoutRequest',
      {
        'xmlns:samlp': SAMLP,
        'xmlns:saml': SAML,
        ID: id,
        Version: '2.0',
        IssueInstant: instant(ctx.deps.now()),
        Destination: sp.slo,
      },
      el('saml:Issuer', {}, t(ctx.entityId)),
      el(
        'saml:NameID',
        {
          Format: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
          NameQualifier: ctx.entityId,
          SPNameQualifier: sp.entityId,
        },
        t(hop.nameId),
      ),
      el('samlp:SessionIndex', {}, t(hop.sessionIndex)),
    );
    await saveState(ctx.deps, chainId, { ...state, remaining: state.remaining.slice(1), pending: id });
    return ctx.redirect(sp.slo, 'SAMLRequest', request, chainId);
  }
  if (hop) return advance(ctx, chainId, { ...state, remaining: state.remaining.slice(1) });
  const end = state.end;
  const asking = end.kind === 'sp' ? ctx.serviceProviders.get(end.sp) : undefined;
  if (end.kind === 'portal' || !asking?.slo) return '/login?loggedOut=1';
  const response = el(
    'samlp:LogoutResponse',
    {
      'xmlns:samlp': SAMLP,
      'xmlns:saml': SAML,
      ID: samlId(),
      Version: '2.0',
      IssueInstant: instant(ctx.deps.now()),
      Destination: asking.slo,
      InResponseTo: end.inResponseTo,
    },
    el('saml:Issuer', {}, t(ctx.entityId)),
    el('samlp:Status', {}, el('samlp:StatusCode', { Value: 'urn:oasis:names:tc:SAML:2.0:status:Success' })),
  );
  return ctx.redirect(asking.slo, 'SAMLResponse', response, end.relayState);
}

const instant = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

async function saveState(deps: HubDeps, chainId: string, state: ChainState): Promise<void> {
  const key = `slo:${chainId}`;
  await deps.store.db.deleteFrom('hub_saml_once').where('key', '=', key).execute();
  await deps.store.db
    .insertInto('hub_saml_once')
    .values({
      key,
      value: JSON.stringify(state),
      expires_at: new Date(deps.now().getTime() + CHAIN_TTL_MS).toISOString(),
    })
    .execute();
}

async function takeState(deps: HubDeps, chainId: string): Promise<ChainState | null> {
  const key = `slo:${chainId}`;
  const row = await deps.store.db
    .selectFrom('hub_saml_once')
    .select(['value', 'expires_at'])
    .where('key', '=', key)
    .executeTakeFirst();
  if (!row) return null;
  await deps.store.db.deleteFrom('hub_saml_once').where('key', '=', key).execute();
  return row.expires_at > deps.now().toISOString() ? (JSON.parse(row.value) as ChainState) : null;
}
