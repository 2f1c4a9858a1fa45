import type { Kysely, Migration } from 'kysely';

export const mpiMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('mpi_person')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('merged_into', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('mpi_record')
      .addColumn('facility_oid', 'text', (c) => c.notNull())
      .addColumn('local_id', 'text', (c) => c.notNull())
      .addColumn('person_id', 'text', (c) => c.notNull())
      .addColumn('name_kanji', 'text')
      .addColumn('name_kana', 'text')
      .addColumn('kanji_key', 'text')
      .addColumn('kana_key', 'text')
      .addColumn('birth_date', 'text')
      .addColumn('sex', 'text')
      .addColumn('postcode', 'text')
      .addColumn('address', 'text')
      .addColumn('phone', 'text')
      .addColumn('link_method', 'text', (c) => c.notNull())
      .addColumn('link_score', 'double precision')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('mpi_record_pk', ['facility_oid', 'local_id'])
      .execute();
    await db.schema.createIndex('mpi_record_person').on('mpi_record').columns(['person_id']).execute();
    await db.schema.createIndex('mpi_record_kana').on('mpi_record').columns(['kana_key']).execute();
    await db.schema.createIndex('mpi_record_kanji').on('mpi_record').columns(['kanji_key']).execute();
    await db.schema.createIndex('mpi_record_birth').on('mpi_record').columns(['birth_date']).execute();
    await db.schema
      .createTable('mpi_review')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('facility_oid', 'text', (c) => c.notNull())
      .addColumn('local_id', 'text', (c) => c.notNull())
      .addColumn('candidate_person_id', 'text', (c) => c.notNull())
      .addColumn('score', 'double precision', (c) => c.notNull())
      .addColumn('explanation', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'text')
      .execute();
    await db.schema
      .createIndex('mpi_review_status')
      .on('mpi_review')
      .columns(['status', 'created_at'])
      .execute();
    await db.schema
      .createTable('mpi_history')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('facility_oid', 'text', (c) => c.notNull())
      .addColumn('local_id', 'text', (c) => c.notNull())
      .addColumn('from_person', 'text')
      .addColumn('to_person', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('score', 'double precision')
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('mpi_history_record')
      .on('mpi_history')
      .columns(['facility_oid', 'local_id', 'at'])
      .execute();
  },
};
