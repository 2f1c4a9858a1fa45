import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { decodeCsv } from '../../directory/csv.js';
import { type HubDeps, HubError, requirePrincipal, sendCsv } from '../../http.js';
import type { CabinetCallDeps } from '../cabinets.js';
import { requireCabinet } from '../load.js';
import { importScheduleCsv, scheduleCsv } from './csv.js';
import {
  createEntry,
  deleteEntry,
  deleteException,
  entryView,
  putException,
  readScheduleMonth,
  updateEntry,
} from './entries.js';
import { parseDay, parseEntry, parseException, parseMonth } from './validate.js';

const TAGS = ['cabinet'];
const idParams = z.object({ id: z.string().min(1).max(64) });
const entryParams = z.object({ id: z.string().min(1).max(64), entryId: z.string().min(1).max(64) });
const monthQuery = z.object({ month: z.string().max(20).optional() });
/** A month of a care manager's 提供票 is small; 2 MB is far more than one. */
const CSV_MAX_BYTES = 2 * 1024 * 1024;
const CSV_TYPES = ['text/csv', 'application/csv', 'application/vnd.ms-excel'];

/** The CSV body of an import: bytes (so Shift_JIS survives), decoded by the declared or detected charset. */
function csvText(request: FastifyRequest): string {
  const body = request.body;
  if ((!Buffer.isBuffer(body) && typeof body !== 'string') || body.length === 0) {
    throw new HubError(
      400,
      'csv-empty',
      'send the CSV as the body (Content-Type: text/csv) / CSVを送信してください',
    );
  }
  return decodeCsv(body, request.headers['content-type']);
}

/**
 * The schedule (予定表) of a cabinet (README.md beside the cabinet module, "Schedule"): a month's
 * occurrences with their conflicts, entries and their exceptions, CSV out and in. Every route loads the
 * cabinet through the one rule (`requireCabinet`); reads need `read`, changes `write`. Bodies are
 * checked here, after the rule, so that a stranger learns nothing from a refusal of the input.
 */
