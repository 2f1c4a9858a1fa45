import type { Store } from '@hie/platform';
import { FEED_TOKEN_STATE, type Schema } from '@hie/record-source';
import { readPacsState } from './pacs-state.js';
import type { GatewayStatus } from './types.js';

const toCounts = (rows: { k: string | null; n: number | string | bigint }[]) =>
  Object.fromEntries(rows.map((r) => [r.k ?? '', Number(r.n)]));

/** What `hie gateway status` and the API show: counts, ingest lag and the error list. */
export async function gatewayStatus(store: Store<Schema>): Promise<GatewayStatus> {
  const db = store.db;
  const [
    byStatus,
    byDataType,
    byCategory,
    byType,
    patients,
    last,
    newest,
    errors,
    images,
    pacs,
    pacsStudies,
    directory,
    pushedToken,
  ] = await Promise.all([
    db
      .selectFrom('gw_file')
      .select(['status as k', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute(),
    db
      .selectFrom('gw_file')
      .select(['data_type as k', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', 'in', ['current', 'deleted'])
      .groupBy('data_type')
      .execute(),
    db
      .selectFrom('gw_resource')
      .select(['category as k', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('category')
      .execute(),
    db
      .selectFrom('gw_resource')
      .select(['resource_type as k', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('resource_type')
      .execute(),
    db
      .selectFrom('gw_patient')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    db.selectFrom('gw_state').select('value').where('name', '=', 'last_ingest_at').executeTakeFirst(),
    db
      .selectFrom('gw_file')
      .select((eb) => eb.fn.max('mtime_ms').as('m'))
      .executeTakeFirst(),
    db.selectFrom('gw_error').selectAll().orderBy('path').execute(),
    db
      .selectFrom('gw_dicom_instance')
      .select([
        (eb) => eb.fn.countAll<number>().as('instances'),
        (eb) => eb.fn.count<number>('study_uid').distinct().as('studies'),
      ])
      .executeTakeFirst(),
    readPacsState(store),
    db
      .selectFrom('gw_pacs_study')
      .select(['status as k', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute(),
    db
      .selectFrom('gw_directory_entry')
      .select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('updated_at').as('at')])
      .executeTakeFirst(),
    db.selectFrom('gw_state').select('name').where('name', '=', FEED_TOKEN_STATE).executeTakeFirst(),
  ]);
  const statusCounts = toCounts(byStatus);
  const categoryCounts = toCounts(byCategory);
  const lastIngestAt = last?.value ?? null;
  const newestMs = newest?.m === null || newest?.m === undefined ? null : Number(newest.m);
  return {
    files: {
      total: Object.values(statusCounts).reduce((a, b) => a + b, 0),
      byStatus: statusCounts,
      byDataType: toCounts(byDataType),
    },
    resources: {
      total: Object.values(categoryCounts).reduce((a, b) => a + b, 0),
      byCategory: categoryCounts,
      byType: toCounts(byType),
    },
    patients: Number(patients.n),
    dicom: { studies: Number(images?.studies ?? 0), instances: Number(images?.instances ?? 0) },
    pacs: pacs ? { ...pacs, studies: toCounts(pacsStudies) } : null,
    directory: {
      entries: Number(directory?.n ?? 0),
      updatedAt: (directory?.at as string | null | undefined) ?? null,
      feedTokenFromHub: pushedToken !== undefined,
    },
    lastIngestAt,
    newestFileAt: newestMs === null ? null : new Date(newestMs).toISOString(),
    lagMs:
      newestMs === null || lastIngestAt === null ? null : Math.max(0, newestMs - Date.parse(lastIngestAt)),
    errors: errors.map((e) => ({
      path: e.path,
      code: e.code,
      reason: e.message,
      position: e.position,
      firstSeen: e.first_seen,
      lastTried: e.last_tried,
      attempts: Number(e.attempts),
    })),
  };
}
