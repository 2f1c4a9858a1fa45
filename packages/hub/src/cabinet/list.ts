import { tokyoDay } from '@hie/contract';
import type { HubPrincipal } from '../http.js';
import { cabinetAccess } from '../policy/cabinet.js';
import { facilityNames } from '../viewing/lookups.js';
import { auditCabinet } from './audit.js';
import { type CabinetCallDeps, knowsPatient } from './cabinets.js';
import { accessMessage } from './load.js';
import { unreadByCabinet } from './notifications.js';

/** The user's cabinets (invited or active, for the facility they act for), each decided by the rule. */
export async function listCabinets(deps: CabinetCallDeps, principal: HubPrincipal) {
  const rows = await deps.store.db
    .selectFrom('hub_cabinet_member as m')
    .innerJoin('hub_cabinet as c', 'c.id', 'm.cabinet_id')
    .innerJoin('hub_cabinet_group as g', 'g.id', 'c.group_id')
    .innerJoin('hub_user as o', 'o.id', 'c.owner_user_id')
    .selectAll('c')
    .select([
      'm.role',
      'm.status as member_status',
      'm.joined_at',
      'g.name as group_name',
      'o.name as owner_name',
    ])
    .where('m.user_id', '=', principal.userId)
    .where('m.facility_oid', '=', principal.facilityOid)
    .where('m.status', 'in', ['invited', 'active'])
    .orderBy('c.last_post_at', 'desc')
    .orderBy('c.opened_at', 'desc')
    .execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const consents = await deps.store.db
    .selectFrom('hub_cabinet_consent')
    .selectAll()
    .where('cabinet_id', 'in', ids)
    .orderBy('registered_at', 'desc')
    .execute();
  const covered = await deps.store.db
    .selectFrom('hub_cabinet_consent_facility')
    .select(['consent_id', 'facility_oid'])
    .where(
      'consent_id',
      'in',
      consents.map((c) => c.id),
    )
    .execute();
  const unread = await unreadByCabinet(deps, principal);
  const owners = await facilityNames(
    deps.store,
    rows.map((r) => r.owner_facility_oid),
  );
  const today = tokyoDay(deps.now());
  const out = rows.map((row) => {
    const mine = consents.filter((c) => c.cabinet_id === row.id);
    const consent = mine.find((c) => c.status === 'active') ?? mine[0] ?? null;
    const facilities = consent
      ? covered.filter((f) => f.consent_id === consent.id).map((f) => f.facility_oid)
      : [];
    const member = { status: row.member_status, role: row.role };
    const access = cabinetAccess({
      principal,
      cabinet: { status: row.status, retentionUntil: row.retention_until },
      member,
      consent: consent
        ? { status: consent.status, startDate: consent.start_date, endDate: consent.end_date, facilities }
        : null,
      today,
    });
    const knows = knowsPatient({ member, consent, consentFacilities: facilities, access, today }, principal);
    const counts = access.read ? (unread.get(row.id) ?? { unread: 0, urgent: 0 }) : { unread: 0, urgent: 0 };
    return {
      id: row.id,
      groupId: row.group_id,
      groupName: row.group_name,
      status: row.status,
      patient: knows
        ? { name: row.patient_name, kana: row.patient_kana, birthDate: row.birth_date, sex: row.sex }
        : null,
      personId: knows ? row.person_id : null,
      access: {
        read: access.read,
        write: access.write,
        reason: access.reason,
        message: accessMessage(access),
      },
      myRole: row.role,
      myStatus: row.member_status,
      unread: counts.unread,
      urgentUnread: counts.urgent,
      lastPostAt: access.read ? row.last_post_at : null,
      ownerName: row.owner_name,
      ownerFacilityName: owners.get(row.owner_facility_oid) ?? null,
    };
  });
  const shown = out.filter((c) => c.patient);
  for (const cabinet of shown) {
    await auditCabinet(deps, principal, {
      action: 'R',
      cabinetId: cabinet.id,
      personId: cabinet.personId,
      what: 'list',
    });
  }
  return out;
}

/** The network office's view: every cabinet's metadata, never the patient or a post. */
export async function officeCabinets(deps: CabinetCallDeps) {
  const rows = await deps.store.db
    .selectFrom('hub_cabinet as c')
    .innerJoin('hub_cabinet_group as g', 'g.id', 'c.group_id')
    .innerJoin('hub_facility as f', 'f.oid', 'c.owner_facility_oid')
    .select([
      'c.id',
      'g.name as group_name',
      'f.name as owner_facility_name',
      'c.status',
      'c.opened_at',
      'c.last_post_at',
      'c.retention_until',
      (eb) =>
        eb
          .selectFrom('hub_cabinet_member as m')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('m.cabinet_id', '=', 'c.id')
          .where('m.status', '=', 'active')
          .as('members'),
      (eb) =>
        eb
          .selectFrom('hub_cabinet_post as p')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('p.cabinet_id', '=', 'c.id')
          .as('posts'),
      (eb) =>
        eb
          .selectFrom('hub_cabinet_consent as k')
          .select('k.status')
          .whereRef('k.cabinet_id', '=', 'c.id')
          .orderBy('k.registered_at', 'desc')
          .limit(1)
          .as('consent_status'),
    ])
    .orderBy('g.name')
    .orderBy('c.opened_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    groupName: r.group_name,
    ownerFacilityName: r.owner_facility_name,
    status: r.status,
    members: Number(r.members ?? 0),
    posts: Number(r.posts ?? 0),
    consentStatus: r.consent_status ?? null,
    openedAt: r.opened_at,
    lastPostAt: r.last_post_at,
    retentionUntil: r.retention_until,
  }));
}
