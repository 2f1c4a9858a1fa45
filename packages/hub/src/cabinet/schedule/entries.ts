import { randomUUID } from 'node:crypto';
import {
  SCHEDULE_ZONE,
  type ScheduleEntryView,
  type ScheduleKind,
  type ScheduleMonthView,
  type ScheduleRecurrence,
} from '@hie/contract';
import type { Selectable } from 'kysely';
import type { HubPrincipal } from '../../http.js';
import { HubError } from '../../http.js';
import type {
  HubCabinetScheduleEntryTable,
  HubCabinetScheduleExceptionTable,
} from '../../store/cabinet-schedule-tables.js';
import { facilityNames } from '../../viewing/lookups.js';
import { auditCabinet } from '../audit.js';
import type { CabinetCallDeps } from '../cabinets.js';
import type { CabinetContext } from '../load.js';
import {
  dayString,
  type ExpandableEntry,
  expandMonth,
  findConflicts,
  monthDays,
  occursOn,
  type ScheduleException,
  tokyoInstant,
} from './recurrence.js';
import {
  checkTeam,
  type EntryInput,
  type ExceptionInput,
  type FieldIssue,
  invalidInput,
  type Team,
} from './validate.js';

type EntryRow = Selectable<HubCabinetScheduleEntryTable>;
type ExceptionRow = Selectable<HubCabinetScheduleExceptionTable>;

export const entryNotFound = () =>
  new HubError(404, 'not-found', 'no such schedule entry / 該当する予定はありません');

const numbers = (text: string | null) => (text ? text.split(',').map(Number) : []);

export function recurrenceOf(row: EntryRow): ScheduleRecurrence {
  const ending = { until: row.until_date, count: row.occurrence_count };
  if (row.freq === 'weekly')
    return { type: 'weekly', weekdays: numbers(row.weekdays), interval: row.every_n, ...ending };
  if (row.freq === 'monthly') {
    return {
      type: 'monthly',
      weekdays: numbers(row.weekdays),
      nths: numbers(row.nths),
      interval: row.every_n,
      ...ending,
    };
  }
  return { type: 'none' };
}

function exceptionOf(row: ExceptionRow): ScheduleException {
  return row.action === 'move' && row.move_date && row.move_start && row.move_end
    ? {
        date: row.original_date,
        action: 'move',
        moveTo: { date: row.move_date, startTime: row.move_start, endTime: row.move_end },
      }
    : { date: row.original_date, action: 'cancel' };
}

export function expandable(row: EntryRow, exceptions: readonly ExceptionRow[]): ExpandableEntry {
  return {
    id: row.id,
    kind: row.kind as ScheduleKind,
    userId: row.user_id,
    facilityOid: row.facility_oid,
    date: row.start_date,
    startTime: row.start_time,
    endTime: row.end_time,
    nights: row.nights,
    recurrence: recurrenceOf(row),
    exceptions: exceptions.filter((e) => e.entry_id === row.id).map(exceptionOf),
  };
}

/** The columns of an entry from its checked input. */
function columnsOf(input: EntryInput) {
  const r = input.recurrence;
  return {
    kind: input.kind,
    user_id: input.userId ?? null,
    facility_oid: input.facilityOid,
    start_date: input.date,
    start_time: input.startTime,
    end_time: input.endTime,
    nights: input.nights,
    zone: SCHEDULE_ZONE,
    note: input.note ? input.note : null,
    freq: r.type,
    every_n: r.type === 'none' ? 1 : r.interval,
    weekdays: r.type === 'none' ? null : r.weekdays.join(','),
    nths: r.type === 'monthly' ? r.nths.join(',') : null,
    until_date: r.type === 'none' ? null : (r.until ?? null),
    occurrence_count: r.type === 'none' ? null : (r.count ?? null),
  };
}

