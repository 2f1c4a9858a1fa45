import type { Kysely, Migration } from 'kysely';

export const authMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('hub_credential')
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('password_changed_at', 'text', (c) => c.notNull())
      .addColumn('must_change', 'integer', (c) => c.notNull())
      .addColumn('totp_secret', 'text')
      .addColumn('totp_enrolled_at', 'text')
      // A 30-second step number: ~5.8e7 today, fits an integer until the year 4000.
      .addColumn('totp_last_step', 'integer')
      .addColumn('failed_count', 'integer', (c) => c.notNull())
      .addColumn('locked_until', 'text')
      .execute();
    await db.schema
      .createTable('hub_session')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('facility_oid', 'text', (c) => c.notNull())
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('ip', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema.createIndex('hub_session_user').on('hub_session').columns(['user_id']).execute();
    await db.schema
      .createTable('hub_login_pending')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('facility_oid', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .addColumn('enrol_secret', 'text')
      .addColumn('ip', 'text')
      .execute();
    await db.schema
      .createIndex('hub_login_pending_expiry')
      .on('hub_login_pending')
      .columns(['expires_at'])
      .execute();
    await db.schema
      .createTable('hub_login_guard')
      .addColumn('login_id', 'text', (c) => c.primaryKey())
      .addColumn('failed_count', 'integer', (c) => c.notNull())
      .addColumn('locked_until', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
