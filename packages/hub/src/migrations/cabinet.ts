import type { Kysely, Migration } from 'kysely';

/** The Care Cabinet (issue 14): groups, cabinets, members, the team consent, posts and what hangs off them. */
export const cabinetMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('hub_cabinet_group')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('area', 'text')
      .addColumn('columns_json', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('hub_cabinet_group_facility')
      .addColumn('group_id', 'text', (c) => c.notNull())
      .addColumn('facility_oid', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('hub_cabinet_group_facility_pk', ['group_id', 'facility_oid'])
      .execute();
    await db.schema
      .createIndex('hub_cabinet_group_facility_oid')
      .on('hub_cabinet_group_facility')
      .columns(['facility_oid', 'group_id'])
      .execute();
    await db.schema
      .createTable('hub_cabinet')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('group_id', 'text', (c) => c.notNull())
      .addColumn('owner_user_id', 'text', (c) => c.notNull())
      .addColumn('owner_facility_oid', 'text', (c) => c.notNull())
      .addColumn('patient_name', 'text', (c) => c.notNull())
      .addColumn('patient_kana', 'text', (c) => c.notNull())
      .addColumn('birth_date', 'text', (c) => c.notNull())
      .addColumn('sex', 'text', (c) => c.notNull())
      .addColumn('address', 'text')
      .addColumn('person_id', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('opened_at', 'text', (c) => c.notNull())
      .addColumn('closed_at', 'text')
      .addColumn('closed_by', 'text')
      .addColumn('close_reason', 'text')
      .addColumn('retention_until', 'text')
      .addColumn('last_post_at', 'text')
      .execute();
    await db.schema.createIndex('hub_cabinet_group_idx').on('hub_cabinet').columns(['group_id']).execute();
    await db.schema
      .createTable('hub_cabinet_member')
      .addColumn('cabinet_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('facility_oid', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('invited_by', 'text', (c) => c.notNull())
      .addColumn('invited_at', 'text', (c) => c.notNull())
      .addColumn('joined_at', 'text')
      .addColumn('ended_at', 'text')
      .addColumn('ended_by', 'text')
      .addPrimaryKeyConstraint('hub_cabinet_member_pk', ['cabinet_id', 'user_id', 'facility_oid'])
      .execute();
    await db.schema
      .createIndex('hub_cabinet_member_user')
      .on('hub_cabinet_member')
      .columns(['user_id', 'facility_oid', 'status'])
      .execute();
    await db.schema
      .createTable('hub_cabinet_consent')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('cabinet_id', 'text', (c) => c.notNull())
      .addColumn('start_date', 'text', (c) => c.notNull())
      .addColumn('end_date', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('registered_by', 'text', (c) => c.notNull())
      .addColumn('registered_at', 'text', (c) => c.notNull())
      .addColumn('withdrawn_by', 'text')
      .addColumn('withdrawn_at', 'text')
      .addColumn('withdraw_reason', 'text')
      .addColumn('note', 'text')
      .addColumn('form_type', 'text')
      .addColumn('form_sha256', 'text')
      .addColumn('form_name', 'text')
      .addColumn('form_size', 'integer')
      .addColumn('form_base64', 'text')
      .execute();
    await db.schema
      .createIndex('hub_cabinet_consent_cabinet')
      .on('hub_cabinet_consent')
      .columns(['cabinet_id', 'status'])
      .execute();
    await db.schema
      .createTable('hub_cabinet_consent_facility')
      .addColumn('consent_id', 'text', (c) => c.notNull())
      .addColumn('facility_oid', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('hub_cabinet_consent_facility_pk', ['consent_id', 'facility_oid'])
      .execute();
    await db.schema
      .createTable('hub_cabinet_post')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('cabinet_id', 'text', (c) => c.notNull())
      .addColumn('reply_to', 'text')
      .addColumn('author_user_id', 'text', (c) => c.notNull())
      .addColumn('author_name', 'text', (c) => c.notNull())
      .addColumn('author_profession', 'text', (c) => c.notNull())
      .addColumn('author_facility_oid', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('template_id', 'text')
      .addColumn('urgent', 'integer', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('body_json', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('hub_cabinet_post_time')
      .on('hub_cabinet_post')
      .columns(['cabinet_id', 'created_at', 'id'])
      .execute();
    await db.schema
      .createIndex('hub_cabinet_post_reply')
      .on('hub_cabinet_post')
      .columns(['reply_to'])
      .execute();
    await db.schema
      .createTable('hub_cabinet_post_version')
      .addColumn('post_id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('body_json', 'text', (c) => c.notNull())
      .addColumn('urgent', 'integer', (c) => c.notNull())
      .addColumn('edited_by', 'text', (c) => c.notNull())
      .addColumn('edited_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('hub_cabinet_post_version_pk', ['post_id', 'version'])
      .execute();
    await db.schema
      .createTable('hub_cabinet_mention')
      .addColumn('post_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('hub_cabinet_mention_pk', ['post_id', 'user_id'])
      .execute();
    await db.schema
      .createIndex('hub_cabinet_mention_user')
      .on('hub_cabinet_mention')
      .columns(['user_id', 'post_id'])
      .execute();
    await db.schema
      .createTable('hub_cabinet_read')
      .addColumn('post_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('read_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('hub_cabinet_read_pk', ['post_id', 'user_id'])
      .execute();
    await db.schema
      .createTable('hub_cabinet_vital')
      .addColumn('post_id', 'text', (c) => c.notNull())
      .addColumn('cabinet_id', 'text', (c) => c.notNull())
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('unit', 'text', (c) => c.notNull())
      .addColumn('observed_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('hub_cabinet_vital_pk', ['post_id', 'code'])
      .execute();
    await db.schema
      .createIndex('hub_cabinet_vital_series')
      .on('hub_cabinet_vital')
      .columns(['cabinet_id', 'code', 'observed_at'])
      .execute();
    await db.schema
      .createTable('hub_cabinet_template')
      .addColumn('group_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('template_json', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('hub_cabinet_template_pk', ['group_id', 'id'])
      .execute();
  },
};
