import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../../auth/credentials.js';
import type { HubPrincipal } from '../../http.js';
import type { HubUnderTest } from '../../testing.js';

/** A hub session for a seeded user, as a browser holds it (cookie + CSRF header). */
export async function sessionFor(hub: HubUnderTest, p: HubPrincipal) {
  await hub.store.db
    .insertInto('hub_credential')
    .values({
      user_id: p.userId,
      password_hash: 'x',
      password_changed_at: new Date().toISOString(),
      must_change: 0,
      totp_secret: null,
      totp_enrolled_at: null,
      totp_last_step: null,
      failed_count: 0,
      locked_until: null,
    })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .execute();
  const token = randomBytes(24).toString('base64url');
  const csrf = randomBytes(16).toString('hex');
  const now = new Date();
  await hub.store.db
    .insertInto('hub_session')
    .values({
      id: sha256Hex(token),
      user_id: p.userId,
      facility_oid: p.facilityOid,
      csrf_token: csrf,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(now.getTime() + 3600_000).toISOString(),
      ip: null,
      user_agent: null,
      revoked_at: null,
    })
    .execute();
  return { cookie: `hie_session=${token}`, 'x-csrf-token': csrf };
}
