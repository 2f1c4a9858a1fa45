import { randomUUID } from 'node:crypto';
import { isProfession, PROFESSIONS } from '@hie/contract';
import { agentOf, auditHub } from '../audit-record.js';
import { type HubDeps, HubError, type HubPrincipal } from '../http.js';
import { kanaKey } from '../mpi/normalize.js';
import { deny, mayBreakGlass, viewerDenial } from './decide.js';
import { loadViewer } from './sql.js';

/**
 * Break-the-glass (緊急時閲覧): a doctor or dentist opens a patient's records without consent by
 * giving a reason, for settings.breakGlassSeconds. Every step is audited with purposeOfUse ETREAT and
 * the reason; each grant waits in the office's review list until reviewed. The grant is honoured by
 * `decide` (purpose ETREAT) and by the SQL filters, for this user at this facility only.
 */

export const MIN_REASON_LENGTH = 10;

export interface BreakGlassIdentity {
  personId: string;
  nameKana: string | null;
  nameKanji: string | null;
  birthDate: string | null;
  sex: string | null;
  /** How many facilities hold a record of the person (not which: nothing is disclosed yet). */
  facilityCount: number;
}

/** The viewer may break the glass: an active doctor or dentist at an active viewing facility. */
async function requireGlassBreaker(deps: Pick<HubDeps, 'store' | 'now'>, principal: HubPrincipal) {
  const viewer = await loadViewer(deps.store, principal, deps.now());
  const refused =
    viewerDenial(viewer, viewer.categories, 'ETREAT') ??
    (mayBreakGlass(viewer.profession) ? null : deny('break-glass-not-allowed'));
  if (refused) {
    await auditHub(deps, [
      {
        type: 'break-glass',
        action: 'E',
        outcome: '4',
        outcomeDescription: refused.reason,
        agent: agentOf(principal),
        purposeOfUse: 'ETREAT',
      },
    ]);
    throw new HubError(403, refused.reason, `${refused.message} / ${refused.messageJa}`);
  }
  return viewer;
}

/** Exact kana name + birth date (+ sex): the minimal identities to pick the patient in front of you. */
export async function breakGlassSearch(
  deps: Pick<HubDeps, 'store' | 'now'>,
  principal: HubPrincipal,
  query: { kana: string; birthDate: string; sex?: string },
): Promise<BreakGlassIdentity[]> {
  await requireGlassBreaker(deps, principal);
  const key = kanaKey(query.kana);
  let matching = deps.store.db
    .selectFrom('mpi_record')
    .innerJoin('mpi_person', 'mpi_person.id', 'mpi_record.person_id')
    .select([
      'mpi_record.person_id',
      'mpi_record.name_kana',
      'mpi_record.name_kanji',
      'mpi_record.birth_date',
      'mpi_record.sex',
    ])
    .where('mpi_person.status', '=', 'active')
    .where('mpi_record.kana_key', '=', key)
    .where('mpi_record.birth_date', '=', query.birthDate);
  if (query.sex) matching = matching.where('mpi_record.sex', '=', query.sex);
  const rows = key === '' ? [] : await matching.orderBy('mpi_record.person_id').limit(200).execute();
  const persons = new Map<string, BreakGlassIdentity>();
  for (const r of rows) {
    const known = persons.get(r.person_id);
    if (known) known.facilityCount++;
    else {
      persons.set(r.person_id, {
        personId: r.person_id,
        nameKana: r.name_kana,
        nameKanji: r.name_kanji,
        birthDate: r.birth_date,
        sex: r.sex,
        facilityCount: 1,
      });
    }
  }
  const found = [...persons.values()].slice(0, 20);
  await auditHub(deps, [
    {
      type: 'break-glass',
      action: 'E',
      outcome: '0',
      outcomeDescription: 'search',
      agent: agentOf(principal),
      purposeOfUse: 'ETREAT',
      entities: found.map((p) => `Person/${p.personId}`),
      detail: { kana: query.kana, birthDate: query.birthDate, ...(query.sex ? { sex: query.sex } : {}) },
    },
  ]);
  return found;
}

/**
 * A reason a reviewer can read (issue 10: ten `a`s were accepted): at least five different letters
 * or characters of words (kana, kanji, Latin), not only digits and symbols.
 */
export function meaningfulReason(reason: string): boolean {
  const letters = [...reason.normalize('NFKC')].filter((c) => /\p{L}/u.test(c));
  return new Set(letters.map((c) => c.toLowerCase())).size >= 5;
}

