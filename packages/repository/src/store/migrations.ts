import { AUDIT_MIGRATIONS, type Migrations, migrateToLatest, type Store } from '@hie/platform';
import type { Kysely, Migration } from 'kysely';

/**
 * The repository's own migration set (not the gateway's: every key of a tenant's table leads with
 * `tenant`, which the TenantScopePlugin requires). The record tables have the gateway's columns, so the
 * record server's code (`@hie/record-source`) reads and writes them unchanged through a scoped store.
 * The audit chain stays one for the whole repository (unscoped): each event names its facility.
 */
const repositoryMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('gw_resource')
      .addColumn('tenant', 'text', (c) => c.notNull())
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
      .addPrimaryKeyConstraint('rp_resource_pk', ['tenant', 'resource_type', 'id'])
      .execute();
    const index = (name: string, table: string, columns: string[]) =>
      db.schema.createIndex(name).on(table).columns(columns).execute();
    await index('rp_resource_timeline', 'gw_resource', [
      'tenant',
      'patient_id',
      'date',
      'resource_type',
      'id',
    ]);
    await index('rp_resource_category', 'gw_resource', ['tenant', 'patient_id', 'category', 'date']);
    await index('rp_resource_code', 'gw_resource', ['tenant', 'patient_id', 'code', 'date']);
    await index('rp_resource_key', 'gw_resource', ['tenant', 'record_key']);

    await db.schema
      .createTable('gw_patient')
      .addColumn('tenant', 'text', (c) => c.notNull())
      .addColumn('patient_id', 'text', (c) => c.notNull())
      .addColumn('name_kanji', 'text')
      .addColumn('name_kana', 'text')
      .addColumn('kana_key', 'text')
      .addColumn('birth_date', 'text')
      .addColumn('sex', 'text')
      .addColumn('postcode', 'text')
      .addColumn('address', 'text')
      .addColumn('phone', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('rp_patient_pk', ['tenant', 'patient_id'])
      .execute();
    await index('rp_patient_kana', 'gw_patient', ['tenant', 'kana_key']);
    await index('rp_patient_birth', 'gw_patient', ['tenant', 'birth_date']);
    await index('rp_patient_feed', 'gw_patient', ['tenant', 'updated_at', 'patient_id']);

    await db.schema
      .createTable('gw_state')
      .addColumn('tenant', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('rp_state_pk', ['tenant', 'name'])
      .execute();

    // Assertion ids used, per tenant: an assertion names one audience, so a replay at another tenant is
    // refused by its audience before the ledger is asked.
    await db.schema
      .createTable('gw_nonce')
      .addColumn('tenant', 'text', (c) => c.notNull())
      .addColumn('jti', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('rp_nonce_pk', ['tenant', 'jti'])
      .execute();

    await db.schema
      .createTable('rp_intake')
      .addColumn('tenant', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('sha256', 'text')
      .addColumn('sender', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('counts', 'text', (c) => c.notNull())
      .addColumn('issues', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('rp_intake_pk', ['tenant', 'id'])
      .execute();
    await index('rp_intake_time', 'rp_intake', ['tenant', 'received_at']);
    await index('rp_intake_file', 'rp_intake', ['tenant', 'kind', 'sha256']);

    await db.schema
      .createTable('rp_tenant')
      .addColumn('oid', 'text', (c) => c.primaryKey())
      .addColumn('institution_code', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('rp_sender')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('tenant', 'text')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('facility_code', 'text')
      .addColumn('token_sha256', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema
      .createTable('rp_lab_link')
      .addColumn('sender_id', 'text', (c) => c.notNull())
      .addColumn('tenant', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('rp_lab_link_pk', ['sender_id', 'tenant'])
      .execute();
  },
};

/** Entries made by hand in the portal: every version kept, deletions too (who, when, why). */
const entriesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('rp_entry')
      .addColumn('tenant', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('patient_id', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('profession', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addPrimaryKeyConstraint('rp_entry_pk', ['tenant', 'id', 'version'])
      .execute();
    await db.schema
      .createIndex('rp_entry_patient')
      .on('rp_entry')
      .columns(['tenant', 'patient_id', 'at'])
      .execute();
  },
};

/**
 * The client certificates a lab centre sends MLLP/TLS with, by SHA-256 fingerprint (unscoped, like
 * rp_sender: they say who is at the other end of a connection before any message names a tenant). The
 * fingerprint is the key: one certificate speaks for one sender only.
 */
const senderCertificatesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('rp_sender_certificate')
      .addColumn('sender_id', 'text', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('rp_sender_certificate_sender')
      .on('rp_sender_certificate')
      .column('sender_id')
      .execute();
  },
};

/**
 * Ids by prefix within a tenant: an intake replaces what it wrote before by id prefix (an ORCA patient's
 * months, a UKE file's claims). The primary key leads with the resource type, so without this index
 * each prefix read every row of the tenant (bench/repository: 15 ms a prefix at 128k rows, 0.005 ms with it).
 */
const resourceIdMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('rp_resource_id').on('gw_resource').columns(['tenant', 'id']).execute();
  },
};

/**
 * The network directory the hub pushes to each tenant (ITI-59), as a gateway keeps it
 * (`@hie/record-source` store/directory-migration.ts) with the tenant leading the key: each tenant takes
 * its own push, at `/t/<OID>/ihe/hpd-feed`, and is refused by its own directory.
 */
const directoryMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('gw_directory_entry')
      .addColumn('tenant', 'text', (c) => c.notNull())
      .addColumn('dn', 'text', (c) => c.notNull())
      .addColumn('attrs', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('rp_directory_entry_pk', ['tenant', 'dn'])
      .execute();
  },
};

export const REPOSITORY_MIGRATIONS: Migrations = {
  ...AUDIT_MIGRATIONS,
  '0101_repository': repositoryMigration,
  '0102_repository_entries': entriesMigration,
  '0103_repository_sender_certificates': senderCertificatesMigration,
  '0104_repository_resource_id': resourceIdMigration,
  '0105_repository_directory': directoryMigration,
};

/** Brings the repository's store up to date; safe at every start. */
export function migrateRepositoryStore<DB>(store: Store<DB>): Promise<void> {
  return migrateToLatest(store, REPOSITORY_MIGRATIONS);
}
