import {
  isDay,
  SCHEDULE_KINDS,
  SCHEDULE_LIMITS,
  type ScheduleImportReport,
  type ScheduleKind,
  type ScheduleMonthView,
} from '@hie/contract';
import { type CsvColumn, parseCsv, toCsv } from '../../directory/csv.js';
import type { HubPrincipal } from '../../http.js';
import { HubError } from '../../http.js';
import { auditCabinet } from '../audit.js';
import type { CabinetCallDeps } from '../cabinets.js';
import type { CabinetContext } from '../load.js';
import { findSameOneOff, insertEntries, oneOffKey, teamOf } from './entries.js';
import { checkEntry, checkTeam, type EntryInput, type Team } from './validate.js';

/**
 * The schedule as CSV: a month's occurrences out, a month of one-off entries in — e.g. the 提供票 a care
 * manager's 介護業務支援 system prints, saved as CSV. The layout (README.md, "Schedule"):
 *
 *   日付,開始,終了,種別,担当施設,担当者,メモ[,泊数][,重複]
 *   2026/03/03,10:00,11:00,訪問看護,きびだんご訪問看護ステーション,吉備 花子,入浴介助
 *
 * Export writes UTF-8 with a BOM (sendCsv) and adds 泊数 (nights) and 重複 (a conflict); import reads
 * UTF-8 or Shift_JIS (decodeCsv), header names in Japanese or English, and ignores 重複. Each bad row
 * is refused alone, with its line and the column at fault; the good rows are imported.
 */
type Key = 'date' | 'start' | 'end' | 'kind' | 'facility' | 'person' | 'note' | 'nights' | 'conflict';

export const SCHEDULE_CSV_COLUMNS: readonly CsvColumn<Key>[] = [
  { key: 'date', ja: '日付', en: 'date', aliases: ['年月日', '提供日', 'サービス提供日', '予定日'] },
  { key: 'start', ja: '開始', en: 'start', aliases: ['開始時刻', '開始時間'] },
  { key: 'end', ja: '終了', en: 'end', aliases: ['終了時刻', '終了時間'] },
  { key: 'kind', ja: '種別', en: 'kind', aliases: ['サービス種類', 'サービス種別', 'サービス内容'] },
  { key: 'facility', ja: '担当施設', en: 'facility', aliases: ['事業所', '事業所名', 'サービス事業者'] },
  { key: 'person', ja: '担当者', en: 'person', aliases: ['担当', '担当職員'] },
  { key: 'note', ja: 'メモ', en: 'note', aliases: ['備考'] },
  { key: 'nights', ja: '泊数', en: 'nights' },
  { key: 'conflict', ja: '重複', en: 'conflict' },
];
const REQUIRED: readonly Key[] = ['date', 'start', 'end', 'kind', 'facility'];
const header = (key: Key) => SCHEDULE_CSV_COLUMNS.find((c) => c.key === key)!.ja;

/** NFKC, no spaces of either width: how names and labels are compared. */
const plain = (value: string) => value.normalize('NFKC').replace(/\s+/g, '').toLowerCase();

/** 2026-03-05, 2026/3/5, 2026.3.5, 20260305, 2026年3月5日 (full-width digits too) → 2026-03-05; else null. */
export function csvDate(value: string): string | null {
  const v = value.normalize('NFKC').trim();
  const m =
    /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(v) ??
    /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(v) ??
    /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (!m) return null;
  const date = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  return isDay(date) ? date : null;
}