export interface BreakGlassGrant {
  id: string;
  personId: string;
  reason: string;
  startedAt: string;
  expiresAt: string;
}

/** Opens the glass for one person: a grant for this user at this facility, time-limited, audited. */
export async function startBreakGlass(
  deps: Pick<HubDeps, 'store' | 'now' | 'settings'>,
  principal: HubPrincipal,
  personId: string,
  reason: string,
): Promise<BreakGlassGrant> {
  const trimmed = reason.trim();
  if ([...trimmed].length < MIN_REASON_LENGTH) {
    throw new HubError(
      400,
      'reason-too-short',
      `give the reason in at least ${MIN_REASON_LENGTH} characters / 理由を${MIN_REASON_LENGTH}文字以上で入力してください`,
    );
  }
  if (!meaningfulReason(trimmed)) {
    throw new HubError(
      400,
      'reason-not-meaningful',
      '理由を具体的に入力してください（同じ文字の繰り返しや記号・数字だけは受け付けません）/ ' +
        'state the clinical reason: a repeated character, or only digits and symbols, is not a reason',
    );
  }
  await requireGlassBreaker(deps, principal);
  const person = await deps.store.db
    .selectFrom('mpi_person')
    .select('id')
    .where('id', '=', personId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (!person) throw new HubError(404, 'not-found', 'no such patient / 該当する患者はいません');
  const now = deps.now();
  const grant: BreakGlassGrant = {
    id: randomUUID(),
    personId,
    reason: trimmed,
    startedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + deps.settings.breakGlassSeconds * 1000).toISOString(),
  };
  await deps.store.db
    .insertInto('hub_break_glass')
    .values({
      id: grant.id,
      user_id: principal.userId,
      facility_oid: principal.facilityOid,
      person_id: personId,
      reason: grant.reason,
      started_at: grant.startedAt,
      expires_at: grant.expiresAt,
      review_status: 'open',
      reviewed_by: null,
      reviewed_at: null,
      review_note: null,
    })
    .execute();
  await auditHub(deps, [
    {
      type: 'break-glass',
      action: 'E',
      outcome: '0',
      outcomeDescription: 'break-the-glass started',
      agent: agentOf(principal),
      patient: { personId },
      purposeOfUse: 'ETREAT',
      entities: [`BreakGlass/${grant.id}`],
      detail: { reason: grant.reason, breakGlassId: grant.id, expiresAt: grant.expiresAt },
    },
  ]);
  return grant;
}

/** Who the patient is, from the patient index (the person's most recently updated record). */
export interface BreakGlassPatient {
  /** The person now holding the records (differs from the grant's person after a merge). */
  personId: string;
  nameKanji: string | null;
  nameKana: string | null;
  birthDate: string | null;
  sex: string | null;
}

export interface BreakGlassEntry extends BreakGlassGrant {
  /** Null when the patient index holds no record of the person any more. */
  patient: BreakGlassPatient | null;
  user: {
    id: string;
    name: string | null;
    profession: string | null;
    professionLabel: { ja: string; en: string } | null;
  };
  facility: { oid: string; name: string | null };
  /** Still in force now. */
  active: boolean;
  reviewStatus: string;
  reviewedBy: string | null;
  reviewedAt: string | null;
  reviewNote: string | null;
}

/** Merges are followed at most this many hops (a chain longer than that is a data error). */
const MAX_MERGE_HOPS = 5;

/**
 * The identity of each person as the patient index knows it now: that of the person's most recently
 * updated mpi_record (ties: facility, local id). A merged person is followed to the survivor, which
 * holds its records.
 */
