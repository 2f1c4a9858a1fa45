import type { Kysely, Migration } from 'kysely';

/** Which sender filed each record through HL7 v2 inbound: only it may update or cancel the record. */
export const inboundOwnerMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('gw_inbound_owner')
      .addColumn('record_key', 'text', (c) => c.primaryKey())
      .addColumn('sender_id', 'text', (c) => c.notNull())
      .addColumn('filed_at', 'text', (c) => c.notNull())
      .execute();
  },
};
