import { DOCUMENT_KINDS } from '@hie/contract';
import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Documents became one category per kind (退院時サマリ, 看護記録, 読影レポート …; issue 11), with
 * `document` kept as the catch-all (その他文書). Before, every document was `document`. So that an
 * upgrade changes no meaning: every facility that disclosed `document` now discloses every kind too,
 * and every profession that saw `document` sees every kind. A store whose matrix already names kinds
 * was seeded by this release (policy/matrix.ts, which gives each profession the kinds that fit it):
 * its matrix is left as it is.
 */
export const documentKindsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const kinds = sql.join(DOCUMENT_KINDS.map((k) => sql`${k}`));
    const knowsKinds = await sql<{ n: number }>`
      SELECT count(*) AS n FROM hub_profession_policy WHERE category IN (${kinds})`.execute(db);
    if (Number(knowsKinds.rows[0]?.n ?? 0) === 0) {
      const professions = await sql<{ profession: string }>`
        SELECT profession FROM hub_profession_policy WHERE category = 'document'`.execute(db);
      for (const { profession } of professions.rows) {
        for (const kind of DOCUMENT_KINDS) {
          await sql`INSERT INTO hub_profession_policy (profession, category) VALUES (${profession}, ${kind})`.execute(
            db,
          );
        }
      }
    }
    const facilities = await sql<{ facility_oid: string }>`
      SELECT d.facility_oid FROM hub_disclosure d
      WHERE d.category = 'document'
        AND NOT EXISTS (SELECT 1 FROM hub_disclosure e
                        WHERE e.facility_oid = d.facility_oid AND e.category IN (${kinds}))`.execute(db);
    for (const { facility_oid } of facilities.rows) {
      for (const kind of DOCUMENT_KINDS) {
        await sql`INSERT INTO hub_disclosure (facility_oid, category) VALUES (${facility_oid}, ${kind})`.execute(
          db,
        );
      }
    }
  },
};
