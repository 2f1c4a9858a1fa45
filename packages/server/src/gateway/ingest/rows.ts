// Bulk statements for both engines: multi-row upserts and keyed deletes in chunks, so a batch of
// files costs a handful of round trips, never one per row.
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { Engine } from '../../store/open.js';
import type { GwFileTable, GwResourceTable, Schema } from '../../store/schema.js';

export type Db = Kysely<Schema> | Transaction<Schema>;

/** Rows per statement: 11 columns × 500 stays far below both engines' parameter limits. */
const CHUNK = 500;

export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const RESOURCE_COLUMNS = [
  'resource_type',
  'id',
  'patient_id',
  'category',
  'date',
  'code',
  'record_key',
  'file_path',
  'version_id',
  'last_updated',
  'json',
] as const;

/** `INSERT … VALUES (…),(…) ON CONFLICT … DO UPDATE` text for `n` rows, cached per engine and size. */
const statementCache = new Map<string, string>();
function upsertSql(engine: Engine, n: number): string {
  const cacheKey = `${engine}:${n}`;
  const cached = statementCache.get(cacheKey);
  if (cached) return cached;
  const width = RESOURCE_COLUMNS.length;
  const tuples: string[] = [];
  for (let r = 0; r < n; r++) {
    const marks: string[] = [];
    for (let c = 0; c < width; c++) marks.push(engine === 'postgres' ? `$${r * width + c + 1}` : '?');
    tuples.push(`(${marks.join(',')})`);
  }
  const updates = RESOURCE_COLUMNS.filter((c) => c !== 'resource_type' && c !== 'id')
    .map((c) => (c === 'version_id' ? 'version_id = gw_resource.version_id + 1' : `${c} = excluded.${c}`))
    .join(', ');
  const text = `INSERT INTO gw_resource (${RESOURCE_COLUMNS.join(', ')}) VALUES ${tuples.join(',')} ON CONFLICT (resource_type, id) DO UPDATE SET ${updates}`;
  statementCache.set(cacheKey, text);
  return text;
}

/**
 * Multi-row upserts of the projection, as prepared text (the hot path of a full load: the query
 * builder's per-value compilation cost as much as SQLite's own work).
 */
export async function upsertResources(
  db: Db,
  engine: Engine,
  rows: readonly GwResourceTable[],
): Promise<void> {
  for (const part of chunks(rows)) {
    const params: unknown[] = [];
    for (const r of part) {
      params.push(
        r.resource_type,
        r.id,
        r.patient_id,
        r.category,
        r.date,
        r.code,
        r.record_key,
        r.file_path,
        r.version_id,
        r.last_updated,
        r.json,
      );
    }
    await db.executeQuery(CompiledQuery.raw(upsertSql(engine, part.length), params));
  }
}

export async function upsertFiles(db: Db, rows: GwFileTable[]): Promise<void> {
  for (const part of chunks(rows, 400)) {
    await db
      .insertInto('gw_file')
      .values(part)
      .onConflict((oc) =>
        oc.column('path').doUpdateSet((eb) => ({
          record_key: eb.ref('excluded.record_key'),
          patient_id: eb.ref('excluded.patient_id'),
          care_date: eb.ref('excluded.care_date'),
          data_type: eb.ref('excluded.data_type'),
          order_no: eb.ref('excluded.order_no'),
          timestamp: eb.ref('excluded.timestamp'),
          department: eb.ref('excluded.department'),
          flag: eb.ref('excluded.flag'),
          size: eb.ref('excluded.size'),
          mtime_ms: eb.ref('excluded.mtime_ms'),
          sha256: eb.ref('excluded.sha256'),
          control_id: eb.ref('excluded.control_id'),
          status: eb.ref('excluded.status'),
          ingested_at: eb.ref('excluded.ingested_at'),
        })),
      )
      .execute();
  }
}

/** Deletes resources by (type, id), grouped by type so the primary key index serves each statement. */
export async function deleteResources(db: Db, ids: readonly { type: string; id: string }[]): Promise<void> {
  const byType = new Map<string, string[]>();
  for (const r of ids) {
    const list = byType.get(r.type);
    if (list) list.push(r.id);
    else byType.set(r.type, [r.id]);
  }
  for (const [type, list] of byType) {
    for (const part of chunks(list)) {
      await db.deleteFrom('gw_resource').where('resource_type', '=', type).where('id', 'in', part).execute();
    }
  }
}

export async function deleteResourcesOfKeys(db: Db, keys: readonly string[]): Promise<number> {
  let n = 0;
  for (const part of chunks(keys)) {
    const r = await db.deleteFrom('gw_resource').where('record_key', 'in', part).executeTakeFirst();
    n += Number(r.numDeletedRows);
  }
  return n;
}