export async function cabinetScheduleRoutes(
  app: FastifyInstance,
  _deps: HubDeps,
  cabinetDeps: CabinetCallDeps,
): Promise<void> {
  // A child scope, so that the CSV body parser is ours alone.
  await app.register(async (scope) => {
    scope.addContentTypeParser(
      CSV_TYPES,
      { parseAs: 'buffer', bodyLimit: CSV_MAX_BYTES },
      (_request, body, done) => done(null, body),
    );

    scope.get(
      '/cabinets/:id/schedule',
      {
        schema: {
          tags: TAGS,
          summary: 'The month’s schedule: occurrences (rules expanded, exceptions applied) with conflicts',
          params: idParams,
          querystring: monthQuery,
        },
      },
      async (request) => {
        const principal = requirePrincipal(request);
        const { id } = request.params as { id: string };
        const context = await requireCabinet(cabinetDeps, principal, id, 'read', 'schedule');
        const month = parseMonth((request.query as { month?: string }).month ?? context.today.slice(0, 7));
        return readScheduleMonth(cabinetDeps, principal, context, month);
      },
    );

    scope.post(
      '/cabinets/:id/schedule',
      {
        schema: {
          tags: TAGS,
          summary: 'Add a schedule entry (body: scheduleEntryInputSchema of the contract)',
          params: idParams,
        },
      },
      async (request, reply) => {
        const principal = requirePrincipal(request);
        const { id } = request.params as { id: string };
        const context = await requireCabinet(cabinetDeps, principal, id, 'write', 'schedule-create');
        const entryId = await createEntry(cabinetDeps, principal, context, parseEntry(request.body));
        return reply.status(201).send(await entryView(cabinetDeps, context, entryId));
      },
    );

    scope.put(
      '/cabinets/:id/schedule/:entryId',
      { schema: { tags: TAGS, summary: 'Change a schedule entry (its rule too)', params: entryParams } },
      async (request) => {
        const principal = requirePrincipal(request);
        const { id, entryId } = request.params as { id: string; entryId: string };
        const context = await requireCabinet(cabinetDeps, principal, id, 'write', 'schedule-update');
        await updateEntry(cabinetDeps, principal, context, entryId, parseEntry(request.body));
        return entryView(cabinetDeps, context, entryId);
      },
    );

    scope.delete(
      '/cabinets/:id/schedule/:entryId',
      { schema: { tags: TAGS, summary: 'Delete a schedule entry and its exceptions', params: entryParams } },
      async (request) => {
        const principal = requirePrincipal(request);
        const { id, entryId } = request.params as { id: string; entryId: string };
        const context = await requireCabinet(cabinetDeps, principal, id, 'write', 'schedule-delete');
        await deleteEntry(cabinetDeps, principal, context, entryId);
        return { ok: true };
      },
    );

    scope.post(
      '/cabinets/:id/schedule/:entryId/exceptions',
      {
        schema: {
          tags: TAGS,
          summary:
            'Cancel or move one occurrence: { date, cancel: true } or { date, moveTo: { date, startTime, endTime } }',
          params: entryParams,
        },
      },
      async (request) => {
        const principal = requirePrincipal(request);
        const { id, entryId } = request.params as { id: string; entryId: string };
        const context = await requireCabinet(cabinetDeps, principal, id, 'write', 'schedule-exception');
        const current = await entryView(cabinetDeps, context, entryId);
        await putException(
          cabinetDeps,
          principal,
          context,
          entryId,
          parseException(request.body, current.nights),
        );
        return entryView(cabinetDeps, context, entryId);
      },
    );

    scope.delete(
      '/cabinets/:id/schedule/:entryId/exceptions/:date',
      {
        schema: {
          tags: TAGS,
          summary: 'Restore one occurrence (remove its cancellation or move)',
          params: entryParams.extend({ date: z.string().min(1).max(20) }),
        },
      },
      async (request) => {
        const principal = requirePrincipal(request);
        const { id, entryId, date } = request.params as { id: string; entryId: string; date: string };
        const context = await requireCabinet(
          cabinetDeps,
          principal,
          id,
          'write',
          'schedule-exception-remove',
        );
        await deleteException(cabinetDeps, principal, context, entryId, parseDay(date));
        return entryView(cabinetDeps, context, entryId);
      },
    );

    scope.get(
      '/cabinets/:id/schedule.csv',
      {
        schema: {
          tags: TAGS,
          summary:
            'The month’s schedule as CSV (UTF-8 with BOM; 日付,開始,終了,種別,担当施設,担当者,メモ,泊数,重複)',
          params: idParams,
          querystring: monthQuery,
        },
      },
      async (request, reply) => {
        const principal = requirePrincipal(request);
        const { id } = request.params as { id: string };
        const context = await requireCabinet(cabinetDeps, principal, id, 'read', 'schedule-export');
        const month = parseMonth((request.query as { month?: string }).month ?? context.today.slice(0, 7));
        const view = await readScheduleMonth(cabinetDeps, principal, context, month, 'schedule-export');
        reply.header('cache-control', 'no-store');
        return sendCsv(reply, `schedule-${month}.csv`, scheduleCsv(view));
      },
    );

    scope.post(
      '/cabinets/:id/schedule/import',
      {
        bodyLimit: CSV_MAX_BYTES,
        schema: {
          tags: TAGS,
          summary:
            'Import one month of one-off entries from CSV (UTF-8 or Shift_JIS; 日付,開始,終了,種別,担当施設,担当者,メモ): bad rows refused one by one',
          params: idParams,
          querystring: monthQuery,
        },
      },
      async (request) => {
        const principal = requirePrincipal(request);
        const { id } = request.params as { id: string };
        const context = await requireCabinet(cabinetDeps, principal, id, 'write', 'schedule-import');
        const month = parseMonth((request.query as { month?: string }).month);
        return importScheduleCsv(cabinetDeps, principal, context, month, csvText(request));
      },
    );
  });
}
