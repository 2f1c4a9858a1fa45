import type { Kysely, Migration } from 'kysely';

/** HPKI cards bound to directory users (auth/hpki/bindings.ts). */
export const hpkiBindingMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('hub_hpki_binding')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('hub_user.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('issuer', 'text', (c) => c.notNull())
      .addColumn('match_value', 'text', (c) => c.notNull())
      .addColumn('subject', 'text')
      .addColumn('hc_role', 'text')
      .addColumn('not_after', 'text')
      .addColumn('cert_sha256', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('requested_at', 'text', (c) => c.notNull())
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('decided_at', 'text')
      .addColumn('decided_by', 'text')
      .execute();
    await db.schema
      .createIndex('hub_hpki_binding_match')
      .on('hub_hpki_binding')
      .columns(['issuer', 'match_value', 'status'])
      .execute();
    await db.schema
      .createIndex('hub_hpki_binding_user')
      .on('hub_hpki_binding')
      .columns(['user_id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('hub_hpki_binding').execute();
  },
};
