import type { Kysely, Migration } from 'kysely';

/** Web Push subscriptions of the Care Cabinet (one row per device and user). */
export const cabinetPushMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('hub_cabinet_push')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('facility_oid', 'text', (c) => c.notNull())
      .addColumn('endpoint', 'text', (c) => c.notNull().unique())
      .addColumn('p256dh', 'text', (c) => c.notNull())
      .addColumn('auth', 'text', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text')
      .addColumn('last_sent_at', 'text')
      .addColumn('last_status', 'text')
      .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex('hub_cabinet_push_user')
      .on('hub_cabinet_push')
      .columns(['user_id', 'facility_oid'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('hub_cabinet_push').execute();
  },
};
