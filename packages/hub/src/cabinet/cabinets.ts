import { randomUUID } from 'node:crypto';
import { type CabinetOpenInput, cabinetOpenSchema, isDay } from '@hie/contract';
import type { HubDeps, HubPrincipal } from '../http.js';
import { HubError } from '../http.js';
import { consentDenial } from '../policy/decide.js';
import { recordsFor } from '../policy/records.js';
import { facilityNames } from '../viewing/lookups.js';
import type { AttachmentKind } from './attachments.js';
import { auditCabinet } from './audit.js';
import type { CabinetEvents } from './events.js';
import { columnsOf, groupPeople, isGroupFacility } from './groups.js';
import { accessMessage, type CabinetContext, loadCabinet } from './load.js';

/** How long a closed cabinet's posts stay readable by its team (years). */
export const CABINET_RETENTION_YEARS = 5;

export interface CabinetCallDeps extends Pick<HubDeps, 'store' | 'now'> {
  events: CabinetEvents;
  /** What posts may carry (files, drawings): joined in cabinet/api; none when not given. */
  attachments?: readonly AttachmentKind[];
}

/** May this principal know whose cabinet it is? A reader, or an invitee whose facility the consent in force covers. */
export interface PatientKnowledgeFacts {
  access: Pick<CabinetContext['access'], 'read'>;
  member: { status: string } | null;
  consent: { status: string; start_date: string; end_date: string | null } | null;
  consentFacilities: readonly string[];
  today: string;
}

export function knowsPatient(
  context: PatientKnowledgeFacts,
  principal: Pick<HubPrincipal, 'facilityOid'>,
): boolean {
  if (context.access.read) return true;
  if (context.member?.status !== 'invited' || !context.consent) return false;
  return (
    consentDenial(
      {
        status: context.consent.status,
        startDate: context.consent.start_date,
        endDate: context.consent.end_date,
        scope: 'listed',
        viewers: [...context.consentFacilities],
      },
      principal.facilityOid,
      context.today,
    ) === null
  );
}

export const accessView = (context: CabinetContext) => ({
  read: context.access.read,
  write: context.access.write,
  reason: context.access.reason,
  message: accessMessage(context.access),
});

function checkDates(startDate: string, endDate: string | null | undefined) {
  if (!isDay(startDate))
    throw new HubError(422, 'invalid-date', 'startDate is not a real day / 開始日が不正です');
  if (endDate && (!isDay(endDate) || endDate < startDate)) {
    throw new HubError(422, 'invalid-date', 'endDate must be a day on or after startDate / 終了日が不正です');
  }
}

/** Facilities a consent covers: the owner's and those listed, each a facility of the group. */
async function consentFacilities(
  deps: Pick<HubDeps, 'store'>,
  groupId: string,
  ownerFacility: string,
  listed: readonly string[],
): Promise<string[]> {
  const all = [...new Set([ownerFacility, ...listed])];
  for (const oid of all) {
    if (!(await isGroupFacility(deps, groupId, oid))) {
      throw new HubError(
        422,
        'facility-not-in-group',
        `${oid} is not a facility of the group / グループ外の施設です`,
      );
    }
  }
  return all;
}

export async function insertConsent(
  tx: CabinetCallDeps['store']['db'],
  cabinetId: string,
  principal: HubPrincipal,
  consent: { startDate: string; endDate?: string | null | undefined; note?: string | null | undefined },
  facilities: readonly string[],
  now: string,
): Promise<string> {
  const id = randomUUID();
  await tx
    .updateTable('hub_cabinet_consent')
    .set({ status: 'superseded' })
    .where('cabinet_id', '=', cabinetId)
    .where('status', '=', 'active')
    .execute();
  await tx
    .insertInto('hub_cabinet_consent')
    .values({
      id,
      cabinet_id: cabinetId,
      start_date: consent.startDate,
      end_date: consent.endDate ?? null,
      status: 'active',
      registered_by: principal.userId,
      registered_at: now,
      withdrawn_by: null,
      withdrawn_at: null,
      withdraw_reason: null,
      note: consent.note ?? null,
      form_type: null,
      form_sha256: null,
      form_name: null,
      form_size: null,
      form_base64: null,
    })
    .execute();
  await tx
    .insertInto('hub_cabinet_consent_facility')
    .values(facilities.map((oid) => ({ consent_id: id, facility_oid: oid })))
    .execute();
  return id;
}

