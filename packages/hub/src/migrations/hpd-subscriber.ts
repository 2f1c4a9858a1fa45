import type { Kysely, Migration } from 'kysely';

/** The systems the directory is pushed to (ITI-59) and, per system, what it was last sent of each entry. */
export const hpdSubscriberMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('hub_hpd_subscriber')
      .addColumn('facility_oid', 'text', (c) => c.primaryKey())
      .addColumn('endpoint', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('pending', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('delivered', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_attempt_at', 'text')
      .addColumn('last_success_at', 'text')
      .addColumn('last_error', 'text')
      .addColumn('retry_at', 'text')
      .addColumn('issue_feed_token', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('synced_version', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('hub_hpd_sent')
      .addColumn('facility_oid', 'text', (c) => c.notNull())
      .addColumn('dn', 'text', (c) => c.notNull())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('names', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('hub_hpd_sent_pk', ['facility_oid', 'dn'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('hub_hpd_sent').execute();
    await db.schema.dropTable('hub_hpd_subscriber').execute();
  },
};
