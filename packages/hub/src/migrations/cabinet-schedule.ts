import type { Kysely, Migration } from 'kysely';

/** The Care Cabinet's monthly schedule (予定表): entries with their recurrence, and their exceptions. */
export const cabinetScheduleMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('hub_cabinet_schedule_entry')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('cabinet_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('facility_oid', 'text', (c) => c.notNull())
      .addColumn('start_date', 'text', (c) => c.notNull())
      .addColumn('start_time', 'text', (c) => c.notNull())
      .addColumn('end_time', 'text', (c) => c.notNull())
      .addColumn('nights', 'integer', (c) => c.notNull())
      .addColumn('zone', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('freq', 'text', (c) => c.notNull())
      .addColumn('every_n', 'integer', (c) => c.notNull())
      .addColumn('weekdays', 'text')
      .addColumn('nths', 'text')
      .addColumn('until_date', 'text')
      .addColumn('occurrence_count', 'integer')
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('hub_cabinet_schedule_entry_cabinet')
      .on('hub_cabinet_schedule_entry')
      .columns(['cabinet_id', 'start_date'])
      .execute();
    await db.schema
      .createTable('hub_cabinet_schedule_exception')
      .addColumn('entry_id', 'text', (c) => c.notNull())
      .addColumn('original_date', 'text', (c) => c.notNull())
      .addColumn('cabinet_id', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('move_date', 'text')
      .addColumn('move_start', 'text')
      .addColumn('move_end', 'text')
      .addColumn('note', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('hub_cabinet_schedule_exception_pk', ['entry_id', 'original_date'])
      .execute();
    await db.schema
      .createIndex('hub_cabinet_schedule_exception_cabinet')
      .on('hub_cabinet_schedule_exception')
      .columns(['cabinet_id'])
      .execute();
  },
};
