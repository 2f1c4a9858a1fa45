import { AUDIT_MIGRATIONS, type Migrations, migrateToLatest, type Store } from '@hie/platform';
import type { Kysely, Migration } from 'kysely';
import { bodyMeasurementDisclosure } from './body-measurement.js';
import { dicomMigration } from './dicom-migration.js';
import { directoryMigration } from './directory-migration.js';
import { documentKindsDisclosure } from './document-kinds.js';
import { gatewayFeedMigration } from './feed-migration.js';
import { inboundOwnerMigration } from './inbound-owner.js';
import { pacsMigration } from './pacs-migration.js';
import { projectionVersionMigration } from './projection-version.js';

/** The gateway's projection: files, resources, patients, errors, small state, assertion nonces. */
const gatewayMigration: Migration = {
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
};

/**
 * The gateway's migration set, for both engines. Names keep the numbers of the single set that every
 * unit ran before the split (0001 audit, 0002 gateway, 0007 feed), so existing stores carry on.
 */
export const GATEWAY_MIGRATIONS: Migrations = {
  ...AUDIT_MIGRATIONS,
  '0002_gateway': gatewayMigration,
  '0007_gateway_feed': gatewayFeedMigration,
  '0008_gateway_projection_version': projectionVersionMigration,
  '0009_gateway_inbound_owner': inboundOwnerMigration,
  '0011_gateway_body_measurement': bodyMeasurementDisclosure,
  // 0012 and 0013 are the hub's.
  '0014_gateway_document_kinds': documentKindsDisclosure,
  '0015_gateway_dicom': dicomMigration,
  '0016_gateway_pacs': pacsMigration,
  '0029_gateway_directory': directoryMigration,
};

/** Brings a gateway's store up to date; safe at every start. */
export function migrateGatewayStore<DB>(store: Store<DB>): Promise<void> {
  return migrateToLatest(store, GATEWAY_MIGRATIONS);
}
