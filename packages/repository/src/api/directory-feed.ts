import { FEED_TOKEN_STATE, registerHpdFeedRoute } from '@hie/record-source';
import type { FastifyInstance } from 'fastify';
import type { TenantContexts } from './contexts.js';

/** Told when the hub's directory feed hands a tenant a new feed token (the running feed takes it). */
export type TenantFeedTokenListener = (oid: string, token: string) => void;

/**
 * ITI-59 for every tenant, exactly as a gateway takes it (`@hie/record-source` `registerHpdFeedRoute`),
 * at `/t/<OID>/ihe/hpd-feed` (`app` is the `/t/:tenant` plugin): the hub's assertion for this tenant,
 * bound to the path below the tenant's root and to the body's SHA-256; the entries go to the tenant's
 * `gw_directory_entry` through its scoped store, and the tenant's directory is read again at its next
 * request.
 *
 * A feed token handed over on the tenant's own entry is kept by the route in the tenant's `gw_state`
 * (`hub-feed-token`). The route's own callback does not say for which facility, so the tenant's stored
 * token is read after each accepted feed and, when it changed, handed to `onFeedToken` before the hub
 * is answered.
 */
export function registerTenantDirectoryFeed(
  app: FastifyInstance,
  contexts: TenantContexts,
  onFeedToken?: TenantFeedTokenListener,
): void {
  app.register(async (feed) => {
    if (onFeedToken) {
      const handed = new Map<string, string>();
      feed.addHook('onSend', async (request, reply, payload) => {
        if (reply.statusCode !== 200) return payload;
        try {
          const { store, facility } = contexts.contextOf(request);
          const row = await store.db
            .selectFrom('gw_state')
            .select('value')
            .where('name', '=', FEED_TOKEN_STATE)
            .executeTakeFirst();
          if (row && handed.get(facility.oid) !== row.value) {
            handed.set(facility.oid, row.value);
            onFeedToken(facility.oid, row.value);
          }
        } catch (error) {
          // The directory is applied and the token kept: the feed takes it at its next start.
          request.log.error(error);
        }
        return payload;
      });
    }
    registerHpdFeedRoute(feed, contexts.contextOf);
  });
}
