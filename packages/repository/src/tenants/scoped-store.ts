import { type Store, TenantScopePlugin } from '@hie/platform';
import type { Schema } from '@hie/record-source';
import type { RepositorySchema } from '../store/schema.js';
import { TENANT_TABLES } from '../store/schema.js';

/**
 * A tenant's view of the repository's store: the same connection, with every query confined to the
 * tenant's rows by the TenantScopePlugin (a `tenant = …` predicate on every scoped table read, the
 * tenant on every row written). The record server's code (`@hie/record-source`) runs on it unchanged.
 * Closing it closes nothing: the repository owns the connection.
 *
 * One per tenant, kept for the process's life: the record server caches compiled queries per Store
 * object, each with this tenant's value baked in, so a Store must never be shared between tenants.
 */
export interface TenantStore extends Store<RepositorySchema> {
  readonly tenant: string;
}

/**
 * The same store as the record server's code types it (its tables only). Kysely's types are invariant in
 * the schema, so a store of more tables must be cast to be handed to code that reads fewer.
 */
export function sourceStore(store: TenantStore): Store<Schema> {
  return store as unknown as Store<Schema>;
}

export function scopedStore(base: Store<RepositorySchema>, tenant: string): TenantStore {
  const db = base.db.withPlugin(new TenantScopePlugin({ tenant, tables: TENANT_TABLES }));
  return {
    tenant,
    db,
    engine: base.engine,
    location: `${base.location}#${tenant}`,
    ...(base.schema !== undefined ? { schema: base.schema } : {}),
    close: async () => {},
  };
}