/** The team an entry may name: active members (with names) and the group's facilities. */
export async function teamOf(deps: Pick<CabinetCallDeps, 'store'>, context: CabinetContext): Promise<Team> {
  const members = await deps.store.db
    .selectFrom('hub_cabinet_member as m')
    .innerJoin('hub_user as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'm.facility_oid', 'u.name'])
    .where('m.cabinet_id', '=', context.cabinet.id)
    .where('m.status', '=', 'active')
    .execute();
  const oids = (
    await deps.store.db
      .selectFrom('hub_cabinet_group_facility')
      .select('facility_oid')
      .where('group_id', '=', context.cabinet.group_id)
      .execute()
  ).map((r) => r.facility_oid);
  const names = await facilityNames(deps.store, oids);
  return {
    members: members.map((m) => ({ userId: m.user_id, facilityOid: m.facility_oid, name: m.name })),
    facilities: oids.map((oid) => ({ oid, name: names.get(oid) ?? null })),
  };
}

async function requireTeam(deps: CabinetCallDeps, context: CabinetContext, input: EntryInput) {
  const issues: FieldIssue[] = checkTeam(input, await teamOf(deps, context));
  if (issues.length > 0) throw invalidInput(issues);
}

async function entryRow(deps: Pick<CabinetCallDeps, 'store'>, context: CabinetContext, entryId: string) {
  const row = await deps.store.db
    .selectFrom('hub_cabinet_schedule_entry')
    .selectAll()
    .where('id', '=', entryId)
    .where('cabinet_id', '=', context.cabinet.id)
    .executeTakeFirst();
  if (!row) throw entryNotFound();
  return row;
}

const audit = (
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  action: 'C' | 'R' | 'U' | 'D',
  what: string,
  entryIds: readonly string[],
  detail?: Record<string, string>,
) =>
  auditCabinet(deps, principal, {
    action,
    cabinetId: context.cabinet.id,
    personId: context.cabinet.person_id,
    what,
    entities: entryIds.map((id) => `Appointment/${id}`),
    ...(detail ? { detail } : {}),
  });

const changed = (deps: CabinetCallDeps, context: CabinetContext) =>
  deps.events.publish({ type: 'cabinet', cabinetId: context.cabinet.id });

/** Rows to insert for checked inputs (one transaction): their ids. No audit (the caller audits). */
export async function insertEntries(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  inputs: readonly EntryInput[],
  source: 'manual' | 'csv',
): Promise<string[]> {
  const now = deps.now().toISOString();
  const rows = inputs.map((input) => ({
    id: randomUUID(),
    cabinet_id: context.cabinet.id,
    ...columnsOf(input),
    source,
    created_by: principal.userId,
    created_at: now,
    updated_by: principal.userId,
    updated_at: now,
  }));
  if (rows.length > 0) {
    await deps.store.db.transaction().execute(async (tx) => {
      for (let i = 0; i < rows.length; i += 200)
        await tx
          .insertInto('hub_cabinet_schedule_entry')
          .values(rows.slice(i, i + 200))
          .execute();
    });
  }
  return rows.map((r) => r.id);
}

export async function createEntry(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  input: EntryInput,
): Promise<string> {
  await requireTeam(deps, context, input);
  const [id] = await insertEntries(deps, principal, context, [input], 'manual');
  await audit(deps, principal, context, 'C', 'schedule-create', [id!], {
    kind: input.kind,
    date: input.date,
    recurrence: input.recurrence.type,
  });
  changed(deps, context);
  return id!;
}

/**
 * Replaces an entry's who, what, when and rule. Its exceptions stay where their day is still one of
 * the rule's; the others are dropped (a cancelled Tuesday means nothing to a Thursday series).
 */
export async function updateEntry(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  entryId: string,
  input: EntryInput,
): Promise<void> {
  await entryRow(deps, context, entryId);
  await requireTeam(deps, context, input);
  const columns = columnsOf(input);
  const exceptions = await deps.store.db
    .selectFrom('hub_cabinet_schedule_exception')
    .select('original_date')
    .where('entry_id', '=', entryId)
    .execute();
  const rule = { date: input.date, recurrence: input.recurrence };
  const stale = exceptions.map((e) => e.original_date).filter((date) => !occursOn(rule, date));
  await deps.store.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('hub_cabinet_schedule_entry')
      .set({ ...columns, updated_by: principal.userId, updated_at: deps.now().toISOString() })
      .where('id', '=', entryId)
      .where('cabinet_id', '=', context.cabinet.id)
      .execute();
    if (stale.length > 0) {
      await tx
        .deleteFrom('hub_cabinet_schedule_exception')
        .where('entry_id', '=', entryId)
        .where('original_date', 'in', stale)
        .execute();
    }
  });
  await audit(deps, principal, context, 'U', 'schedule-update', [entryId], {
    kind: input.kind,
    date: input.date,
    recurrence: input.recurrence.type,
    ...(stale.length > 0 ? { droppedExceptions: stale.join(' ') } : {}),
  });
  changed(deps, context);
}

