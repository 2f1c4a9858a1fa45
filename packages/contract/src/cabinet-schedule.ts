import { z } from 'zod';

/**
 * The Care Cabinet's monthly schedule (予定表): who visits the patient when, what the hub and the web app
 * agree on. Times are wall-clock times in Japan: a local day (YYYY-MM-DD) and HH:MM, in the zone
 * `Asia/Tokyo`. Japan keeps no daylight saving time, so a wall-clock time there is one instant
 * (UTC+9) and minutes between two of them are elapsed minutes; the views add the ISO instant
 * (`2026-03-10T09:00:00+09:00`) for anything that needs one.
 */

type Label = { ja: string; en: string };

/** The one zone schedules are kept in (stored with every entry, so that another one is never assumed). */
export const SCHEDULE_ZONE = 'Asia/Tokyo';

/**
 * What is scheduled. `withPatient`: the patient takes part (a visit at home, or the patient away at a
 * day service, a short stay or the hospital), so two of these at once are a conflict for the patient.
 * `other` (a meeting, a delivery, …) is not assumed to need the patient. `aliases` are names a care
 * manager's system may write in its CSV (提供票), read on import.
 */
export const SCHEDULE_KINDS = {
  'home-medical': { ja: '訪問診療', en: 'Home medical visit', withPatient: true, aliases: ['往診'] },
  'home-nursing': { ja: '訪問看護', en: 'Home nursing', withPatient: true, aliases: [] },
  'home-care': { ja: '訪問介護', en: 'Home help', withPatient: true, aliases: ['ホームヘルプ'] },
  'home-rehab': {
    ja: '訪問リハ',
    en: 'Home rehabilitation',
    withPatient: true,
    aliases: ['訪問リハビリ', '訪問リハビリテーション'],
  },
  'home-pharmacy': {
    ja: '訪問薬剤管理',
    en: 'Home pharmacy visit',
    withPatient: true,
    aliases: ['訪問薬剤管理指導', '訪問服薬指導'],
  },
  'day-service': {
    ja: 'デイサービス',
    en: 'Day service',
    withPatient: true,
    aliases: ['通所介護', '地域密着型通所介護'],
  },
  'short-stay': {
    ja: 'ショートステイ',
    en: 'Short stay',
    withPatient: true,
    aliases: ['短期入所', '短期入所生活介護', '短期入所療養介護'],
  },
  outpatient: { ja: '通院', en: 'Outpatient visit', withPatient: true, aliases: ['外来', '受診'] },
  other: { ja: 'その他', en: 'Other', withPatient: false, aliases: [] },
} as const satisfies Record<string, Label & { withPatient: boolean; aliases: readonly string[] }>;
export type ScheduleKind = keyof typeof SCHEDULE_KINDS;
export const SCHEDULE_KIND_CODES = Object.keys(SCHEDULE_KINDS) as ScheduleKind[];
export const isScheduleKind = (value: string): value is ScheduleKind => Object.hasOwn(SCHEDULE_KINDS, value);

/** Weekdays as JavaScript counts them: 0 = Sunday … 6 = Saturday. */
export const SCHEDULE_WEEKDAYS: readonly Label[] = [
  { ja: '日', en: 'Sun' },
  { ja: '月', en: 'Mon' },
  { ja: '火', en: 'Tue' },
  { ja: '水', en: 'Wed' },
  { ja: '木', en: 'Thu' },
  { ja: '金', en: 'Fri' },
  { ja: '土', en: 'Sat' },
];

export const SCHEDULE_LIMITS = {
  noteChars: 500,
  /** Every N weeks / months: at most this N. */
  interval: 12,
  /** A series of at most this many occurrences when it ends by count. */
  count: 999,
  /** A stay of at most this many nights (泊). */
  nights: 60,
  /** Rows of one CSV import. */
  importRows: 2000,
} as const;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
export const scheduleTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM (00:00–23:59)');
export const scheduleMonthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');

const weekday = z.number().int().min(0).max(6);
const ending = {
  /** The last day a series may occur on (inclusive). */
  until: day.nullish(),
  /** Or: how many occurrences the series has (cancelled ones count: RFC 5545's COUNT). */
  count: z.number().int().min(1).max(SCHEDULE_LIMITS.count).nullish(),
};

/**
 * How an entry repeats: not at all; weekly on some weekdays every `interval` weeks (weeks start on
 * Monday, as the care plan's 週間サービス計画表 does, counted from the week of the start day); or on
 * the n-th weekdays of every `interval` months (`nths` 1–5, or -1 for the last; a month without a
 * 5th Tuesday has none).
 */
