import { createHash } from 'node:crypto';
import type { HubDeps } from '../http.js';

/** The SHA-256 (hex) of a feed token, as hub_facility.feed_token_hash keeps it. */
const sha256 = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** The active facility whose feed token this is (`hub_facility.feed_token_hash`), else null. */
export async function facilityOfFeedToken(
  deps: Pick<HubDeps, 'store'>,
  token: string | undefined,
): Promise<string | null> {
  if (!token) return null;
  const row = await deps.store.db
    .selectFrom('hub_facility')
    .select(['oid', 'status'])
    .where('feed_token_hash', '=', sha256(token))
    .executeTakeFirst();
  return row?.status === 'active' ? row.oid : null;
}