export async function latestIdentities(
  store: HubDeps['store'],
  personIds: readonly string[],
): Promise<Map<string, BreakGlassPatient>> {
  const found = new Map<string, BreakGlassPatient>();
  // person asked for → the person whose records stand for it now
  let current = new Map([...new Set(personIds)].map((id) => [id, id]));
  for (let hop = 0; hop <= MAX_MERGE_HOPS && current.size > 0; hop++) {
    const ids = [...new Set(current.values())];
    const records = await store.db
      .selectFrom('mpi_record')
      .select(['person_id', 'name_kanji', 'name_kana', 'birth_date', 'sex'])
      .where('person_id', 'in', ids)
      .orderBy('person_id')
      .orderBy('updated_at', 'desc')
      .orderBy('facility_oid')
      .orderBy('local_id')
      .execute();
    const latest = new Map<string, BreakGlassPatient>();
    for (const r of records) {
      if (latest.has(r.person_id)) continue;
      latest.set(r.person_id, {
        personId: r.person_id,
        nameKanji: r.name_kanji,
        nameKana: r.name_kana,
        birthDate: r.birth_date,
        sex: r.sex,
      });
    }
    const unresolved = new Map<string, string>();
    for (const [asked, holder] of current) {
      const identity = latest.get(holder);
      if (identity) found.set(asked, identity);
      else unresolved.set(asked, holder);
    }
    if (unresolved.size === 0) break;
    const merged = await store.db
      .selectFrom('mpi_person')
      .select(['id', 'merged_into'])
      .where('id', 'in', [...new Set(unresolved.values())])
      .where('merged_into', 'is not', null)
      .execute();
    const survivor = new Map(merged.map((m) => [m.id, m.merged_into as string]));
    current = new Map(
      [...unresolved].flatMap(([asked, holder]) => {
        const next = survivor.get(holder);
        return next && next !== holder ? [[asked, next] as [string, string]] : [];
      }),
    );
  }
  return found;
}

/**
 * The office's review list (newest first): each entry names the patient, the user (with profession)
 * and the facility, so the screen needs no further request.
 */
export async function listBreakGlass(
  deps: Pick<HubDeps, 'store' | 'now'>,
  filter: { status: 'open' | 'reviewed' | 'all'; limit: number; offset: number },
): Promise<{ total: number; entries: BreakGlassEntry[] }> {
  let query = deps.store.db
    .selectFrom('hub_break_glass')
    .leftJoin('hub_user', 'hub_user.id', 'hub_break_glass.user_id')
    .leftJoin('hub_facility', 'hub_facility.oid', 'hub_break_glass.facility_oid');
  if (filter.status !== 'all') query = query.where('hub_break_glass.review_status', '=', filter.status);
  const counted = await query
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .selectAll('hub_break_glass')
    .select(['hub_user.name as user_name', 'hub_user.profession', 'hub_facility.name as facility_name'])
    .orderBy('hub_break_glass.started_at', 'desc')
    .orderBy('hub_break_glass.id')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  const patients = await latestIdentities(
    deps.store,
    rows.map((r) => r.person_id),
  );
  const now = deps.now().toISOString();
  return {
    total: Number(counted.n),
    entries: rows.map((r) => {
      const profession = r.profession ?? null;
      const known = profession !== null && isProfession(profession) ? PROFESSIONS[profession] : null;
      return {
        id: r.id,
        personId: r.person_id,
        reason: r.reason,
        startedAt: r.started_at,
        expiresAt: r.expires_at,
        patient: patients.get(r.person_id) ?? null,
        user: {
          id: r.user_id,
          name: r.user_name ?? null,
          profession,
          professionLabel: known ? { ja: known.ja, en: known.en } : null,
        },
        facility: { oid: r.facility_oid, name: r.facility_name ?? null },
        active: r.expires_at > now,
        reviewStatus: r.review_status,
        reviewedBy: r.reviewed_by,
        reviewedAt: r.reviewed_at,
        reviewNote: r.review_note,
      };
    }),
  };
}

/** The office's review of one grant: note recorded, grant leaves the open list. */
export async function reviewBreakGlass(
  deps: Pick<HubDeps, 'store' | 'now'>,
  principal: HubPrincipal,
  id: string,
  note: string,
): Promise<void> {
  const row = await deps.store.db
    .selectFrom('hub_break_glass')
    .select(['person_id', 'review_status'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row)
    throw new HubError(404, 'not-found', 'no such break-the-glass entry / 該当する緊急時閲覧はありません');
  if (row.review_status !== 'open') {
    throw new HubError(409, 'already-reviewed', 'already reviewed / 確認済みです');
  }
  await deps.store.db
    .updateTable('hub_break_glass')
    .set({
      review_status: 'reviewed',
      reviewed_by: principal.userId,
      reviewed_at: deps.now().toISOString(),
      review_note: note,
    })
    .where('id', '=', id)
    .where('review_status', '=', 'open')
    .execute();
  await auditHub(deps, [
    {
      type: 'break-glass',
      action: 'U',
      outcome: '0',
      outcomeDescription: 'reviewed',
      agent: agentOf(principal),
      patient: { personId: row.person_id },
      entities: [`BreakGlass/${id}`],
      detail: { note },
    },
  ]);
}
