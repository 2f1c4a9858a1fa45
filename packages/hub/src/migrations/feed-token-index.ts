import type { Kysely, Migration } from 'kysely';

/** Every feed, IHE call over loopback and MLLP message finds its facility by the token's hash. */
export const feedTokenIndexMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('hub_facility_feed_token')
      .on('hub_facility')
      .column('feed_token_hash')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('hub_facility_feed_token').execute();
  },
};
