import type { Kysely, Migration } from 'kysely';

/** Facility systems' client certificates for the IHE endpoints (mutual TLS, ITI-19). */
export const nodeCertMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('hub_node_cert')
      .addColumn('fingerprint', 'text', (c) => c.primaryKey())
      .addColumn('facility_oid', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('issuer', 'text', (c) => c.notNull())
      .addColumn('valid_to', 'text', (c) => c.notNull())
      .addColumn('registered_at', 'text', (c) => c.notNull())
      .addColumn('registered_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('hub_node_cert_facility')
      .on('hub_node_cert')
      .columns(['facility_oid'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('hub_node_cert').execute();
  },
};
