import { FACILITY_TYPE_CODES, FACILITY_TYPES, PROFESSION_CODES, PROFESSIONS } from '@hie/contract';
import type { Store } from '@hie/platform';
import { sql } from 'kysely';
import { tokyoDay } from '../audit/query.js';
import type { Schema } from '../store/schema.js';

/** A label in both languages (Japanese first). */
export interface Label {
  ja: string;
  en: string;
}

/** One row of 参加状況: facilities of a type, their share of all participants, and their user IDs. */
export interface FacilityTypeRow {
  type: string;
  label: Label;
  facilities: number;
  /** Percent of all participating facilities, one decimal. */
  share: number;
  disclosing: number;
  viewing: number;
  /** ID数: active users with a membership at an active facility of this type. */
  users: number;
}

export interface ProfessionRow {
  profession: string;
  label: Label;
  users: number;
}

/** Access to records per month (Japan time): successful views, searches and break-the-glass grants. */
export interface MonthRow {
  month: string;
  views: number;
  searches: number;
  breakGlass: number;
}

/** The network's participation statistics (MISSION.md M13), live from the hub's tables. */
export interface HubStats {
  /** The day (Japan) the figures are for. */
  asOf: string;
  facilities: {
    /** Participating (active) facilities. */
    total: number;
    /** 情報開示施設 */
    disclosing: number;
    /** 閲覧施設 */
    viewing: number;
    byType: FacilityTypeRow[];
  };
  users: { total: number; byProfession: ProfessionRow[] };
  /** Distinct persons with at least one consent in force today (同意取得患者数). */
  consentedPatients: number;
  /** Consents in force today. */
  activeConsents: number;
  perMonth: MonthRow[];
}

const labelOf = (table: Record<string, Label>, code: string): Label => {
  const l = table[code];
  return l ? { ja: l.ja, en: l.en } : { ja: code, en: code };
};
const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10);
const count = (v: number | string | bigint) => Number(v);

/** The month (Japan time) of an ISO timestamp column, per engine: JST has no daylight saving. */
function tokyoMonthOf(engine: Store<Schema>['engine']) {
  return engine === 'postgres'
    ? sql<string>`to_char((recorded_at::timestamptz) at time zone 'Asia/Tokyo', 'YYYY-MM')`
    : sql<string>`strftime('%Y-%m', recorded_at, '+9 hours')`;
}

/** Month bounds as UTC instants: `from` = first day of the month in Japan, `to` inclusive. */
export function monthRange(from?: string, to?: string): { fromIso?: string; toIso?: string } {
  const start = (month: string) => new Date(Date.parse(`${month}-01T00:00:00.000+09:00`));
  const range: { fromIso?: string; toIso?: string } = {};
  if (from) range.fromIso = start(from).toISOString();
  if (to) {
    const [y, m] = to.split('-').map(Number) as [number, number];
    const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
    range.toIso = start(next).toISOString();
  }
  return range;
}

async function facilityFigures(store: Store<Schema>) {
  const [byType, users] = await Promise.all([
    store.db
      .selectFrom('hub_facility')
      .where('status', '=', 'active')
      .select((eb) => [
        'type',
        eb.fn.countAll<number | string>().as('facilities'),
        eb.fn.sum<number | string>('discloses').as('disclosing'),
        eb.fn.sum<number | string>('views').as('viewing'),
      ])
      .groupBy('type')
      .execute(),
    store.db
      .selectFrom('hub_membership as m')
      .innerJoin('hub_user as u', 'u.id', 'm.user_id')
      .innerJoin('hub_facility as f', 'f.oid', 'm.facility_oid')
      .where('u.status', '=', 'active')
      .where('f.status', '=', 'active')
      .select((eb) => ['f.type', eb.fn.count<number | string>('u.id').distinct().as('users')])
      .groupBy('f.type')
      .execute(),
  ]);
  const usersByType = new Map(users.map((r) => [r.type, count(r.users)]));
  const total = byType.reduce((n, r) => n + count(r.facilities), 0);
  const known = FACILITY_TYPE_CODES as readonly string[];
  const rows: FacilityTypeRow[] = byType
    .map((r) => ({
      type: r.type,
      label: labelOf(FACILITY_TYPES, r.type),
      facilities: count(r.facilities),
      share: percent(count(r.facilities), total),
      disclosing: count(r.disclosing ?? 0),
      viewing: count(r.viewing ?? 0),
      users: usersByType.get(r.type) ?? 0,
    }))
    // The seed's order: hospitals, clinics, …; unknown types last.
    .sort((a, b) => rank(known, a.type) - rank(known, b.type) || a.type.localeCompare(b.type));
  return {
    total,
    disclosing: rows.reduce((n, r) => n + r.disclosing, 0),
    viewing: rows.reduce((n, r) => n + r.viewing, 0),
    byType: rows,
  };
}

