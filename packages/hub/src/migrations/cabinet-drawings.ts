import type { Kysely, Migration } from 'kysely';

/** Schema drawings of the Care Cabinet (シェーマ): one table, models as JSON text, a PNG thumbnail as base64. */
export const cabinetDrawingsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('hub_cabinet_drawing')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('cabinet_id', 'text', (c) => c.notNull())
      .addColumn('post_id', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_by_name', 'text', (c) => c.notNull())
      .addColumn('created_by_facility_oid', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('body_part', 'text', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('model_json', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('thumbnail_base64', 'text')
      .addColumn('thumbnail_size', 'integer')
      .execute();
    // A series (one wound over time) and the list, newest first.
    await db.schema
      .createIndex('hub_cabinet_drawing_series')
      .on('hub_cabinet_drawing')
      .columns(['cabinet_id', 'body_part', 'label', 'created_at'])
      .execute();
    await db.schema
      .createIndex('hub_cabinet_drawing_cabinet')
      .on('hub_cabinet_drawing')
      .columns(['cabinet_id', 'created_at'])
      .execute();
    await db.schema
      .createIndex('hub_cabinet_drawing_post')
      .on('hub_cabinet_drawing')
      .columns(['post_id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('hub_cabinet_drawing').execute();
  },
};
