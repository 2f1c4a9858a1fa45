import { type Kysely, type Migration, sql } from 'kysely';

/** The hash that the first audit event links to. */
export const GENESIS_HASH = '0'.repeat(64);

/** The audit chain's tables: every unit's migration set starts with this one (`0001_audit`). */
export const auditMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('audit_event')
      .addColumn('seq', 'bigint', (c) => c.primaryKey())
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('facility_oid', 'text')
      .addColumn('patient_key', 'text')
      .addColumn('event_json', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('audit_event_patient')
      .on('audit_event')
      .columns(['patient_key', 'seq'])
      .execute();
    await db.schema.createIndex('audit_event_user').on('audit_event').columns(['user_id', 'seq']).execute();
    await db.schema
      .createIndex('audit_event_facility')
      .on('audit_event')
      .columns(['facility_oid', 'seq'])
      .execute();
    // The chain head: one row, locked by each append so the chain stays linear under concurrency,
    // and remembered so that deleting the newest events is detected too.
    await db.schema
      .createTable('audit_head')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await sql`INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, ${GENESIS_HASH})`.execute(db);
  },
};

/** The first migrations of every unit's set. */
/** Where each ATNA repository has the chain up to (audit/atna.ts). */
export const auditForwardMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('audit_forward')
      .addColumn('target', 'text', (c) => c.primaryKey())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('audit_forward').execute();
  },
};

export const AUDIT_MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_audit': auditMigration,
  '0001_audit_forward': auditForwardMigration,
};