/** The invitee must be a member of a facility of the group, acting for that facility. */
/** Every invitee works at one of the group's facilities (the group's staff read once). */
async function checkInvitees(
  deps: Pick<HubDeps, 'store'>,
  groupId: string,
  invitees: readonly { userId: string; facilityOid: string }[],
) {
  if (invitees.length === 0) return;
  const people = await groupPeople(deps, groupId);
  const staff = new Set(people.map((p) => `${p.userId}\u0000${p.facilityOid}`));
  if (invitees.some((i) => !staff.has(`${i.userId}\u0000${i.facilityOid}`))) {
    throw new HubError(
      422,
      'not-in-group',
      'invite staff of the group’s facilities only / グループの施設の職員のみ招待できます',
    );
  }
}

/** Opens a cabinet: the patient, the team consent, the owner and the first invitations — one transaction. */
export async function openCabinet(
  deps: CabinetCallDeps & Pick<HubDeps, 'settings' | 'signingKey' | 'fetch'>,
  principal: HubPrincipal,
  input: CabinetOpenInput,
): Promise<string> {
  const body = cabinetOpenSchema.parse(input);
  if (principal.office)
    throw new HubError(
      403,
      'office-only-metadata',
      'the network office opens no cabinet / 事務局はキャビネットを開設できません',
    );
  if (!(await isGroupFacility(deps, body.groupId, principal.facilityOid))) {
    throw new HubError(
      403,
      'not-in-group',
      'your facility is not in this group / 所属施設がこのグループに参加していません',
    );
  }
  if (!isDay(body.patient.birthDate))
    throw new HubError(422, 'invalid-date', 'birthDate is not a real day / 生年月日が不正です');
  checkDates(body.consent.startDate, body.consent.endDate);
  if (body.personId) {
    // Linking to a person of the index needs the opener to see that person's records already.
    const access = await recordsFor(deps as HubDeps, principal, body.personId, 'TREAT');
    if (!access.visible)
      throw new HubError(
        422,
        'person-not-visible',
        'no such patient visible to you / リンクできる患者ではありません',
      );
  }
  const facilities = await consentFacilities(
    deps,
    body.groupId,
    principal.facilityOid,
    body.consent.facilities,
  );
  await checkInvitees(deps, body.groupId, body.invite);
  const id = randomUUID();
  const now = deps.now().toISOString();
  await deps.store.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('hub_cabinet')
      .values({
        id,
        group_id: body.groupId,
        owner_user_id: principal.userId,
        owner_facility_oid: principal.facilityOid,
        patient_name: body.patient.name,
        patient_kana: body.patient.kana,
        birth_date: body.patient.birthDate,
        sex: body.patient.sex,
        address: body.patient.address ?? null,
        person_id: body.personId ?? null,
        status: 'open',
        opened_at: now,
        closed_at: null,
        closed_by: null,
        close_reason: null,
        retention_until: null,
        last_post_at: null,
      })
      .execute();
    const member = (userId: string, facilityOid: string, role: string, status: string) => ({
      cabinet_id: id,
      user_id: userId,
      facility_oid: facilityOid,
      role,
      status,
      invited_by: principal.userId,
      invited_at: now,
      joined_at: status === 'active' ? now : null,
      ended_at: null,
      ended_by: null,
    });
    const invited = body.invite.filter(
      (i) => !(i.userId === principal.userId && i.facilityOid === principal.facilityOid),
    );
    const unique = [...new Map(invited.map((i) => [`${i.userId} ${i.facilityOid}`, i])).values()];
    await tx
      .insertInto('hub_cabinet_member')
      .values([
        member(principal.userId, principal.facilityOid, 'owner', 'active'),
        ...unique.map((i) => member(i.userId, i.facilityOid, 'member', 'invited')),
      ])
      .execute();
    await insertConsent(tx, id, principal, body.consent, facilities, now);
  });
  await auditCabinet(deps, principal, {
    action: 'C',
    cabinetId: id,
    personId: body.personId ?? null,
    what: 'open',
    detail: { group: body.groupId, invited: String(body.invite.length), facilities: facilities.join(' ') },
  });
  deps.events.publish({ type: 'cabinet', cabinetId: id });
  return id;
}

