import type { Kysely, Migration } from 'kysely';

/** The hub as SAML SP (saml/sp): links to directory users, the office's JIT policy, single-use IDs. */
export const samlSpMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('hub_saml_link')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('idp_entity_id', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('hub_user.id'))
      .addColumn('origin', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .addColumn('revoked_by', 'text')
      .addColumn('last_login_at', 'text')
      .execute();
    await db.schema
      .createIndex('hub_saml_link_subject')
      .on('hub_saml_link')
      .columns(['idp_entity_id', 'subject', 'status'])
      .execute();
    await db.schema.createIndex('hub_saml_link_user').on('hub_saml_link').columns(['user_id']).execute();
    await db.schema
      .createTable('hub_saml_idp_policy')
      .addColumn('idp_entity_id', 'text', (c) => c.primaryKey())
      .addColumn('jit_facilities', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('hub_saml_once')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('hub_saml_once_expiry').on('hub_saml_once').columns(['expires_at']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('hub_saml_once').execute();
    await db.schema.dropTable('hub_saml_idp_policy').execute();
    await db.schema.dropTable('hub_saml_link').execute();
  },
};

/**
 * Partners registered by the office at run time (partner/registry.ts): SPs (another network's portal,
 * with the interconnection agreement) and IdPs this hub trusts, each by its metadata — beside those in
 * the config file. A removed partner keeps its row (who registered and removed it, when).
 */
export const samlPartnerMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('hub_saml_partner')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('entity_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('metadata', 'text', (c) => c.notNull())
      .addColumn('options', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('hub_saml_partner_entity')
      .on('hub_saml_partner')
      .columns(['role', 'entity_id'])
      .unique()
      .execute();
    // The SPs each hub session signed in to (saml/logout-chain.ts): single logout goes through them.
    await db.schema
      .createTable('hub_saml_sp_session')
      .addColumn('session_id', 'text', (c) => c.notNull())
      .addColumn('sp_entity_id', 'text', (c) => c.notNull())
      .addColumn('name_id', 'text', (c) => c.notNull())
      .addColumn('session_index', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('hub_saml_sp_session_pk', ['session_id', 'sp_entity_id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('hub_saml_sp_session').execute();
    await db.schema.dropTable('hub_saml_partner').execute();
  },
};
