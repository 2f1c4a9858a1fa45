import { type Kysely, sql } from 'kysely';

/**
 * Rewrites the disclosure settings the admin API stored (gw_state `disclosure`), for the upgrades
 * that split a category: `change` gets the stored categories and returns the new list, or undefined
 * to leave them. Nothing stored (settings from the config) or a value that does not parse: untouched.
 */
export async function rewriteStoredDisclosure(
  db: Kysely<unknown>,
  change: (categories: readonly unknown[]) => unknown[] | undefined,
): Promise<void> {
  const row = await sql<{ value: string }>`SELECT value FROM gw_state WHERE name = 'disclosure'`.execute(db);
  const stored = row.rows[0]?.value;
  if (stored === undefined) return;
  let parsed: { categories?: unknown };
  try {
    parsed = JSON.parse(stored) as { categories?: unknown };
  } catch {
    return;
  }
  if (!Array.isArray(parsed.categories)) return;
  const categories = change(parsed.categories);
  if (categories === undefined) return;
  const value = JSON.stringify({ ...parsed, categories });
  await sql`UPDATE gw_state SET value = ${value} WHERE name = 'disclosure'`.execute(db);
}