/** A cabinet's detail for one principal; the patient and team only as the rule allows. Audited when it shows the patient. */
export async function cabinetDetail(deps: CabinetCallDeps, principal: HubPrincipal, context: CabinetContext) {
  const { cabinet, consent } = context;
  const knows = knowsPatient(context, principal);
  const group = await deps.store.db
    .selectFrom('hub_cabinet_group')
    .select(['id', 'name', 'columns_json'])
    .where('id', '=', cabinet.group_id)
    .executeTakeFirstOrThrow();
  const members = await deps.store.db
    .selectFrom('hub_cabinet_member as m')
    .innerJoin('hub_user as u', 'u.id', 'm.user_id')
    .select([
      'm.user_id',
      'u.name',
      'u.profession',
      'm.facility_oid',
      'm.role',
      'm.status',
      'm.invited_at',
      'm.joined_at',
      'm.ended_at',
    ])
    .where('m.cabinet_id', '=', cabinet.id)
    .orderBy('m.invited_at')
    .execute();
  const names = await facilityNames(deps.store, [
    ...members.map((m) => m.facility_oid),
    ...context.consentFacilities,
  ]);
  const registeredBy = consent
    ? await deps.store.db
        .selectFrom('hub_user')
        .select('name')
        .where('id', '=', consent.registered_by)
        .executeTakeFirst()
    : undefined;
  if (knows) {
    await auditCabinet(deps, principal, {
      action: 'R',
      cabinetId: cabinet.id,
      personId: cabinet.person_id,
      what: 'detail',
    });
  }
  return {
    id: cabinet.id,
    group: { id: group.id, name: group.name, columns: columnsOf(group.columns_json) },
    status: cabinet.status,
    openedAt: cabinet.opened_at,
    closedAt: cabinet.closed_at,
    closeReason: cabinet.close_reason,
    retentionUntil: cabinet.retention_until,
    patient: knows
      ? {
          name: cabinet.patient_name,
          kana: cabinet.patient_kana,
          birthDate: cabinet.birth_date,
          sex: cabinet.sex,
          address: cabinet.address,
        }
      : null,
    personId: knows ? cabinet.person_id : null,
    access: accessView(context),
    myRole: context.member?.role ?? null,
    myStatus: context.member?.status ?? null,
    members: members.map((m) => ({
      userId: m.user_id,
      name: m.name,
      profession: m.profession,
      facilityOid: m.facility_oid,
      facilityName: names.get(m.facility_oid) ?? null,
      role: m.role,
      status: m.status,
      invitedAt: m.invited_at,
      joinedAt: m.joined_at,
      endedAt: m.ended_at,
    })),
    consent: consent
      ? {
          id: consent.id,
          startDate: consent.start_date,
          endDate: consent.end_date,
          status: consent.status,
          inEffect:
            consentDenial(
              {
                status: consent.status,
                startDate: consent.start_date,
                endDate: consent.end_date,
                scope: 'all',
                viewers: [],
              },
              principal.facilityOid,
              context.today,
            ) === null,
          facilities: context.consentFacilities.map((oid) => ({ oid, name: names.get(oid) ?? null })),
          registeredBy: registeredBy?.name ?? null,
          registeredAt: consent.registered_at,
          note: consent.note,
          withdrawnAt: consent.withdrawn_at,
          withdrawReason: consent.withdraw_reason,
          form: consent.form_type
            ? {
                mediaType: consent.form_type,
                size: consent.form_size,
                fileName: consent.form_name,
                sha256: consent.form_sha256,
              }
            : null,
        }
      : null,
  };
}

const requireOwner = (context: CabinetContext) => {
  if (context.member?.role !== 'owner' || context.member.status !== 'active') {
    throw new HubError(
      403,
      'owner-only',
      'only the cabinet’s owner may do this / キャビネットの管理者のみ操作できます',
    );
  }
};

const requireOpen = (context: CabinetContext) => {
  if (context.cabinet.status !== 'open') {
    throw new HubError(409, 'cabinet-closed', 'the cabinet is closed / このキャビネットは終了しています');
  }
};