/** 9:00, 09:00, 0900, 9時, 9時30分 (full-width too) → 09:00; else null. */
export function csvTime(value: string): string | null {
  const v = value.normalize('NFKC').trim();
  const m =
    /^(\d{1,2}):(\d{2})$/.exec(v) ?? /^(\d{2})(\d{2})$/.exec(v) ?? /^(\d{1,2})時(?:(\d{1,2})分)?$/.exec(v);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2] ?? '0');
  if (h > 23 || min > 59) return null;
  return `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
}

/** A kind by its code, its Japanese or English label, or a name a care manager's system uses for it. */
export function csvKind(value: string): ScheduleKind | null {
  const wanted = plain(value);
  if (!wanted) return null;
  for (const [code, kind] of Object.entries(SCHEDULE_KINDS) as [
    ScheduleKind,
    (typeof SCHEDULE_KINDS)[ScheduleKind],
  ][]) {
    if ([code, kind.ja, kind.en, ...kind.aliases].some((name) => plain(name) === wanted)) return code;
  }
  return null;
}

/** The month's occurrences (not the cancelled ones) as CSV text; send it with sendCsv. */
export function scheduleCsv(view: ScheduleMonthView): string {
  return toCsv(
    SCHEDULE_CSV_COLUMNS,
    view.occurrences
      .filter((o) => o.status !== 'cancelled')
      .map((o) => ({
        date: o.date.replaceAll('-', '/'),
        start: o.startTime,
        end: o.endTime,
        kind: SCHEDULE_KINDS[o.kind].ja,
        facility: o.facility.name ?? o.facility.oid,
        person: o.person?.name ?? '',
        note: o.note ?? '',
        nights: o.endDate === o.date ? '' : String(nightsBetween(o.date, o.endDate)),
        conflict: o.conflicts.length > 0 ? '重複' : '',
      })),
  );
}

const nightsBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

type Refusal = ScheduleImportReport['refused'][number];

/** The entry field a problem names → the CSV column it came from. */
const FIELD_COLUMN: Readonly<Record<string, Key>> = {
  date: 'date',
  startTime: 'start',
  endTime: 'end',
  kind: 'kind',
  facilityOid: 'facility',
  userId: 'person',
  note: 'note',
  nights: 'nights',
};

/** One row → an entry input, or its problems (each naming the column). Pure but for the team it is given. */
export function rowEntry(
  line: number,
  values: Partial<Record<Key, string>>,
  month: string,
  team: Team,
): { input: EntryInput | null; refused: Refusal[] } {
  const refused: Refusal[] = [];
  const refuse = (key: Key, code: string, message: string) =>
    refused.push({ line, field: header(key), code, message });
  const cell = (key: Key) => (values[key] ?? '').trim();

  const date = csvDate(cell('date'));
  if (!date) refuse('date', 'invalid-date', 'not a day (YYYY/MM/DD) / 日付が読めません');
  else if (date.slice(0, 7) !== month)
    refuse('date', 'outside-month', `not in ${month} / 取り込む月（${month}）の日付ではありません`);
  const startTime = csvTime(cell('start'));
  if (!startTime) refuse('start', 'invalid-time', 'not a time (HH:MM) / 時刻が読めません');
  const endTime = csvTime(cell('end'));
  if (!endTime) refuse('end', 'invalid-time', 'not a time (HH:MM) / 時刻が読めません');
  const kind = csvKind(cell('kind'));
  if (!kind) refuse('kind', 'unknown-kind', `unknown kind / 種別が不明です: ${cell('kind')}`);

  const facilityText = plain(cell('facility'));
  const personText = plain(cell('person'));
  const facility = facilityText
    ? team.facilities.find(
        (f) => plain(f.oid) === facilityText || (f.name !== null && plain(f.name) === facilityText),
      )
    : undefined;
  if (facilityText && !facility)
    refuse(
      'facility',
      'not-in-group',
      `not a facility of the group / グループの施設ではありません: ${cell('facility')}`,
    );
  let userId: string | null = null;
  let facilityOid = facility?.oid ?? null;
  if (personText) {
    const named = team.members.filter((m) => plain(m.name) === personText);
    const matches = facility ? named.filter((m) => m.facilityOid === facility.oid) : named;
    if (matches.length === 1) {
      userId = matches[0]!.userId;
      facilityOid = matches[0]!.facilityOid;
    } else if (matches.length > 1) {
      refuse(
        'person',
        'ambiguous-person',
        'more than one member of this name: give the facility / 同名のメンバーがいます（担当施設を指定してください）',
      );
    } else if (!facilityText || facility) {
      refuse(
        'person',
        'not-a-member',
        `not an active member of the team / チームの参加中メンバーではありません: ${cell('person')}`,
      );
    }
  } else if (!facilityText) {
    refuse('facility', 'required', 'give the facility (or the person) / 担当施設を入力してください');
  }

  let nights = 0;
  if (cell('nights')) {
    nights = Number(cell('nights').normalize('NFKC'));
    if (!Number.isInteger(nights) || nights < 0 || nights > SCHEDULE_LIMITS.nights) {
      refuse('nights', 'invalid-nights', `0–${SCHEDULE_LIMITS.nights} / 泊数が不正です`);
    }
  }
  if (cell('note').length > SCHEDULE_LIMITS.noteChars)
    refuse('note', 'too-long', `at most ${SCHEDULE_LIMITS.noteChars} characters / メモが長すぎます`);
  if (refused.length > 0 || !date || !startTime || !endTime || !kind || !facilityOid)
    return { input: null, refused };

  const body = {
    kind,
    userId,
    facilityOid,
    date,
    startTime,
    endTime,
    nights,
    note: cell('note') || null,
    recurrence: { type: 'none' as const },
  };
  const { entry, issues } = checkEntry(body);
  const problems = [...issues, ...(entry ? checkTeam(entry, team) : [])];
  for (const issue of problems) {
    const key = FIELD_COLUMN[issue.field.split('.')[0] ?? ''];
    refused.push({ line, field: key ? header(key) : issue.field, code: issue.code, message: issue.message });
  }
  return { input: problems.length === 0 ? entry : null, refused };
}

/**
 * Imports one month of one-off entries. Refuses the whole file only when it cannot be read (encoding,
 * header, empty, too many rows: HubError 400/422); otherwise every good row is imported, every bad
 * one refused with its line and column, and a row already in the schedule (the same day, times, kind,
 * facility and person — a file imported twice) is skipped.
 */
export async function importScheduleCsv(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  month: string,
  text: string,
): Promise<ScheduleImportReport> {
  const parsed = parseCsv(text, SCHEDULE_CSV_COLUMNS, REQUIRED);
  if (parsed.rows.length + parsed.problems.length > SCHEDULE_LIMITS.importRows) {
    throw new HubError(
      422,
      'too-many-rows',
      `at most ${SCHEDULE_LIMITS.importRows} rows at once / 一度に取り込めるのは${SCHEDULE_LIMITS.importRows}行までです`,
    );
  }
  const refused: Refusal[] = parsed.problems.map((p) => ({
    line: p.line,
    field: p.column ?? '行',
    code: p.code,
    message: p.message,
  }));
  const team = await teamOf(deps, context);
  const existing = await findSameOneOff(deps, context, month);
  const good: { line: number; input: EntryInput; key: string }[] = [];
  const skipped: { line: number; key: string; entryId: string | null }[] = [];
  const seen = new Set<string>();
  for (const row of parsed.rows) {
    const result = rowEntry(row.line, row.values, month, team);
    refused.push(...result.refused);
    if (!result.input) continue;
    const key = oneOffKey(result.input);
    if (existing.has(key) || seen.has(key))
      skipped.push({ line: row.line, key, entryId: existing.get(key) ?? null });
    else {
      seen.add(key);
      good.push({ line: row.line, input: result.input, key });
    }
  }
  const ids = await insertEntries(
    deps,
    principal,
    context,
    good.map((g) => g.input),
    'csv',
  );
  const idByKey = new Map(good.map((g, i) => [g.key, ids[i]!]));
  const report: ScheduleImportReport = {
    month,
    imported: good.map((g, i) => ({ line: g.line, entryId: ids[i]! })),
    skipped: skipped.map((s) => ({
      line: s.line,
      entryId: s.entryId ?? idByKey.get(s.key)!,
      code: 'duplicate' as const,
    })),
    refused: refused.sort((a, b) => a.line - b.line),
  };
  await auditCabinet(deps, principal, {
    action: 'C',
    cabinetId: context.cabinet.id,
    personId: context.cabinet.person_id,
    what: 'schedule-import',
    entities: ids.map((id) => `Appointment/${id}`),
    detail: {
      month,
      imported: String(report.imported.length),
      skipped: String(report.skipped.length),
      refused: String(new Set(report.refused.map((r) => r.line)).size),
    },
  });
  if (ids.length > 0) deps.events.publish({ type: 'cabinet', cabinetId: context.cabinet.id });
  return report;
}
