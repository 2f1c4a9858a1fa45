import type { Kysely, Migration } from 'kysely';

/**
 * Care Cabinet files (photos, videos, PDFs): one row per upload; the bytes are on disk. Sizes fit an
 * integer on both engines (the largest file is 500 MB).
 */
export const cabinetFilesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('hub_cabinet_file')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('cabinet_id', 'text', (c) => c.notNull())
      .addColumn('post_id', 'text')
      .addColumn('uploaded_by', 'text', (c) => c.notNull())
      .addColumn('uploader_facility_oid', 'text', (c) => c.notNull())
      .addColumn('uploaded_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('declared_type', 'text', (c) => c.notNull())
      .addColumn('media_type', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('upload_offset', 'integer', (c) => c.notNull())
      .addColumn('sha256', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('problem', 'text')
      .addColumn('width', 'integer')
      .addColumn('height', 'integer')
      .addColumn('duration_ms', 'integer')
      .addColumn('original_path', 'text')
      .addColumn('thumbnail_path', 'text')
      .addColumn('poster_path', 'text')
      .addColumn('rendition_path', 'text')
      .execute();
    await db.schema
      .createIndex('hub_cabinet_file_post')
      .on('hub_cabinet_file')
      .columns(['cabinet_id', 'post_id'])
      .execute();
    await db.schema
      .createIndex('hub_cabinet_file_status')
      .on('hub_cabinet_file')
      .columns(['status', 'updated_at'])
      .execute();
  },
};