const rank = (order: readonly string[], code: string) => {
  const i = order.indexOf(code);
  return i < 0 ? order.length : i;
};

async function userFigures(store: Store<Schema>) {
  const rows = await store.db
    .selectFrom('hub_user')
    .where('status', '=', 'active')
    .select((eb) => ['profession', eb.fn.countAll<number | string>().as('users')])
    .groupBy('profession')
    .execute();
  const known = PROFESSION_CODES as readonly string[];
  const byProfession = rows
    .map((r) => ({
      profession: r.profession,
      label: labelOf(PROFESSIONS, r.profession),
      users: count(r.users),
    }))
    .sort(
      (a, b) =>
        rank(known, a.profession) - rank(known, b.profession) || a.profession.localeCompare(b.profession),
    );
  return { total: byProfession.reduce((n, r) => n + r.users, 0), byProfession };
}

async function consentFigures(store: Store<Schema>, today: string) {
  const inForce = store.db
    .selectFrom('hub_consent as c')
    .where('c.status', '=', 'active')
    .where('c.start_date', '<=', today)
    .where((eb) => eb.or([eb('c.end_date', 'is', null), eb('c.end_date', '>=', today)]));
  const [persons, consents] = await Promise.all([
    inForce
      .innerJoin('mpi_record as r', (j) =>
        j.onRef('r.facility_oid', '=', 'c.facility_oid').onRef('r.local_id', '=', 'c.local_id'),
      )
      .select((eb) => eb.fn.count<number | string>('r.person_id').distinct().as('n'))
      .executeTakeFirstOrThrow(),
    inForce.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { consentedPatients: count(persons.n), activeConsents: count(consents.n) };
}

const ACCESS = { view: 'views', search: 'searches', 'break-glass': 'breakGlass' } as const;

/** Successful accesses per month in Japan time, from the audit log. */
export async function accessPerMonth(
  store: Store<Schema>,
  range: { fromIso?: string; toIso?: string } = {},
): Promise<MonthRow[]> {
  const month = tokyoMonthOf(store.engine);
  let query = store.db
    .selectFrom('audit_event')
    .where('type', 'in', Object.keys(ACCESS))
    .where('outcome', '=', '0');
  if (range.fromIso) query = query.where('recorded_at', '>=', range.fromIso);
  if (range.toIso) query = query.where('recorded_at', '<', range.toIso);
  const rows = await query
    .select((eb) => [month.as('month'), 'type', eb.fn.countAll<number | string>().as('n')])
    .groupBy([month, 'type'])
    .execute();
  const months = new Map<string, MonthRow>();
  for (const r of rows) {
    const row = months.get(r.month) ?? { month: r.month, views: 0, searches: 0, breakGlass: 0 };
    row[ACCESS[r.type as keyof typeof ACCESS]] += count(r.n);
    months.set(r.month, row);
  }
  return [...months.values()].sort((a, b) => a.month.localeCompare(b.month));
}

/** Every figure of the statistics page, for the day `now` falls on in Japan. */
export async function hubStats(
  store: Store<Schema>,
  now: Date,
  range: { fromIso?: string; toIso?: string } = {},
): Promise<HubStats> {
  const asOf = tokyoDay(now);
  const [facilities, users, consents, perMonth] = await Promise.all([
    facilityFigures(store),
    userFigures(store),
    consentFigures(store, asOf),
    accessPerMonth(store, range),
  ]);
  return { asOf, facilities, users, ...consents, perMonth };
}
