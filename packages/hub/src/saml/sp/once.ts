import type { Store } from '@hie/platform';
import type { CacheItem, CacheProvider } from '@node-saml/node-saml';
import { isUniqueViolation } from '../../directory/common.js';
import type { Schema } from '../../store/schema.js';

/**
 * Single-use SAML values in the store (table hub_saml_once), shared by every hub process: the IDs of
 * the AuthnRequests we sent (node-saml's cache: an answer must name one, once) and of the assertions
 * we accepted (never twice). Expired rows are swept as new ones come.
 */
export class SamlOnce {
  constructor(
    private readonly store: Store<Schema>,
    readonly now: () => Date,
  ) {}

  /** Records `key` until `expiresAt`; false when it is already there (a replay). */
  async claim(key: string, value: string, expiresAt: Date): Promise<boolean> {
    await this.sweep();
    try {
      await this.store.db
        .insertInto('hub_saml_once')
        .values({ key, value, expires_at: expiresAt.toISOString() })
        .execute();
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  private async sweep(): Promise<void> {
    await this.store.db
      .deleteFrom('hub_saml_once')
      .where('expires_at', '<', this.now().toISOString())
      .execute();
  }

  /** node-saml's request-ID cache on this table for one IdP (entries `request:<IdP>:<ID>`, kept `ttlMs`). */
  requestCache(ttlMs: number, idp: string): CacheProvider {
    const keyOf = (id: string) => `request:${idp}:${id}`;
    return {
      saveAsync: async (id: string, value: string): Promise<CacheItem | null> => {
        const now = this.now();
        const saved = await this.claim(keyOf(id), value, new Date(now.getTime() + ttlMs));
        return saved ? { value, createdAt: now.getTime() } : null;
      },
      getAsync: async (id: string): Promise<string | null> => {
        const row = await this.store.db
          .selectFrom('hub_saml_once')
          .select(['value', 'expires_at'])
          .where('key', '=', keyOf(id))
          .executeTakeFirst();
        return row && row.expires_at >= this.now().toISOString() ? row.value : null;
      },
      removeAsync: async (id: string | null): Promise<string | null> => {
        if (!id) return null;
        const result = await this.store.db
          .deleteFrom('hub_saml_once')
          .where('key', '=', keyOf(id))
          .executeTakeFirst();
        return Number(result.numDeletedRows) > 0 ? id : null;
      },
    };
  }
}
