import { type Profession, tokyoDay } from '@hie/contract';
import type { FastifyRequest } from 'fastify';
import type { Selectable } from 'kysely';
import type { HubDeps, HubPrincipal } from '../http.js';
import { HubError, requirePrincipal } from '../http.js';
import { CABINET_DENIALS, type CabinetAccess, cabinetAccess } from '../policy/cabinet.js';
import type {
  HubCabinetConsentTable,
  HubCabinetMemberTable,
  HubCabinetTable,
} from '../store/cabinet-tables.js';
import { auditCabinet } from './audit.js';

/** One cabinet as the rule sees it for one principal: the row, their membership, the consent, the decision. */
export interface CabinetContext {
  cabinet: Selectable<HubCabinetTable>;
  member: Selectable<HubCabinetMemberTable> | null;
  consent: Selectable<HubCabinetConsentTable> | null;
  consentFacilities: string[];
  access: CabinetAccess;
  today: string;
}

export const cabinetNotFound = () =>
  new HubError(404, 'not-found', 'no such cabinet / 該当するキャビネットはありません');

export type Principalish = Pick<HubPrincipal, 'userId' | 'facilityOid' | 'office'> & {
  profession?: Profession;
};

/** The cabinet's consent in force, else the latest one (its status tells why nothing is in force). */
export async function currentConsent(deps: Pick<HubDeps, 'store'>, cabinetId: string) {
  const consent =
    (await deps.store.db
      .selectFrom('hub_cabinet_consent')
      .selectAll()
      .where('cabinet_id', '=', cabinetId)
      .where('status', '=', 'active')
      .executeTakeFirst()) ??
    (await deps.store.db
      .selectFrom('hub_cabinet_consent')
      .selectAll()
      .where('cabinet_id', '=', cabinetId)
      .orderBy('registered_at', 'desc')
      .limit(1)
      .executeTakeFirst()) ??
    null;
  const facilities = consent
    ? (
        await deps.store.db
          .selectFrom('hub_cabinet_consent_facility')
          .select('facility_oid')
          .where('consent_id', '=', consent.id)
          .execute()
      ).map((r) => r.facility_oid)
    : [];
  return { consent, facilities };
}

export async function loadCabinet(
  deps: Pick<HubDeps, 'store' | 'now'>,
  principal: Principalish,
  cabinetId: string,
): Promise<CabinetContext | null> {
  // The cabinet and the principal's membership in one query.
  const row = await deps.store.db
    .selectFrom('hub_cabinet as c')
    .leftJoin('hub_cabinet_member as m', (join) =>
      join
        .onRef('m.cabinet_id', '=', 'c.id')
        .on('m.user_id', '=', principal.userId)
        .on('m.facility_oid', '=', principal.facilityOid),
    )
    .selectAll('c')
    .select([
      'm.user_id as m_user_id',
      'm.facility_oid as m_facility_oid',
      'm.role as m_role',
      'm.status as m_status',
      'm.invited_by as m_invited_by',
      'm.invited_at as m_invited_at',
      'm.joined_at as m_joined_at',
      'm.ended_at as m_ended_at',
      'm.ended_by as m_ended_by',
    ])
    .where('c.id', '=', cabinetId)
    .executeTakeFirst();
  if (!row) return null;
  const {
    m_user_id,
    m_facility_oid,
    m_role,
    m_status,
    m_invited_by,
    m_invited_at,
    m_joined_at,
    m_ended_at,
    m_ended_by,
    ...cabinet
  } = row;
  const member =
    m_user_id && m_facility_oid && m_role && m_status && m_invited_by && m_invited_at
      ? {
          cabinet_id: cabinet.id,
          user_id: m_user_id,
          facility_oid: m_facility_oid,
          role: m_role,
          status: m_status,
          invited_by: m_invited_by,
          invited_at: m_invited_at,
          joined_at: m_joined_at,
          ended_at: m_ended_at,
          ended_by: m_ended_by,
        }
      : null;
  const { consent, facilities } = await currentConsent(deps, cabinetId);
  const today = tokyoDay(deps.now());
  const access = cabinetAccess({
    principal,
    cabinet: { status: cabinet.status, retentionUntil: cabinet.retention_until },
    member: member ? { status: member.status } : null,
    consent: consent
      ? { status: consent.status, startDate: consent.start_date, endDate: consent.end_date, facilities }
      : null,
    today,
  });
  return { cabinet, member, consent, consentFacilities: facilities, access, today };
}

export function accessMessage(access: CabinetAccess): string | null {
  if (!access.reason) return null;
  const [en, ja] = CABINET_DENIALS[access.reason];
  return `${ja} / ${en}`;
}

/**
 * The cabinet, if `principal` may do `need` with it; else a refusal, audited. Someone who was never on
 * the team gets the same 404 as for an unknown cabinet; a member (invited, ended, or without consent)
 * gets 403 with the reason.
 */
export async function requireCabinet(
  deps: Pick<HubDeps, 'store' | 'now'>,
  principal: HubPrincipal,
  cabinetId: string,
  need: 'read' | 'write' | 'member',
  what: string,
): Promise<CabinetContext> {
  const context = await loadCabinet(deps, principal, cabinetId);
  const allowed =
    context &&
    (need === 'member'
      ? context.member !== null && ['invited', 'active'].includes(context.member.status)
      : context.access[need]);
  if (context && allowed) return context;
  const reason = context?.member ? (context.access.reason ?? 'not-a-member') : 'not-a-member';
  await auditCabinet(deps, principal, {
    action: need === 'read' ? 'R' : 'U',
    outcome: '4',
    outcomeDescription: reason,
    cabinetId,
    personId: null,
    what,
  });
  if (!context?.member) throw cabinetNotFound();
  const [en, ja] = CABINET_DENIALS[reason as keyof typeof CABINET_DENIALS] ?? ['refused', '拒否されました'];
  throw new HubError(403, reason, `${en} / ${ja}`);
}

const loaded = new WeakMap<FastifyRequest, CabinetContext>();

/**
 * A route's `preValidation` hook that runs the rule before the body is validated (so a stranger gets 404,
 * never a 400 that tells them the route and cabinet exist); the handler takes the context with `loadedCabinet`.
 */
export const cabinetGuard =
  (deps: Pick<HubDeps, 'store' | 'now'>, need: 'read' | 'write' | 'member', what: string) =>
  async (request: FastifyRequest): Promise<void> => {
    const principal = requirePrincipal(request);
    const { id } = request.params as { id?: unknown };
    loaded.set(request, await requireCabinet(deps, principal, String(id ?? ''), need, what));
  };

export function loadedCabinet(request: FastifyRequest): CabinetContext {
  const context = loaded.get(request);
  if (!context) throw new HubError(500, 'internal', 'the cabinet was not loaded');
  return context;
}
