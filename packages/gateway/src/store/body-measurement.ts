import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Height, weight and blood type became a category of their own (`body-measurement`); a facility whose
 * stored disclosure settings disclosed `demographics` disclosed them too, and still does.
 */
export const bodyMeasurementDisclosure: Migration = {
  async up(db: Kysely<unknown>) {
    const row = await sql<{ value: string }>`SELECT value FROM gw_state WHERE name = 'disclosure'`.execute(
      db,
    );
    const stored = row.rows[0]?.value;
    if (stored === undefined) return;
    let parsed: { categories?: unknown };
    try {
      parsed = JSON.parse(stored) as { categories?: unknown };
    } catch {
      return;
    }
    const categories = parsed.categories;
    if (!Array.isArray(categories) || !categories.includes('demographics')) return;
    if (categories.includes('body-measurement')) return;
    const value = JSON.stringify({ ...parsed, categories: [...categories, 'body-measurement'] });
    await sql`UPDATE gw_state SET value = ${value} WHERE name = 'disclosure'`.execute(db);
  },
};
