import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { gatewayFeedMigration } from '../gateway/feed/migration.js';
import { authMigration } from '../hub/auth/migration.js';
import { consentMigration } from '../hub/consent/migration.js';
import { directoryMigration } from '../hub/directory/migration.js';
import { mpiMigration } from '../hub/mpi/migration.js';
import type { Store } from './open.js';

/**
 * The one migration set, for both engines. Every deployable unit (gateway, hub, hosted small-facility
 * gateway) runs all of it: a table a unit does not use stays empty. Only portable column types here.
 */
const migrations: Record<string, Migration> = {
  '0001_audit': {
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
  },
  '0002_gateway': {
    async up(db: Kysely<unknown>) {
      // Every source file the gateway has seen: its identity (path, size, mtime, content hash, MSH-10),
      // its SS-MIX2 key and what became of it. The index can always be rebuilt from storage.
      await db.schema
        .createTable('gw_file')
        .addColumn('path', 'text', (c) => c.primaryKey())
        .addColumn('record_key', 'text', (c) => c.notNull())
        .addColumn('patient_id', 'text', (c) => c.notNull())
        .addColumn('care_date', 'text', (c) => c.notNull())
        .addColumn('data_type', 'text', (c) => c.notNull())
        .addColumn('order_no', 'text', (c) => c.notNull())
        .addColumn('timestamp', 'text', (c) => c.notNull())
        .addColumn('department', 'text', (c) => c.notNull())
        .addColumn('flag', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('mtime_ms', 'double precision', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('control_id', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('ingested_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('gw_file_key').on('gw_file').columns(['record_key', 'timestamp']).execute();
      await db.schema.createIndex('gw_file_patient').on('gw_file').columns(['patient_id']).execute();
      // The FHIR projection: one row per resource, with the columns the API filters and pages on.
      await db.schema
        .createTable('gw_resource')
        .addColumn('resource_type', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('patient_id', 'text', (c) => c.notNull())
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('date', 'text')
        .addColumn('code', 'text')
        .addColumn('record_key', 'text', (c) => c.notNull())
        .addColumn('file_path', 'text', (c) => c.notNull())
        .addColumn('version_id', 'integer', (c) => c.notNull())
        .addColumn('last_updated', 'text', (c) => c.notNull())
        .addColumn('json', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('gw_resource_pk', ['resource_type', 'id'])
        .execute();
      await db.schema
        .createIndex('gw_resource_timeline')
        .on('gw_resource')
        .columns(['patient_id', 'date', 'resource_type', 'id'])
        .execute();
      await db.schema
        .createIndex('gw_resource_category')
        .on('gw_resource')
        .columns(['patient_id', 'category', 'date'])
        .execute();
      await db.schema
        .createIndex('gw_resource_code')
        .on('gw_resource')
        .columns(['patient_id', 'code', 'date'])
        .execute();
      await db.schema.createIndex('gw_resource_key').on('gw_resource').columns(['record_key']).execute();
      // Patients, for search by local id, kana and birth date.
      await db.schema
        .createTable('gw_patient')
        .addColumn('patient_id', 'text', (c) => c.primaryKey())
        .addColumn('name_kanji', 'text')
        .addColumn('name_kana', 'text')
        .addColumn('kana_key', 'text')
        .addColumn('birth_date', 'text')
        .addColumn('sex', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('gw_patient_kana').on('gw_patient').columns(['kana_key']).execute();
      await db.schema.createIndex('gw_patient_birth').on('gw_patient').columns(['birth_date']).execute();
      // Files that could not be ingested: shown by status and the API, retried when the file changes.
      await db.schema
        .createTable('gw_error')
        .addColumn('path', 'text', (c) => c.primaryKey())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('position', 'text')
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('mtime_ms', 'double precision', (c) => c.notNull())
        .addColumn('first_seen', 'text', (c) => c.notNull())
        .addColumn('last_tried', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .execute();
      // Small named values: checkpoints, disclosure settings.
      await db.schema
        .createTable('gw_state')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      // Assertion ids already used, so a replayed assertion is refused until it would have expired anyway.
      await db.schema
        .createTable('gw_nonce')
        .addColumn('jti', 'text', (c) => c.primaryKey())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  '0003_hub_directory': directoryMigration,
  '0004_hub_auth': authMigration,
  '0005_hub_mpi': mpiMigration,
  '0006_hub_consent': consentMigration,
  '0007_gateway_feed': gatewayFeedMigration,
};

/** The hash that the first audit event links to. */
export const GENESIS_HASH = '0'.repeat(64);

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/** Brings the store's schema up to date; safe to call at every start. */
export async function migrateToLatest(store: Store<unknown>): Promise<void> {
  // On PostgreSQL the bookkeeping tables must live in the store's own schema: otherwise Kysely finds
  // another schema's kysely_migration_lock through the catalog and never creates its own.
  const migrator = new Migrator({
    db: store.db,
    provider: new StaticProvider(),
    ...(store.engine === 'postgres' ? { migrationTableSchema: store.schema ?? 'public' } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed on ${store.location}: ${String(error)}`);
  }
}
