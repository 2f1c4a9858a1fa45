import type { Kysely, Migration } from 'kysely';

/**
 * DICOM instances the gateway indexed from the hospital's image folders (issue 12): the header facts
 * the DICOMweb answers need, the file and where its pixel data starts — never the pixels themselves.
 * Keyed with the patient: a study UID that two patients' files claim stays two studies, each seen
 * only under its own patient.
 */
export const dicomMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('gw_dicom_instance')
      .addColumn('patient_id', 'text', (c) => c.notNull())
      .addColumn('study_uid', 'text', (c) => c.notNull())
      .addColumn('series_uid', 'text', (c) => c.notNull())
      .addColumn('sop_uid', 'text', (c) => c.notNull())
      .addColumn('sop_class_uid', 'text', (c) => c.notNull())
      .addColumn('modality', 'text', (c) => c.notNull())
      .addColumn('series_number', 'integer')
      .addColumn('instance_number', 'integer')
      .addColumn('frames', 'integer', (c) => c.notNull())
      .addColumn('transfer_syntax', 'text', (c) => c.notNull())
      .addColumn('pixel_offset', 'bigint')
      .addColumn('pixel_length', 'bigint')
      .addColumn('file_path', 'text', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('mtime_ms', 'double precision', (c) => c.notNull())
      /** The instance's header in the DICOM JSON model (PS3.18 F.2), Pixel Data left out. */
      .addColumn('json', 'text', (c) => c.notNull())
      .addColumn('indexed_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('gw_dicom_instance_pk', ['patient_id', 'study_uid', 'series_uid', 'sop_uid'])
      .execute();
    await db.schema
      .createIndex('gw_dicom_instance_file')
      .on('gw_dicom_instance')
      .columns(['file_path'])
      .execute();
    await db.schema
      .createIndex('gw_dicom_instance_study')
      .on('gw_dicom_instance')
      .columns(['study_uid'])
      .execute();
  },
};