export async function inviteMember(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  invitee: { userId: string; facilityOid: string },
): Promise<void> {
  requireOwner(context);
  requireOpen(context);
  await checkInvitees(deps, context.cabinet.group_id, [invitee]);
  const now = deps.now().toISOString();
  const existing = await deps.store.db
    .selectFrom('hub_cabinet_member')
    .select('status')
    .where('cabinet_id', '=', context.cabinet.id)
    .where('user_id', '=', invitee.userId)
    .where('facility_oid', '=', invitee.facilityOid)
    .executeTakeFirst();
  if (existing && ['invited', 'active'].includes(existing.status)) {
    throw new HubError(409, 'already-member', 'already on the team / 既にメンバーです');
  }
  const row = {
    role: 'member',
    status: 'invited',
    invited_by: principal.userId,
    invited_at: now,
    joined_at: null,
    ended_at: null,
    ended_by: null,
  };
  if (existing) {
    await deps.store.db
      .updateTable('hub_cabinet_member')
      .set(row)
      .where('cabinet_id', '=', context.cabinet.id)
      .where('user_id', '=', invitee.userId)
      .where('facility_oid', '=', invitee.facilityOid)
      .execute();
  } else {
    await deps.store.db
      .insertInto('hub_cabinet_member')
      .values({
        cabinet_id: context.cabinet.id,
        user_id: invitee.userId,
        facility_oid: invitee.facilityOid,
        ...row,
      })
      .execute();
  }
  await auditCabinet(deps, principal, {
    action: 'U',
    cabinetId: context.cabinet.id,
    personId: context.cabinet.person_id,
    what: 'member-invite',
    entities: [`Practitioner/${invitee.userId}`],
    detail: { facility: invitee.facilityOid },
  });
  deps.events.publish({ type: 'cabinet', cabinetId: context.cabinet.id });
}

/** The principal's own answer to an invitation, or leaving. */
export async function changeOwnMembership(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  change: 'accept' | 'decline' | 'leave',
): Promise<void> {
  const status = context.member?.status;
  if (change === 'leave' && context.member?.role === 'owner') {
    throw new HubError(
      409,
      'owner-cannot-leave',
      'the owner cannot leave; close the cabinet instead / 管理者は退出できません',
    );
  }
  const allowed = change === 'leave' ? status === 'active' : status === 'invited';
  if (!allowed)
    throw new HubError(409, 'no-such-invitation', 'nothing to do / 該当する招待・参加がありません');
  if (change === 'accept') requireOpen(context);
  const now = deps.now().toISOString();
  await deps.store.db
    .updateTable('hub_cabinet_member')
    .set(
      change === 'accept'
        ? { status: 'active', joined_at: now }
        : { status: 'left', ended_at: now, ended_by: principal.userId },
    )
    .where('cabinet_id', '=', context.cabinet.id)
    .where('user_id', '=', principal.userId)
    .where('facility_oid', '=', principal.facilityOid)
    .execute();
  await auditCabinet(deps, principal, {
    action: 'U',
    cabinetId: context.cabinet.id,
    personId: context.cabinet.person_id,
    what: `member-${change}`,
  });
  deps.events.publish({ type: 'cabinet', cabinetId: context.cabinet.id });
}

export async function removeMember(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  target: { userId: string; facilityOid: string },
): Promise<void> {
  requireOwner(context);
  if (target.userId === principal.userId && target.facilityOid === principal.facilityOid) {
    throw new HubError(
      409,
      'owner-cannot-leave',
      'the owner cannot remove themself / 管理者自身は外せません',
    );
  }
  const updated = await deps.store.db
    .updateTable('hub_cabinet_member')
    .set({ status: 'removed', ended_at: deps.now().toISOString(), ended_by: principal.userId })
    .where('cabinet_id', '=', context.cabinet.id)
    .where('user_id', '=', target.userId)
    .where('facility_oid', '=', target.facilityOid)
    .where('status', 'in', ['invited', 'active'])
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0)
    throw new HubError(404, 'not-found', 'no such member / 該当するメンバーはいません');
  await auditCabinet(deps, principal, {
    action: 'U',
    cabinetId: context.cabinet.id,
    personId: context.cabinet.person_id,
    what: 'member-remove',
    entities: [`Practitioner/${target.userId}`],
    detail: { facility: target.facilityOid },
  });
  deps.events.publish({ type: 'cabinet', cabinetId: context.cabinet.id });
}

export async function closeCabinet(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  reason: string,
): Promise<void> {
  requireOwner(context);
  requireOpen(context);
  const now = deps.now();
  const until = new Date(`${context.today}T00:00:00Z`);
  until.setUTCFullYear(until.getUTCFullYear() + CABINET_RETENTION_YEARS);
  await deps.store.db
    .updateTable('hub_cabinet')
    .set({
      status: 'closed',
      closed_at: now.toISOString(),
      closed_by: principal.userId,
      close_reason: reason,
      retention_until: until.toISOString().slice(0, 10),
    })
    .where('id', '=', context.cabinet.id)
    .execute();
  await auditCabinet(deps, principal, {
    action: 'U',
    cabinetId: context.cabinet.id,
    personId: context.cabinet.person_id,
    what: 'close',
    detail: { reason },
  });
  deps.events.publish({ type: 'cabinet', cabinetId: context.cabinet.id });
}

/** Re-exported for the routes: the context loader. */
export { loadCabinet };
