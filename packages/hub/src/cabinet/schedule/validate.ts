import {
  isDay,
  type ScheduleRecurrence,
  scheduleEntryInputSchema,
  scheduleExceptionInputSchema,
  scheduleMonthSchema,
} from '@hie/contract';
import type { z } from 'zod';
import { HubError } from '../../http.js';
import { dayNumber, minutesOf, ruleDays } from './recurrence.js';

/** One problem of an input, by field: what `422 invalid-input` lists in `details`. */
export interface FieldIssue {
  field: string;
  code: string;
  message: string;
}

export const invalidInput = (
  issues: FieldIssue[],
  message = 'the schedule entry has problems / 予定の入力内容に誤りがあります',
) => new HubError(422, 'invalid-input', message, issues);

/** A zod failure as field issues: `recurrence.weekdays.0`, code `too-big`. */
export function zodIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    const code = issue.code.replaceAll('_', '-');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: base ? `${base}.${key}` : key,
        code: 'unknown-field',
        message: `unknown field / 不明な項目です: ${key}`,
      }));
    }
    return [{ field: base || 'body', code, message: issue.message }];
  });
}

export type EntryInput = z.output<typeof scheduleEntryInputSchema>;

/** Sorted, without repeats. */
const tidy = (values: readonly number[]) => [...new Set(values)].sort((a, b) => a - b);

/**
 * Checks an entry's body on its own (the team is checked by `checkTeam`): the schema, real days,
 * an end after the start, an ending that is one of until or count, and at least one occurrence.
 */
export function checkEntry(body: unknown): { entry: EntryInput | null; issues: FieldIssue[] } {
  const parsed = scheduleEntryInputSchema.safeParse(body);
  if (!parsed.success) return { entry: null, issues: zodIssues(parsed.error) };
  const entry = parsed.data;
  const issues: FieldIssue[] = [];
  if (!isDay(entry.date))
    issues.push({ field: 'date', code: 'invalid-date', message: 'not a real day / 日付が不正です' });
  if (entry.nights === 0 && minutesOf(entry.endTime) <= minutesOf(entry.startTime)) {
    issues.push({
      field: 'endTime',
      code: 'end-before-start',
      message: 'the end must be after the start (or give nights) / 終了時刻は開始時刻より後にしてください',
    });
  }
  const r = entry.recurrence;
  if (r.type !== 'none') {
    r.weekdays = tidy(r.weekdays);
    if (r.type === 'monthly') r.nths = tidy(r.nths);
    if (r.until && !isDay(r.until)) {
      issues.push({
        field: 'recurrence.until',
        code: 'invalid-date',
        message: 'not a real day / 日付が不正です',
      });
    } else if (r.until && r.until < entry.date) {
      issues.push({
        field: 'recurrence.until',
        code: 'until-before-start',
        message: 'the series ends before it starts / 終了日が開始日より前です',
      });
    }
    if (r.until && r.count) {
      issues.push({
        field: 'recurrence.count',
        code: 'until-and-count',
        message: 'end the series by a day or by a count, not both / 終了日と回数はどちらか一方にしてください',
      });
    }
  }
  if (issues.length === 0 && !hasOccurrence(entry.date, r)) {
    issues.push({
      field: 'recurrence',
      code: 'no-occurrence',
      message: 'the rule falls on no day / 繰り返しの条件に当てはまる日がありません',
    });
  }
  return { entry: issues.length === 0 ? entry : null, issues };
}

function hasOccurrence(date: string, recurrence: ScheduleRecurrence): boolean {
  const start = dayNumber(date);
  const until = recurrence.type !== 'none' && recurrence.until ? dayNumber(recurrence.until) : start + 800;
  return ruleDays({ date, recurrence }, start, until).length > 0;
}

/** The body of an entry, or 422 with every problem. */
export function parseEntry(body: unknown): EntryInput {
  const { entry, issues } = checkEntry(body);
  if (!entry) throw invalidInput(issues);
  return entry;
}

export type ExceptionInput = z.output<typeof scheduleExceptionInputSchema>;

/** The body of an exception: a day, and either `cancel: true` or `moveTo`. */
export function parseException(body: unknown, nights: number): ExceptionInput {
  const parsed = scheduleExceptionInputSchema.safeParse(body);
  if (!parsed.success)
    throw invalidInput(zodIssues(parsed.error), 'the exception has problems / 入力内容に誤りがあります');
  const input = parsed.data;
  const issues: FieldIssue[] = [];
  if (!isDay(input.date))
    issues.push({ field: 'date', code: 'invalid-date', message: 'not a real day / 日付が不正です' });
  if (!input.cancel === !input.moveTo) {
    issues.push({
      field: 'cancel',
      code: 'cancel-or-move',
      message: 'give either cancel: true or moveTo / 中止か変更のどちらかを指定してください',
    });
  }
  if (input.moveTo) {
    if (!isDay(input.moveTo.date))
      issues.push({ field: 'moveTo.date', code: 'invalid-date', message: 'not a real day / 日付が不正です' });
    if (nights === 0 && minutesOf(input.moveTo.endTime) <= minutesOf(input.moveTo.startTime)) {
      issues.push({
        field: 'moveTo.endTime',
        code: 'end-before-start',
        message: 'the end must be after the start / 終了時刻は開始時刻より後にしてください',
      });
    }
  }
  if (issues.length > 0) throw invalidInput(issues, 'the exception has problems / 入力内容に誤りがあります');
  return input;
}

/** A day in a path, or 422. */
export function parseDay(value: string): string {
  if (!isDay(value))
    throw invalidInput([{ field: 'date', code: 'invalid-date', message: 'not a real day / 日付が不正です' }]);
  return value;
}

/** `?month=YYYY-MM`, or 422. */
export function parseMonth(value: unknown): string {
  const parsed = scheduleMonthSchema.safeParse(value);
  if (!parsed.success) {
    throw invalidInput(
      [
        {
          field: 'month',
          code: 'invalid-month',
          message: 'give the month as YYYY-MM / 月を YYYY-MM で指定してください',
        },
      ],
      'invalid month / 月の指定が不正です',
    );
  }
  return parsed.data;
}

/** Whom an entry may name: the cabinet's active members (each for a facility), the group's facilities. */
export interface Team {
  members: { userId: string; facilityOid: string; name: string }[];
  facilities: { oid: string; name: string | null }[];
}

/** A person must be an active member for the facility given; a service names a facility of the group. */
export function checkTeam(entry: { userId?: string | null; facilityOid: string }, team: Team): FieldIssue[] {
  if (entry.userId) {
    const member = team.members.some((m) => m.userId === entry.userId && m.facilityOid === entry.facilityOid);
    return member
      ? []
      : [
          {
            field: 'userId',
            code: 'not-a-member',
            message:
              'schedule active members of the team only, for the facility they are a member for / 予定に入れられるのはチームの参加中メンバーのみです',
          },
        ];
  }
  return team.facilities.some((f) => f.oid === entry.facilityOid)
    ? []
    : [
        {
          field: 'facilityOid',
          code: 'not-in-group',
          message: 'not a facility of the group / グループの施設ではありません',
        },
      ];
}
