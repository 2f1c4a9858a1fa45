import { randomBytes } from 'node:crypto';
import type { Store } from '@hie/platform';
import type { Schema } from '../store/schema.js';

/**
 * The portal's logout hands over to single logout (saml/logout-chain.ts) when the session signed in to
 * other systems through the hub: a one-time token names the ended session for `/saml/idp/logout`.
 */
const TOKEN_TTL_MS = 10 * 60_000;

/** Whether a session signed in to any SP (the portal's logout then goes through them). */
export async function hasParticipants(store: Store<Schema>, sessionId: string): Promise<boolean> {
  const row = await store.db
    .selectFrom('hub_saml_sp_session')
    .select('sp_entity_id')
    .where('session_id', '=', sessionId)
    .executeTakeFirst();
  return row !== undefined;
}

/** A one-time token for the portal's logout to start the chain with (`/saml/idp/logout?start=`). */
export async function logoutStartToken(store: Store<Schema>, sessionId: string, now: Date): Promise<string> {
  const token = randomBytes(20).toString('base64url');
  await store.db
    .insertInto('hub_saml_once')
    .values({
      key: `slo-start:${token}`,
      value: sessionId,
      expires_at: new Date(now.getTime() + TOKEN_TTL_MS).toISOString(),
    })
    .execute();
  return token;
}

/** The session a start token names, once. */
export async function claimStartToken(
  store: Store<Schema>,
  token: string,
  now: Date,
): Promise<string | null> {
  const key = `slo-start:${token}`;
  const row = await store.db
    .selectFrom('hub_saml_once')
    .select(['value', 'expires_at'])
    .where('key', '=', key)
    .executeTakeFirst();
  if (!row) return null;
  await store.db.deleteFrom('hub_saml_once').where('key', '=', key).execute();
  return row.expires_at > now.toISOString() ? row.value : null;
}
