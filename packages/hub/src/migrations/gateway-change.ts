import type { Kysely, Migration } from 'kysely';

/** The gateway's pinned TLS identity, and the two-person changes of a facility's gateway. */
export const gatewayChangeMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('hub_facility').addColumn('gateway_tls_pin', 'text').execute();
    await db.schema
      .createTable('hub_gateway_change')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('facility_oid', 'text', (c) => c.notNull())
      .addColumn('gateway_url', 'text')
      .addColumn('tls_pin', 'text')
      .addColumn('proposed_by', 'text', (c) => c.notNull())
      .addColumn('proposed_side', 'text', (c) => c.notNull())
      .addColumn('proposed_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'text')
      .execute();
    await db.schema
      .createIndex('hub_gateway_change_facility')
      .on('hub_gateway_change')
      .columns(['facility_oid', 'status'])
      .execute();
  },
};
