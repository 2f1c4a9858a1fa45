import { type Kysely, type Migration, sql } from 'kysely';
import type { Schema } from './schema.js';

/**
 * What the stored projection looks like. 1: resources as fhir-jp maps them; 2: each resource also
 * carries its category tag (@hie/contract labels.ts), which the hub checks; 3: height, weight and blood
 * type are category `body-measurement`, no longer `demographics`; 4: a numeric result keeps the text the
 * laboratory sent (OBX-5 `10.20`) in valueQuantity's originalText extension when the number alone loses
 * it; and (same release) an extended-storage document and its files carry the category of its kind
 * (`document-discharge-summary` …, fhir-jp document-kind.ts), no longer all `document`; and an
 * Encounter's location is ward, room and bed (location-physical-type), its period the stay's admission
 * (not a leave's or transfer's time), and a performed study's report has no conclusion (its OBX are
 * order information, not the finding); and a Condition keeps PRB-18 (主診断/副診断) as a category.
 * A store projected by an older release is rebuilt from storage at the next start
 * (GatewayIngest.start).
 */
export const PROJECTION_VERSION = 4;
const STATE_NAME = 'projection-version';

/** A new store is projected by this release; one that already holds resources is of version 1. */
export const projectionVersionMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const held = await sql<{
      n: number;
    }>`SELECT count(*) AS n FROM (SELECT 1 FROM gw_resource LIMIT 1) AS any_row`.execute(db);
    const version = Number(held.rows[0]?.n ?? 0) > 0 ? 1 : PROJECTION_VERSION;
    await sql`INSERT INTO gw_state (name, value, updated_at) VALUES (${STATE_NAME}, ${String(version)}, ${new Date().toISOString()})`.execute(
      db,
    );
  },
};

/** The version of the stored projection. */
export async function projectionVersion(db: Kysely<Schema>): Promise<number> {
  const row = await db
    .selectFrom('gw_state')
    .select('value')
    .where('name', '=', STATE_NAME)
    .executeTakeFirst();
  return Number(row?.value ?? PROJECTION_VERSION);
}

export async function markProjectionVersion(db: Kysely<Schema>): Promise<void> {
  const at = new Date().toISOString();
  await db
    .insertInto('gw_state')
    .values({ name: STATE_NAME, value: String(PROJECTION_VERSION), updated_at: at })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: String(PROJECTION_VERSION), updated_at: at }))
    .execute();
}