export async function deleteEntry(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  entryId: string,
): Promise<void> {
  const row = await entryRow(deps, context, entryId);
  await deps.store.db.transaction().execute(async (tx) => {
    await tx.deleteFrom('hub_cabinet_schedule_exception').where('entry_id', '=', entryId).execute();
    await tx
      .deleteFrom('hub_cabinet_schedule_entry')
      .where('id', '=', entryId)
      .where('cabinet_id', '=', context.cabinet.id)
      .execute();
  });
  await audit(deps, principal, context, 'D', 'schedule-delete', [entryId], {
    kind: row.kind,
    date: row.start_date,
  });
  changed(deps, context);
}

/** Cancels or moves one occurrence (the day it is due by the rule); replaces an earlier exception of that day. */
export async function putException(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  entryId: string,
  input: ExceptionInput,
): Promise<void> {
  const row = await entryRow(deps, context, entryId);
  if (!occursOn({ date: row.start_date, recurrence: recurrenceOf(row) }, input.date)) {
    throw invalidInput(
      [
        {
          field: 'date',
          code: 'not-an-occurrence',
          message: 'the entry does not fall on this day / この日は予定の日ではありません',
        },
      ],
      'the exception has problems / 入力内容に誤りがあります',
    );
  }
  const values = {
    cabinet_id: context.cabinet.id,
    action: input.moveTo ? 'move' : 'cancel',
    move_date: input.moveTo?.date ?? null,
    move_start: input.moveTo?.startTime ?? null,
    move_end: input.moveTo?.endTime ?? null,
    note: input.note ? input.note : null,
    created_by: principal.userId,
    created_at: deps.now().toISOString(),
  };
  await deps.store.db.transaction().execute(async (tx) => {
    await tx
      .deleteFrom('hub_cabinet_schedule_exception')
      .where('entry_id', '=', entryId)
      .where('original_date', '=', input.date)
      .execute();
    await tx
      .insertInto('hub_cabinet_schedule_exception')
      .values({ entry_id: entryId, original_date: input.date, ...values })
      .execute();
  });
  await audit(deps, principal, context, 'U', 'schedule-exception', [entryId], {
    date: input.date,
    action: values.action,
    ...(input.moveTo
      ? { moveTo: `${input.moveTo.date} ${input.moveTo.startTime}-${input.moveTo.endTime}` }
      : {}),
  });
  changed(deps, context);
}

/** Restores one occurrence: removes its exception. */
export async function deleteException(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  entryId: string,
  date: string,
): Promise<void> {
  await entryRow(deps, context, entryId);
  const removed = await deps.store.db
    .deleteFrom('hub_cabinet_schedule_exception')
    .where('entry_id', '=', entryId)
    .where('original_date', '=', date)
    .executeTakeFirst();
  if (Number(removed.numDeletedRows) === 0)
    throw new HubError(404, 'not-found', 'no exception on this day / この日の変更・中止はありません');
  await audit(deps, principal, context, 'U', 'schedule-exception-remove', [entryId], { date });
  changed(deps, context);
}

