import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { type HubRoutes, requireOffice, sendCsv } from '../http.js';
import { type HubStats, hubStats, monthRange } from './stats.js';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');
const statsQuery = z.object({ from: month.optional(), to: month.optional() });
const csvQuery = statsQuery.extend({ table: z.enum(['facilities', 'users', 'views']) });
type CsvTable = z.output<typeof csvQuery>['table'];

/** The statistics tables as CSV: Japanese headers, a total row, CRLF (sent with a BOM for Excel). */
export function statsCsv(stats: HubStats, table: CsvTable): string {
  const write = (header: string[], rows: (string | number)[][]) =>
    stringify(rows, { header: true, columns: header, record_delimiter: 'windows' });
  if (table === 'facilities') {
    const f = stats.facilities;
    return write(
      ['施設種別', '種別コード', '施設数', '割合(%)', '開示施設数', '閲覧施設数', 'ID数'],
      [
        ...f.byType.map((r) => [r.label.ja, r.type, r.facilities, r.share, r.disclosing, r.viewing, r.users]),
        ['計', 'total', f.total, f.total > 0 ? 100 : 0, f.disclosing, f.viewing, stats.users.total],
      ],
    );
  }
  if (table === 'users') {
    return write(
      ['職種', '職種コード', 'ID数'],
      [
        ...stats.users.byProfession.map((r) => [r.label.ja, r.profession, r.users]),
        ['計', 'total', stats.users.total],
      ],
    );
  }
  return write(
    ['年月', '閲覧件数', '検索件数', '緊急時閲覧（ブレイクグラス）件数'],
    stats.perMonth.map((r) => [r.month, r.views, r.searches, r.breakGlass]),
  );
}

/** 参加状況: the office's statistics, live, as JSON and CSV. */
export const statsRoutes: HubRoutes = (app, deps) => {
  app.get(
    '/admin/stats',
    {
      schema: {
        tags: ['stats'],
        summary:
          'Participation statistics (office): facilities by type and share, disclosing/viewing, user IDs by profession, consented patients, accesses per month',
        querystring: statsQuery,
      },
    },
    async (request) => {
      requireOffice(request);
      const q = request.query as z.output<typeof statsQuery>;
      return hubStats(deps.store, deps.now(), monthRange(q.from, q.to));
    },
  );

  app.get(
    '/admin/stats.csv',
    {
      schema: {
        tags: ['stats'],
        summary: 'One statistics table as CSV (UTF-8 with BOM, Japanese headers): facilities, users or views',
        querystring: csvQuery,
      },
    },
    async (request, reply) => {
      requireOffice(request);
      const q = request.query as z.output<typeof csvQuery>;
      const stats = await hubStats(deps.store, deps.now(), monthRange(q.from, q.to));
      return sendCsv(reply, `stats-${q.table}-${stats.asOf}.csv`, statsCsv(stats, q.table));
    },
  );
};
