import type { Kysely, Migration } from 'kysely';
import { defaultPolicyRows } from '../policy/matrix.js';

export const consentMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('hub_consent')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('facility_oid', 'text', (c) => c.notNull())
      .addColumn('local_id', 'text', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('start_date', 'text', (c) => c.notNull())
      .addColumn('end_date', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('card_number', 'text', (c) => c.unique())
      .addColumn('registered_by', 'text', (c) => c.notNull())
      .addColumn('registered_at', 'text', (c) => c.notNull())
      .addColumn('withdrawn_by', 'text')
      .addColumn('withdrawn_at', 'text')
      .addColumn('withdraw_reason', 'text')
      .addColumn('form_type', 'text')
      .addColumn('form_sha256', 'text')
      .addColumn('note', 'text')
      .execute();
    await db.schema
      .createIndex('hub_consent_record')
      .on('hub_consent')
      .columns(['facility_oid', 'local_id', 'status'])
      .execute();
    await db.schema
      .createTable('hub_consent_viewer')
      .addColumn('consent_id', 'text', (c) => c.notNull())
      .addColumn('viewer_oid', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('hub_consent_viewer_pk', ['consent_id', 'viewer_oid'])
      .execute();
    await db.schema
      .createIndex('hub_consent_viewer_oid')
      .on('hub_consent_viewer')
      .columns(['viewer_oid', 'consent_id'])
      .execute();
    await db.schema
      .createTable('hub_consent_form')
      .addColumn('consent_id', 'text', (c) => c.primaryKey())
      .addColumn('media_type', 'text', (c) => c.notNull())
      .addColumn('file_name', 'text')
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('content_base64', 'text', (c) => c.notNull())
      .addColumn('uploaded_by', 'text', (c) => c.notNull())
      .addColumn('uploaded_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('hub_profession_policy')
      .addColumn('profession', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('hub_profession_policy_pk', ['profession', 'category'])
      .execute();
    // The default profession × category matrix (policy/matrix.ts); the office edits it afterwards.
    await (db as Kysely<{ hub_profession_policy: { profession: string; category: string } }>)
      .insertInto('hub_profession_policy')
      .values(defaultPolicyRows())
      .execute();
    await db.schema
      .createTable('hub_disclosure')
      .addColumn('facility_oid', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('hub_disclosure_pk', ['facility_oid', 'category'])
      .execute();
    await db.schema
      .createTable('hub_break_glass')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('facility_oid', 'text', (c) => c.notNull())
      .addColumn('person_id', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('review_status', 'text', (c) => c.notNull())
      .addColumn('reviewed_by', 'text')
      .addColumn('reviewed_at', 'text')
      .addColumn('review_note', 'text')
      .execute();
    await db.schema
      .createIndex('hub_break_glass_user')
      .on('hub_break_glass')
      .columns(['user_id', 'person_id', 'expires_at'])
      .execute();
    await db.schema
      .createIndex('hub_break_glass_review')
      .on('hub_break_glass')
      .columns(['review_status', 'started_at'])
      .execute();
  },
};