/** An entry's view, with its people's and facility's names. */
async function entryViews(
  deps: Pick<CabinetCallDeps, 'store'>,
  context: CabinetContext,
  rows: readonly EntryRow[],
  exceptions: readonly ExceptionRow[],
): Promise<{ views: ScheduleEntryView[]; names: Map<string, string>; facilities: Map<string, string> }> {
  const userIds = [
    ...new Set(rows.flatMap((r) => [r.user_id, r.created_by, r.updated_by]).filter((v) => v !== null)),
  ];
  const users =
    userIds.length > 0
      ? await deps.store.db.selectFrom('hub_user').select(['id', 'name']).where('id', 'in', userIds).execute()
      : [];
  const names = new Map(users.map((u) => [u.id, u.name]));
  const active = new Set(
    (
      await deps.store.db
        .selectFrom('hub_cabinet_member')
        .select(['user_id', 'facility_oid'])
        .where('cabinet_id', '=', context.cabinet.id)
        .where('status', '=', 'active')
        .execute()
    ).map((m) => `${m.user_id} ${m.facility_oid}`),
  );
  const facilities = await facilityNames(
    deps.store,
    rows.map((r) => r.facility_oid),
  );
  const views = rows.map(
    (row): ScheduleEntryView => ({
      id: row.id,
      kind: row.kind as ScheduleKind,
      person: row.user_id
        ? {
            userId: row.user_id,
            name: names.get(row.user_id) ?? null,
            active: active.has(`${row.user_id} ${row.facility_oid}`),
          }
        : null,
      facility: { oid: row.facility_oid, name: facilities.get(row.facility_oid) ?? null },
      date: row.start_date,
      startTime: row.start_time,
      endTime: row.end_time,
      nights: row.nights,
      zone: row.zone,
      note: row.note,
      recurrence: recurrenceOf(row),
      exceptions: exceptions
        .filter((e) => e.entry_id === row.id)
        .sort((a, b) => a.original_date.localeCompare(b.original_date))
        .map((e) => ({
          date: e.original_date,
          action: e.action === 'move' ? 'move' : 'cancel',
          moveTo:
            e.action === 'move' && e.move_date && e.move_start && e.move_end
              ? { date: e.move_date, startTime: e.move_start, endTime: e.move_end }
              : null,
          note: e.note,
        })),
      source: row.source,
      createdBy: names.get(row.created_by) ?? row.created_by,
      createdAt: row.created_at,
      updatedBy: names.get(row.updated_by) ?? row.updated_by,
      updatedAt: row.updated_at,
    }),
  );
  return { views, names, facilities };
}

/** One entry as the API shows it after a write. */
export async function entryView(
  deps: Pick<CabinetCallDeps, 'store'>,
  context: CabinetContext,
  entryId: string,
): Promise<ScheduleEntryView> {
  const row = await entryRow(deps, context, entryId);
  const exceptions = await deps.store.db
    .selectFrom('hub_cabinet_schedule_exception')
    .selectAll()
    .where('entry_id', '=', entryId)
    .execute();
  return (await entryViews(deps, context, [row], exceptions)).views[0]!;
}

/** Days an occurrence may begin before the month and still reach into it (the longest stay). */
const REACH_DAYS = 60;

/**
 * The month's schedule: its occurrences (expanded, exceptions applied), each with its conflicts, and
 * the entries they come from. Not audited here: the callers audit what they show (view or export).
 */
