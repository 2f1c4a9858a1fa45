// Bulk statements for both engines: multi-row upserts and keyed deletes in chunks, so a batch of
// files costs a handful of round trips, never one per row.

import type { Engine } from '@hie/platform';
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { GwFileTable, GwResourceTable, Schema } from '../store/schema.js';

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

/**
 * The tenant a tenant-scoped store's rows belong to (the repository's, whose keys all start with the
 * `tenant` column). The raw text below never reaches the store's TenantScopePlugin, so a scoped caller
 * passes its tenant here: it is written as the rows' last column and leads the conflict target.
 */
export interface RowScope {
  readonly tenant: string;
}

/**
 * `INSERT … VALUES (…),(…) ON CONFLICT … DO UPDATE` text for `n` rows, cached per table, engine, size
 * and whether the rows carry a tenant.
 */
const statementCache = new Map<string, string>();
function upsertSql(
  table: 'gw_resource' | 'gw_file',
  ownColumns: readonly string[],
  ownConflict: readonly string[],
  update: (column: string) => string,
  engine: Engine,
  n: number,
  scoped: boolean,
): string {
  const cacheKey = `${table}:${engine}:${n}:${scoped}`;
  const cached = statementCache.get(cacheKey);
  if (cached) return cached;
  const columns = scoped ? [...ownColumns, 'tenant'] : ownColumns;
  const conflict = scoped ? ['tenant', ...ownConflict] : ownConflict;
  const width = columns.length;
  const tuples: string[] = [];
  for (let r = 0; r < n; r++) {
    const marks: string[] = [];
    for (let c = 0; c < width; c++) marks.push(engine === 'postgres' ? `$${r * width + c + 1}` : '?');
    tuples.push(`(${marks.join(',')})`);
  }
  const updates = columns
    .filter((c) => !conflict.includes(c))
    .map(update)
    .join(', ');
  const text = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(',')} ON CONFLICT (${conflict.join(', ')}) DO UPDATE SET ${updates}`;
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
  scope?: RowScope,
): Promise<void> {
  for (let at = 0; at < rows.length; at += CHUNK) {
    const end = Math.min(rows.length, at + CHUNK);
    const params: unknown[] = [];
    for (let i = at; i < end; i++) {
      const r = rows[i]!;
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
      if (scope) params.push(scope.tenant);
    }
    const sql = upsertSql(
      'gw_resource',
      RESOURCE_COLUMNS,
      ['resource_type', 'id'],
      (c) => (c === 'version_id' ? 'version_id = gw_resource.version_id + 1' : `${c} = excluded.${c}`),
      engine,
      end - at,
      scope !== undefined,
    );
    await db.executeQuery(CompiledQuery.raw(sql, params));
  }
}

const FILE_COLUMNS = [
  'path',
  'record_key',
  'patient_id',
  'care_date',
  'data_type',
  'order_no',
  'timestamp',
  'department',
  'flag',
  'size',
  'mtime_ms',
  'sha256',
  'control_id',
  'status',
  'ingested_at',
] as const;
/** 15 columns × 400 rows: within both engines' parameter limits. */
const FILE_CHUNK = 400;

/**
 * Upserts gw_file rows as cached prepared text, like upsertResources: the query builder's
 * compilation of 400 × 15 values per statement showed as a tenth of the main thread's full-load time.
 */
export async function upsertFiles(
  db: Db,
  engine: Engine,
  rows: readonly GwFileTable[],
  scope?: RowScope,
): Promise<void> {
  for (let at = 0; at < rows.length; at += FILE_CHUNK) {
    const end = Math.min(rows.length, at + FILE_CHUNK);
    const params: unknown[] = [];
    for (let i = at; i < end; i++) {
      const r = rows[i]!;
      params.push(
        r.path,
        r.record_key,
        r.patient_id,
        r.care_date,
        r.data_type,
        r.order_no,
        r.timestamp,
        r.department,
        r.flag,
        r.size,
        r.mtime_ms,
        r.sha256,
        r.control_id,
        r.status,
        r.ingested_at,
      );
      if (scope) params.push(scope.tenant);
    }
    const sql = upsertSql(
      'gw_file',
      FILE_COLUMNS,
      ['path'],
      (c) => `${c} = excluded.${c}`,
      engine,
      end - at,
      scope !== undefined,
    );
    await db.executeQuery(CompiledQuery.raw(sql, params));
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
