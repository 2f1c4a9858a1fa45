import type { Kysely, Migration } from 'kysely';

/**
 * The second image source (issue 12): the hospital's PACS over DICOMweb. Its instances join the
 * folders' in gw_dicom_instance with `source = 'pacs'` (no file: their frames are retrieved from the
 * PACS by WADO-RS when asked); gw_pacs_study keeps the PACS's study list as the last QIDO-RS query saw
 * it — patient id, issuer and instance count per study, and what became of it — so a pass fetches
 * again only the studies that changed, and drops those the PACS no longer has.
 */
export const pacsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('gw_dicom_instance')
      .addColumn('source', 'text', (c) => c.notNull().defaultTo('file'))
      .execute();
    await db.schema
      .createTable('gw_pacs_study')
      .addColumn('study_uid', 'text', (c) => c.primaryKey())
      .addColumn('patient_id', 'text', (c) => c.notNull())
      .addColumn('issuer', 'text')
      .addColumn('instances', 'integer', (c) => c.notNull())
      .addColumn('study_date', 'text')
      /** `indexed`, or the `dicom-…` code it was refused with (its gw_error row says why). */
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('seen_at', 'text', (c) => c.notNull())
      .execute();
  },
};