export const scheduleRecurrenceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  z
    .object({
      type: z.literal('weekly'),
      weekdays: z.array(weekday).min(1).max(7),
      interval: z.number().int().min(1).max(SCHEDULE_LIMITS.interval).default(1),
      ...ending,
    })
    .strict(),
  z
    .object({
      type: z.literal('monthly'),
      weekdays: z.array(weekday).min(1).max(7),
      nths: z
        .array(
          z
            .number()
            .int()
            .min(-1)
            .max(5)
            .refine((n) => n !== 0, '1–5, or -1 for the last'),
        )
        .min(1)
        .max(6),
      interval: z.number().int().min(1).max(SCHEDULE_LIMITS.interval).default(1),
      ...ending,
    })
    .strict(),
]);
export type ScheduleRecurrence = z.output<typeof scheduleRecurrenceSchema>;
export type ScheduleRecurrenceInput = z.input<typeof scheduleRecurrenceSchema>;

/**
 * An entry: who (a member of the team — `userId` with the facility they are a member for — or, for a
 * service without a named person, only a facility of the group), what, from when to when, how it
 * repeats. `nights` > 0 ends the occurrence that many days later (a short stay of 3 nights).
 */
export const scheduleEntryInputSchema = z
  .object({
    kind: z.enum(SCHEDULE_KIND_CODES as [ScheduleKind, ...ScheduleKind[]]),
    userId: z.string().min(1).max(64).nullish(),
    facilityOid: z.string().min(1).max(64),
    /** The first day (of the series). */
    date: day,
    startTime: scheduleTimeSchema,
    endTime: scheduleTimeSchema,
    nights: z.number().int().min(0).max(SCHEDULE_LIMITS.nights).default(0),
    note: z.string().trim().max(SCHEDULE_LIMITS.noteChars).nullish(),
    recurrence: scheduleRecurrenceSchema.default({ type: 'none' }),
  })
  .strict();
export type ScheduleEntryInput = z.input<typeof scheduleEntryInputSchema>;

/** One occurrence (the day it was due, `date`) cancelled, or moved to another day and time. */
export const scheduleExceptionInputSchema = z
  .object({
    date: day,
    cancel: z.literal(true).optional(),
    moveTo: z
      .object({ date: day, startTime: scheduleTimeSchema, endTime: scheduleTimeSchema })
      .strict()
      .optional(),
    note: z.string().trim().max(SCHEDULE_LIMITS.noteChars).nullish(),
  })
  .strict();
export type ScheduleExceptionInput = z.input<typeof scheduleExceptionInputSchema>;

export interface ScheduleEntryView {
  id: string;
  kind: ScheduleKind;
  person: { userId: string; name: string | null; active: boolean } | null;
  facility: { oid: string; name: string | null };
  date: string;
  startTime: string;
  endTime: string;
  nights: number;
  zone: string;
  note: string | null;
  recurrence: ScheduleRecurrence;
  exceptions: {
    date: string;
    action: 'cancel' | 'move';
    moveTo: { date: string; startTime: string; endTime: string } | null;
    note: string | null;
  }[];
  /** manual | csv */
  source: string;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

export type ScheduleConflictReason = 'same-person' | 'patient';

export interface ScheduleOccurrenceView {
  /** `${entryId}/${originalDate}`: stable while the entry is. */
  key: string;
  entryId: string;
  /** The day it takes place (after a move) and the day it was due by its rule. */
  date: string;
  originalDate: string;
  startTime: string;
  endTime: string;
  /** The day it ends (date + nights). */
  endDate: string;
  /** ISO instants with the +09:00 offset. */
  start: string;
  end: string;
  status: 'scheduled' | 'moved' | 'cancelled';
  kind: ScheduleKind;
  person: { userId: string; name: string | null; facilityOid: string } | null;
  facility: { oid: string; name: string | null };
  note: string | null;
  recurring: boolean;
  /** Other occurrences overlapping this one: the same person's, or another one the patient takes part in. */
  conflicts: { key: string; entryId: string; reasons: ScheduleConflictReason[] }[];
}

export interface ScheduleMonthView {
  month: string;
  zone: string;
  today: string;
  occurrences: ScheduleOccurrenceView[];
  /** The entries the occurrences come from (to edit them). */
  entries: ScheduleEntryView[];
  /** How many occurrences are flagged. */
  conflicts: number;
}

/**
 * The CSV layout, for export and import (one month of one-off entries, e.g. from a care manager's
 * 介護業務支援 system's 提供票): 日付,開始,終了,種別,担当施設,担当者,メモ; export adds 泊数 and 重複, which
 * import reads (泊数) or ignores (重複).
 */
export const SCHEDULE_CSV_HEADERS = [
  '日付',
  '開始',
  '終了',
  '種別',
  '担当施設',
  '担当者',
  'メモ',
  '泊数',
  '重複',
] as const;

export interface ScheduleImportReport {
  month: string;
  imported: { line: number; entryId: string }[];
  /** Rows already in the schedule (the same day, times, kind, facility and person): not imported again. */
  skipped: { line: number; entryId: string; code: 'duplicate' }[];
  refused: { line: number; field: string; code: string; message: string }[];
}
