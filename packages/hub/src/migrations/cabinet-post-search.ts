import type { Kysely, Migration } from 'kysely';
import { type PostBody, searchTextOf } from '../cabinet/inputs.js';

/**
 * The feed's search looked into the posts' JSON, so "text" or "value" found every post: each post now
 * keeps its words apart (`search_text`), filled here for the posts written before.
 */
export const cabinetPostSearchMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('hub_cabinet_post')
      .addColumn('search_text', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    const posts = db as unknown as Kysely<{
      hub_cabinet_post: { id: string; body_json: string; search_text: string };
    }>;
    const rows = await posts.selectFrom('hub_cabinet_post').select(['id', 'body_json']).execute();
    for (const row of rows) {
      await posts
        .updateTable('hub_cabinet_post')
        .set({ search_text: searchTextOf(JSON.parse(row.body_json) as PostBody) })
        .where('id', '=', row.id)
        .execute();
    }
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('hub_cabinet_post').dropColumn('search_text').execute();
  },
};
