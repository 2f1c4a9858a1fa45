import type { Kysely, Migration } from 'kysely';

/**
 * The network's directory as the hub pushed it (ITI-59, issue 15): one row per LDAP entry under
 * `dc=HPD` — facilities, professionals and relationships — with its attributes as JSON.
 */
export const directoryMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('gw_directory_entry')
      .addColumn('dn', 'text', (c) => c.primaryKey())
      .addColumn('attrs', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('gw_directory_entry').execute();
  },
};
