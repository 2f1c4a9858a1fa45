import { type ColumnDefinitionBuilder, type Kysely, type Migration, PostgresAdapter, sql } from 'kysely';

/**
 * Key columns compared by range (PDQ prefix search: `key >= p AND key < p || U+FFFF`) use byte order
 * on PostgreSQL as SQLite does, so a btree index answers the prefix search on both engines.
 */
const keyColumn = (postgres: boolean) => (c: ColumnDefinitionBuilder) =>
  postgres ? c.modifyFront(sql`collate "C"`) : c;

export const mpiMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    const key = keyColumn(postgres);
    await db.schema
      .createTable('mpi_person')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('merged_into', 'text')
      .addColumn('name_kanji', 'text')
      .addColumn('name_kana', 'text')
      .addColumn('kana_key', 'text', key)
      .addColumn('birth_date', 'text')
      .addColumn('sex', 'text')
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
      .addColumn('kanji_key', 'text', key)
      .addColumn('kana_key', 'text', key)
      .addColumn('kanji_family', 'text')
      .addColumn('kanji_given', 'text')
      .addColumn('kana_family', 'text')
      .addColumn('kana_given', 'text')
      .addColumn('birth_date', 'text')
      .addColumn('sex', 'text')
      .addColumn('postcode', 'text')
      .addColumn('address', 'text')
      .addColumn('phone', 'text')
      .addColumn('address_key', 'text')
      .addColumn('phone_key', 'text')
      .addColumn('link_method', 'text', (c) => c.notNull())
      .addColumn('link_score', 'double precision')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('mpi_record_pk', ['facility_oid', 'local_id'])
      .execute();
    await db.schema.createIndex('mpi_record_person').on('mpi_record').columns(['person_id']).execute();
    // Blocking keys (candidates of a fed record, feed.ts blockingCandidates): family reading + birth
    // date, given reading + birth date (one part of the name may vary), full reading or written name
    // within a year of the birth date (typos), phone. The full keys also serve PDQ.
    await db.schema
      .createIndex('mpi_record_kana')
      .on('mpi_record')
      .columns(['kana_key', 'birth_date'])
      .execute();
    await db.schema
      .createIndex('mpi_record_kanji')
      .on('mpi_record')
      .columns(['kanji_key', 'birth_date'])
      .execute();
    await db.schema
      .createIndex('mpi_record_family_birth')
      .on('mpi_record')
      .columns(['kana_family', 'birth_date'])
      .execute();
    await db.schema
      .createIndex('mpi_record_given_birth')
      .on('mpi_record')
      .columns(['kana_given', 'birth_date'])
      .execute();
    await db.schema.createIndex('mpi_record_birth').on('mpi_record').columns(['birth_date', 'sex']).execute();
    await db.schema.createIndex('mpi_record_local').on('mpi_record').columns(['local_id']).execute();
    await db.schema.createIndex('mpi_record_phone').on('mpi_record').columns(['phone_key']).execute();
    await db.schema.createIndex('mpi_person_kana').on('mpi_person').columns(['kana_key', 'id']).execute();
    await db.schema
      .createTable('mpi_name_count')
      .addColumn('part', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('n', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('mpi_name_count_pk', ['part', 'value'])
      .execute();
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
      .createIndex('mpi_review_record')
      .on('mpi_review')
      .columns(['facility_oid', 'local_id', 'status'])
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
    await db.schema.createIndex('mpi_history_to').on('mpi_history').columns(['to_person']).execute();
    await db.schema.createIndex('mpi_history_from').on('mpi_history').columns(['from_person']).execute();
  },
};
