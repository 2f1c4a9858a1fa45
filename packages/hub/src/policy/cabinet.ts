import { type Kysely, sql } from 'kysely';
import type { Schema } from '../store/schema.js';
import { consentDenial, type DenialCode } from './decide.js';

/**
 * The Care Cabinet's rule (issue 14), beside the records' rule and built on its consent check: a user
 * reads a cabinet only as an active member, acting for the facility they were invited for, while the
 * patient's team consent is in force and covers that facility; writes also need the cabinet open. A
 * closed cabinet stays readable until its retention day. The network office reads no cabinet (its list
 * shows metadata only). Expressed once here, evaluated two ways: `cabinetAccess` in memory for one
 * cabinet, `readableCabinets` in SQL for lists and counts; the property test holds them equal.
 */

export interface CabinetAccessFacts {
  principal: { userId: string; facilityOid: string; office: boolean };
  cabinet: { status: string; retentionUntil: string | null };
  /** The principal's membership (for their facility), if any. */
  member: { status: string } | null;
  /** The cabinet's consent in force (status `active`), or the latest one, or none. */
  consent: {
    status: string;
    startDate: string;
    endDate: string | null;
    facilities: readonly string[];
  } | null;
  /** Today in Asia/Tokyo, YYYY-MM-DD. */
  today: string;
}

export type CabinetDenial =
  | 'office-reads-no-cabinets'
  | 'not-a-member'
  | 'invitation-pending'
  | 'membership-ended'
  | 'no-consent'
  | 'retention-ended'
  | Extract<
      DenialCode,
      'consent-withdrawn' | 'consent-not-started' | 'consent-expired' | 'facility-not-in-consent'
    >;

export interface CabinetAccess {
  read: boolean;
  write: boolean;
  /** Why reading (or, when reading is allowed, writing) is refused. */
  reason: CabinetDenial | 'cabinet-closed' | null;
}

export function cabinetAccess(facts: CabinetAccessFacts): CabinetAccess {
  const none = (reason: CabinetDenial): CabinetAccess => ({ read: false, write: false, reason });
  if (facts.principal.office) return none('office-reads-no-cabinets');
  if (!facts.member) return none('not-a-member');
  if (facts.member.status === 'invited') return none('invitation-pending');
  if (facts.member.status !== 'active') return none('membership-ended');
  if (!facts.consent) return none('no-consent');
  const consentRefusal = consentDenial(
    { ...facts.consent, scope: 'listed', viewers: [...facts.consent.facilities] },
    facts.principal.facilityOid,
    facts.today,
  );
  if (consentRefusal) return none(consentRefusal as CabinetDenial);
  if (facts.cabinet.status === 'open') return { read: true, write: true, reason: null };
  if (facts.cabinet.retentionUntil !== null && facts.cabinet.retentionUntil >= facts.today) {
    return { read: true, write: false, reason: 'cabinet-closed' };
  }
  return none('retention-ended');
}

/** Words for each refusal (English / Japanese), as the screens show them. */
export const CABINET_DENIALS: Readonly<Record<CabinetDenial | 'cabinet-closed', [string, string]>> = {
  'office-reads-no-cabinets': [
    'the network office sees cabinets’ metadata, not their content',
    'ネットワーク事務局はキャビネットの内容を閲覧できません',
  ],
  'not-a-member': ['you are not a member of this care team', 'このケアチームのメンバーではありません'],
  'invitation-pending': ['accept the invitation first', '招待を承諾してください'],
  'membership-ended': ['you are no longer a member of this care team', 'このケアチームから外れています'],
  'no-consent': [
    'no consent to share within the team is registered',
    'チーム内共有の同意が登録されていません',
  ],
  'retention-ended': [
    'the closed cabinet’s retention period has ended',
    '終了したキャビネットの保存期間が過ぎています',
  ],
  'cabinet-closed': ['the cabinet is closed: read only', 'このキャビネットは終了しています（閲覧のみ）'],
  'consent-withdrawn': ['the patient withdrew the consent', '患者が同意を撤回しました'],
  'consent-not-started': ['the consent has not started yet', '同意の開始日前です'],
  'consent-expired': ['the consent has expired', '同意の期間が終了しています'],
  'facility-not-in-consent': [
    'the consent does not cover your facility',
    '同意の範囲に所属施設が含まれていません',
  ],
};

/**
 * The ids of the cabinets `principal` may read today: the same rule as `cabinetAccess`, as SQL, for
 * lists and unread counts (a subquery; nothing is filtered after the query).
 */
export function readableCabinets(
  db: Kysely<Schema>,
  principal: { userId: string; facilityOid: string; office: boolean },
  today: string,
) {
  const query = db
    .selectFrom('hub_cabinet_member as m')
    .innerJoin('hub_cabinet as c', 'c.id', 'm.cabinet_id')
    .innerJoin('hub_cabinet_consent as k', (join) =>
      join.onRef('k.cabinet_id', '=', 'c.id').on('k.status', '=', 'active'),
    )
    .innerJoin('hub_cabinet_consent_facility as kf', (join) =>
      join.onRef('kf.consent_id', '=', 'k.id').onRef('kf.facility_oid', '=', 'm.facility_oid'),
    )
    .select('m.cabinet_id')
    .where('m.user_id', '=', principal.userId)
    .where('m.facility_oid', '=', principal.facilityOid)
    .where('m.status', '=', 'active')
    .where('k.start_date', '<=', today)
    .where((eb) => eb.or([eb('k.end_date', 'is', null), eb('k.end_date', '>=', today)]))
    .where((eb) => eb.or([eb('c.status', '=', 'open'), eb('c.retention_until', '>=', today)]));
  return principal.office ? query.where(sql<boolean>`1 = 0`) : query;
}
