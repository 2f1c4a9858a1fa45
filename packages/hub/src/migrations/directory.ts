import type { Kysely, Migration } from 'kysely';

export const directoryMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('hub_facility')
      .addColumn('oid', 'text', (c) => c.primaryKey())
      .addColumn('code', 'text')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_kana', 'text')
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('prefecture', 'text', (c) => c.notNull())
      .addColumn('discloses', 'integer', (c) => c.notNull())
      .addColumn('views', 'integer', (c) => c.notNull())
      .addColumn('gateway_url', 'text')
      .addColumn('address', 'text')
      .addColumn('phone', 'text')
      .addColumn('feed_token_hash', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('hub_facility_code').on('hub_facility').columns(['code']).execute();
    await db.schema
      .createTable('hub_user')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('login_id', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_kana', 'text')
      .addColumn('profession', 'text', (c) => c.notNull())
      .addColumn('email', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('hub_membership')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('facility_oid', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('hub_membership_pk', ['user_id', 'facility_oid'])
      .execute();
    await db.schema
      .createIndex('hub_membership_facility')
      .on('hub_membership')
      .columns(['facility_oid'])
      .execute();
  },
};
