import { PROFESSIONS } from '@hie/contract';
import type { Store } from '@hie/platform';
import type { ExpressionBuilder } from 'kysely';
import type { HubPrincipal } from '../http.js';
import type { Schema } from '../store/schema.js';
import type { StoredAuditEvent } from './query.js';

/** The events a patient's access report lists: who opened, found, or broke the glass on the records. */
export const ACCESS_TYPES = ['view', 'search', 'break-glass'] as const;
export type AccessKind = (typeof ACCESS_TYPES)[number];

/** Person ids the report accepts: no SQL LIKE wildcards, so they can be matched inside search results. */
export const PERSON_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9.:-]{0,127}$/;

/** One line of 「誰が私の記録を見たか」: who, from which facility, when, why. */
export interface AccessReportEntry {
  seq: number;
  at: string;
  kind: AccessKind;
  outcome: string;
  outcomeDescription?: string;
  user: {
    id: string | null;
    name: string | null;
    profession: string | null;
    professionLabel: { ja: string; en: string } | null;
  };
  facility: { oid: string; name: string | null } | null;
  purposeOfUse: string | null;
  /** The reason the user gave when breaking the glass (emergency access without consent). */
  breakGlassReason: string | null;
}

export interface AccessReport {
  personId: string;
  total: number;
  entries: AccessReportEntry[];
}

/** The person and the persons merged into it: their events belong to the same patient. */
async function personKeys(store: Store<Schema>, personId: string): Promise<string[] | null> {
  const rows = await store.db
    .selectFrom('mpi_person')
    .select('id')
    .where((eb) => eb.or([eb('id', '=', personId), eb('merged_into', '=', personId)]))
    .execute();
  if (!rows.some((r) => r.id === personId)) return null;
  return [personId, ...rows.map((r) => r.id).filter((id) => id !== personId)];
}

/**
 * May the principal read the report? The network office, or an administrator of a facility that holds
 * a record of the person (the patient asks at its counter; the facility's administrator answers). Not
 * any member of staff: the report names every viewer network-wide and their break-the-glass reasons
 * (issue 10, findings 2 and 9). Null = unknown or not allowed (the same 404).
 */
export async function accessReportScope(
  store: Store<Schema>,
  principal: HubPrincipal,
  personId: string,
): Promise<string[] | null> {
  const keys = await personKeys(store, personId);
  if (!keys) return null;
  if (principal.office) return keys;
  if (principal.facilityRole !== 'admin') return null;
  const held = await store.db
    .selectFrom('mpi_record')
    .select('local_id')
    .where('person_id', 'in', keys)
    .where('facility_oid', '=', principal.facilityOid)
    .limit(1)
    .executeTakeFirst();
  return held ? keys : null;
}

/**
 * Events about the person: views and break-the-glass carry the person (indexed `patient_key`);
 * a search lists the person among its result ids (matched in the hashed JSON).
 */
function aboutPerson(keys: readonly string[]) {
  return (eb: ExpressionBuilder<Schema, 'audit_event'>) =>
    eb.or([
      eb.and([
        eb(
          'patient_key',
          'in',
          keys.map((k) => `person:${k}`),
        ),
        eb('type', 'in', [...ACCESS_TYPES]),
      ]),
      eb.and([
        eb('type', '=', 'search'),
        eb.or(
          keys.flatMap((k) => [
            eb('event_json', 'like', `%"${k}"%`),
            eb('event_json', 'like', `%/${k}"%`),
            eb('event_json', 'like', `%:${k}"%`),
          ]),
        ),
      ]),
    ]);
}

/** The report, newest first, one page, with the exact total. */
export async function accessReport(
  store: Store<Schema>,
  personId: string,
  keys: readonly string[],
  page: { limit: number; offset: number },
): Promise<AccessReport> {
  const where = aboutPerson(keys);
  const [count, rows] = await Promise.all([
    store.db
      .selectFrom('audit_event')
      .where(where)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow(),
    store.db
      .selectFrom('audit_event')
      .where(where)
      .select(['seq', 'recorded_at', 'event_json'])
      .orderBy('seq', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
  ]);
  const events: StoredAuditEvent[] = rows.map((r) => ({
    seq: Number(r.seq),
    recordedAt: r.recorded_at,
    record: JSON.parse(r.event_json),
  }));
  return { personId, total: Number(count.n), entries: await describe(store, keys, events) };
}

async function describe(
  store: Store<Schema>,
  keys: readonly string[],
  events: readonly StoredAuditEvent[],
): Promise<AccessReportEntry[]> {
  const userIds = [...new Set(events.flatMap((e) => (e.record.agent ? [e.record.agent.userId] : [])))];
  const oids = [
    ...new Set(events.flatMap((e) => (e.record.agent?.facilityOid ? [e.record.agent.facilityOid] : []))),
  ];
  const [users, facilities, grants] = await Promise.all([
    userIds.length
      ? store.db
          .selectFrom('hub_user')
          .select(['id', 'name', 'profession'])
          .where('id', 'in', userIds)
          .execute()
      : [],
    oids.length
      ? store.db.selectFrom('hub_facility').select(['oid', 'name']).where('oid', 'in', oids).execute()
      : [],
    store.db
      .selectFrom('hub_break_glass')
      .select(['user_id', 'reason', 'started_at', 'expires_at'])
      .where('person_id', 'in', [...keys])
      .orderBy('started_at', 'desc')
      .execute(),
  ]);
  const userById = new Map(users.map((u) => [u.id, u]));
  const facilityName = new Map(facilities.map((f) => [f.oid, f.name]));
  return events.map(({ seq, recordedAt, record }) => {
    const agent = record.agent;
    const user = agent ? userById.get(agent.userId) : undefined;
    const profession = user?.profession ?? agent?.profession ?? null;
    const label = profession ? PROFESSIONS[profession as keyof typeof PROFESSIONS] : undefined;
    const kind = (ACCESS_TYPES as readonly string[]).includes(record.type)
      ? (record.type as AccessKind)
      : 'search';
    const breakGlass =
      kind === 'break-glass' || record.purposeOfUse === 'ETREAT' || record.detail?.breakGlassId !== undefined;
    // The reason: on the event itself, else the grant of that user that covered the moment.
    const grant = breakGlass
      ? grants.find(
          (g) => g.user_id === agent?.userId && g.started_at <= recordedAt && recordedAt <= g.expires_at,
        )
      : undefined;
    return {
      seq,
      at: recordedAt,
      kind,
      outcome: record.outcome,
      ...(record.outcomeDescription ? { outcomeDescription: record.outcomeDescription } : {}),
      user: {
        id: agent?.userId ?? null,
        name: user?.name ?? agent?.name ?? null,
        profession,
        professionLabel: label ? { ja: label.ja, en: label.en } : null,
      },
      facility: agent?.facilityOid
        ? { oid: agent.facilityOid, name: facilityName.get(agent.facilityOid) ?? null }
        : null,
      purposeOfUse: record.purposeOfUse ?? null,
      breakGlassReason: breakGlass
        ? (record.detail?.breakGlassReason ?? record.detail?.reason ?? grant?.reason ?? null)
        : null,
    };
  });
}
