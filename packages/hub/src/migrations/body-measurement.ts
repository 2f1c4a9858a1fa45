import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Height, weight and blood type became a category of their own (`body-measurement`, issue 10: least
 * identity data); before, they travelled as `demographics`. So that nothing a store showed disappears
 * on upgrade, every facility that disclosed demographics now also discloses them, and the professions
 * whose default includes them (policy/matrix.ts at this release) keep seeing them where the office had
 * left demographics on. Pharmacists and care staff do not get them by default.
 */
const PROFESSIONS_WITH_MEASUREMENTS = [
  'doctor',
  'dentist',
  'nurse',
  'public-health-nurse',
  'midwife',
  'lab-technician',
  'radiology-technician',
  'therapist',
  'dietitian',
];

export const bodyMeasurementMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      INSERT INTO hub_profession_policy (profession, category)
      SELECT p.profession, 'body-measurement' FROM hub_profession_policy p
      WHERE p.category = 'demographics'
        AND p.profession IN (${sql.join(PROFESSIONS_WITH_MEASUREMENTS)})
        AND NOT EXISTS (SELECT 1 FROM hub_profession_policy q
                        WHERE q.profession = p.profession AND q.category = 'body-measurement')`.execute(db);
    await sql`
      INSERT INTO hub_disclosure (facility_oid, category)
      SELECT d.facility_oid, 'body-measurement' FROM hub_disclosure d
      WHERE d.category = 'demographics'
        AND NOT EXISTS (SELECT 1 FROM hub_disclosure e
                        WHERE e.facility_oid = d.facility_oid AND e.category = 'body-measurement')`.execute(
      db,
    );
  },
};
