import type { Kysely, Migration } from 'kysely';

/** The facilities' PIX Consumers (ITI-46 update notifications) and their delivery cursors. */
export const iheMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('hub_pix_consumer')
      .addColumn('facility_oid', 'text', (c) => c.primaryKey())
      .addColumn('endpoint', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('cursor', 'text', (c) => c.notNull())
      .addColumn('delivered', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_attempt_at', 'text')
      .addColumn('last_error', 'text')
      .addColumn('retry_at', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('mpi_history_facility')
      .on('mpi_history')
      .columns(['facility_oid', 'id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('mpi_history_facility').execute();
    await db.schema.dropTable('hub_pix_consumer').execute();
  },
};