export async function scheduleMonth(
  deps: Pick<CabinetCallDeps, 'store'>,
  context: CabinetContext,
  month: string,
): Promise<ScheduleMonthView> {
  const { first, last } = monthDays(month);
  const lastDay = dayString(last);
  const reach = dayString(first - REACH_DAYS);
  const cabinetId = context.cabinet.id;
  const rows = await deps.store.db
    .selectFrom('hub_cabinet_schedule_entry')
    .selectAll()
    .where('cabinet_id', '=', cabinetId)
    .where((eb) =>
      eb.or([
        eb.and([
          eb('start_date', '<=', lastDay),
          eb.or([eb('freq', '!=', 'none'), eb('start_date', '>=', reach)]),
          eb.or([eb('until_date', 'is', null), eb('until_date', '>=', reach)]),
        ]),
        eb(
          'id',
          'in',
          eb
            .selectFrom('hub_cabinet_schedule_exception')
            .select('entry_id')
            .where('cabinet_id', '=', cabinetId)
            .where('action', '=', 'move')
            .where('move_date', '>=', reach)
            .where('move_date', '<=', lastDay),
        ),
      ]),
    )
    .execute();
  const ids = rows.map((r) => r.id);
  const exceptions =
    ids.length > 0
      ? await deps.store.db
          .selectFrom('hub_cabinet_schedule_exception')
          .selectAll()
          .where('cabinet_id', '=', cabinetId)
          .where('entry_id', 'in', ids)
          .execute()
      : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const expanded = expandMonth(
    rows.map((r) => expandable(r, exceptions)),
    month,
  );
  const conflicts = findConflicts(
    expanded.map((o) => {
      const row = byId.get(o.entryId)!;
      return { ...o, kind: row.kind as ScheduleKind, userId: row.user_id };
    }),
  );
  const used = rows.filter((r) => expanded.some((o) => o.entryId === r.id));
  const { views, names, facilities } = await entryViews(deps, context, used, exceptions);
  const occurrences = expanded.map((o) => {
    const row = byId.get(o.entryId)!;
    return {
      key: o.key,
      entryId: o.entryId,
      date: o.date,
      originalDate: o.originalDate,
      startTime: o.startTime,
      endTime: o.endTime,
      endDate: o.endDate,
      start: tokyoInstant(o.date, o.startTime),
      end: tokyoInstant(o.endDate, o.endTime),
      status: o.status,
      kind: row.kind as ScheduleKind,
      person: row.user_id
        ? { userId: row.user_id, name: names.get(row.user_id) ?? null, facilityOid: row.facility_oid }
        : null,
      facility: { oid: row.facility_oid, name: facilities.get(row.facility_oid) ?? null },
      note: row.note,
      recurring: row.freq !== 'none',
      conflicts: conflicts.get(o.key) ?? [],
    };
  });
  return {
    month,
    zone: SCHEDULE_ZONE,
    today: context.today,
    occurrences,
    entries: views,
    conflicts: occurrences.filter((o) => o.conflicts.length > 0).length,
  };
}

/** The month's schedule for a reader, audited. */
export async function readScheduleMonth(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  month: string,
  what: 'schedule' | 'schedule-export' = 'schedule',
): Promise<ScheduleMonthView> {
  const view = await scheduleMonth(deps, context, month);
  await audit(deps, principal, context, 'R', what, [], {
    month,
    occurrences: String(view.occurrences.length),
  });
  return view;
}

/** Whether a one-off entry like this is already in the cabinet (CSV imports skip it). */
export async function findSameOneOff(
  deps: Pick<CabinetCallDeps, 'store'>,
  context: CabinetContext,
  month: string,
): Promise<Map<string, string>> {
  const { first, last } = monthDays(month);
  const rows = await deps.store.db
    .selectFrom('hub_cabinet_schedule_entry')
    .select(['id', 'start_date', 'start_time', 'end_time', 'kind', 'facility_oid', 'user_id'])
    .where('cabinet_id', '=', context.cabinet.id)
    .where('freq', '=', 'none')
    .where('start_date', '>=', dayString(first))
    .where('start_date', '<=', dayString(last))
    .execute();
  return new Map(
    rows.map((r) => [
      oneOffKey({
        date: r.start_date,
        startTime: r.start_time,
        endTime: r.end_time,
        kind: r.kind,
        facilityOid: r.facility_oid,
        userId: r.user_id,
      }),
      r.id,
    ]),
  );
}

export const oneOffKey = (e: {
  date: string;
  startTime: string;
  endTime: string;
  kind: string;
  facilityOid: string;
  userId?: string | null | undefined;
}) => [e.date, e.startTime, e.endTime, e.kind, e.facilityOid, e.userId ?? ''].join(' ');
