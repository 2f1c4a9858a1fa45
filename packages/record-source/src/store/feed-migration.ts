import type { Kysely, Migration } from 'kysely';

/** Contact details of each patient, for the hub's patient matching (PID-11 address, PID-13 phone). */
export const gatewayFeedMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('gw_patient').addColumn('postcode', 'text').execute();
    await db.schema.alterTable('gw_patient').addColumn('address', 'text').execute();
    await db.schema.alterTable('gw_patient').addColumn('phone', 'text').execute();
    // The feed walks patients in (updated_at, patient_id) order from its checkpoint.
    await db.schema
      .createIndex('gw_patient_feed')
      .on('gw_patient')
      .columns(['updated_at', 'patient_id'])
      .execute();
  },
};
