import type { Category } from '@hie/contract';
import { tokyoDay } from '@hie/contract';

/**
 * The hub's one decision (ARCHITECTURE.md invariant 1): may this viewer see this record, and which
 * categories of it? Consent (施設単位) × the viewer's profession (the office's matrix) × the disclosing
 * facility's settings × user and facility active × purpose. Deny by default; every denial says why.
 *
 * Pure: the facts are loaded by the caller (policy/records.ts for single records); the same rule is
 * compiled to SQL in policy/sql.ts for lists, and a property test proves the two agree.
 */

/**
 * Purposes of use the hub grants (HL7 v3 PurposeOfUse). TREAT: consent only. ETREAT (emergency
 * treatment): consent, or else an active break-the-glass grant of this user for this person.
 * ETREAT therefore allows a superset of TREAT; list filters use it by default (see sql.ts).
 */
export const PURPOSES = ['TREAT', 'ETREAT'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** Only doctors and dentists may break the glass. */
export const BREAK_GLASS_PROFESSIONS: readonly string[] = ['doctor', 'dentist'];
export const mayBreakGlass = (profession: string) => BREAK_GLASS_PROFESSIONS.includes(profession);

/** The network office administers the network and reads no records, whatever the matrix says. */
export const OFFICE_PROFESSION = 'office';

export interface ViewerFacts {
  userId: string;
  /** hub_user.status = active, and still a member of the facility. */
  userActive: boolean;
  profession: string;
  facilityOid: string;
  /** hub_facility.status = active. */
  facilityActive: boolean;
  /** hub_facility.views = 1. */
  facilityViews: boolean;
}

export interface SourceFacts {
  facilityOid: string;
  /** hub_facility.status = active. */
  active: boolean;
  /** hub_facility.discloses = 1. */
  discloses: boolean;
  /** hub_disclosure rows of the facility. */
  disclosed: readonly Category[];
}

/** One consent given at the disclosing facility for this record (hub_consent + hub_consent_viewer). */
export interface ConsentFacts {
  /** all | listed */
  scope: string;
  /** Viewing facility OIDs, when listed. */
  viewers: readonly string[];
  /** YYYY-MM-DD, inclusive. */
  startDate: string;
  endDate: string | null;
  /** active | withdrawn */
  status: string;
}

export interface BreakGlassFacts {
  id: string;
  expiresAt: string;
}

export interface PolicyFacts {
  viewer: ViewerFacts;
  source: SourceFacts;
  /** Every consent of the record (facility OID, local id), withdrawn ones included. */
  consents: readonly ConsentFacts[];
  /** The viewer profession's row of the matrix. */
  professionCategories: readonly Category[];
  /** This user's break-the-glass grant for the record's person, if one is active now. */
  breakGlass: BreakGlassFacts | null;
  /** YYYY-MM-DD in Asia/Tokyo (see `tokyoDay`). */
  today: string;
}

export type DenialCode =
  | 'purpose-not-allowed'
  | 'office-reads-no-records'
  | 'user-inactive'
  | 'facility-inactive'
  | 'not-a-viewing-facility'
  | 'profession-sees-nothing'
  | 'source-inactive'
  | 'source-not-disclosing'
  | 'nothing-disclosed'
  | 'no-consent'
  | 'consent-withdrawn'
  | 'consent-expired'
  | 'consent-not-started'
  | 'facility-not-in-consent'
  | 'break-glass-not-allowed'
  | 'no-break-glass';

export interface Denial {
  allow: false;
  reason: DenialCode;
  /** English. */
  message: string;
  /** 日本語. */
  messageJa: string;
}

export type Decision =
  | {
      allow: true;
      /** matrix(profession) ∩ disclosure(source), sorted, never empty. */
      categories: Category[];
      basis: 'consent' | 'break-glass';
      /** The grant used, when basis is break-glass. */
      breakGlassId?: string;
    }
  | Denial;

const DENIALS: Readonly<Record<DenialCode, readonly [en: string, ja: string]>> = {
  'purpose-not-allowed': [
    'this purpose of use does not allow reading records',
    'この利用目的では閲覧できません',
  ],
  'office-reads-no-records': [
    'the network office administers the network and reads no records',
    'ネットワーク事務局は診療情報を閲覧できません',
  ],
  'user-inactive': ['the user is not active at this facility', '利用者が有効ではありません'],
  'facility-inactive': ["the user's facility is not active", '所属施設が有効ではありません'],
  'not-a-viewing-facility': [
    "the user's facility is not a viewing facility",
    '所属施設は閲覧施設ではありません',
  ],
  'profession-sees-nothing': [
    'this profession may see no category of records',
    'この職種は閲覧できる情報がありません',
  ],
  'source-inactive': ['the disclosing facility is not active', '開示施設が有効ではありません'],
  'source-not-disclosing': ['the facility does not disclose records', 'この施設は情報を開示していません'],
  'nothing-disclosed': [
    'the disclosing facility discloses no category this profession may see',
    '開示施設はこの職種が閲覧できる情報を開示していません',
  ],
  'no-consent': ['the patient has not consented at the disclosing facility', '開示施設での同意がありません'],
  'consent-withdrawn': ['the patient withdrew consent', '同意は撤回されています'],
  'consent-expired': ['the consent has expired', '同意の有効期限が切れています'],
  'consent-not-started': ['the consent is not in effect yet', '同意の開始日前です'],
  'facility-not-in-consent': [
    "the consent does not name the user's facility",
    '同意の開示先に所属施設が含まれていません',
  ],
  'break-glass-not-allowed': [
    'only doctors and dentists may break the glass',
    '緊急時閲覧は医師・歯科医師のみ可能です',
  ],
  'no-break-glass': [
    'no active break-the-glass grant for this patient',
    'この患者の緊急時閲覧は開始されていません',
  ],
};

export const deny = (reason: DenialCode): Denial => {
  const [message, messageJa] = DENIALS[reason];
  return { allow: false, reason, message, messageJa };
};

export { tokyoDay };

/**
 * The part of the decision that depends on the viewer alone. The SQL filters call it too: a viewer
 * denied here sees no row at all.
 */
export function viewerDenial(
  viewer: ViewerFacts,
  professionCategories: readonly string[],
  purpose: string,
): Denial | null {
  if (!(PURPOSES as readonly string[]).includes(purpose)) return deny('purpose-not-allowed');
  if (viewer.profession === OFFICE_PROFESSION) return deny('office-reads-no-records');
  if (!viewer.userActive) return deny('user-inactive');
  if (!viewer.facilityActive) return deny('facility-inactive');
  if (!viewer.facilityViews) return deny('not-a-viewing-facility');
  if (professionCategories.length === 0) return deny('profession-sees-nothing');
  return null;
}

/** Does this consent let `viewerOid` see the record today? Else the reason it does not. */
export function consentDenial(consent: ConsentFacts, viewerOid: string, today: string): DenialCode | null {
  if (consent.status !== 'active') return 'consent-withdrawn';
  if (consent.startDate > today) return 'consent-not-started';
  if (consent.endDate !== null && consent.endDate < today) return 'consent-expired';
  if (consent.scope === 'all') return null;
  if (consent.scope === 'listed' && consent.viewers.includes(viewerOid)) return null;
  return 'facility-not-in-consent';
}

/** When no consent applies, the reason of the one closest to applying. */
const CONSENT_DENIAL_RANK: readonly DenialCode[] = [
  'facility-not-in-consent',
  'consent-not-started',
  'consent-expired',
  'consent-withdrawn',
];

export function decide(facts: PolicyFacts, purpose: Purpose): Decision {
  const { viewer, source } = facts;
  const refused = viewerDenial(viewer, facts.professionCategories, purpose);
  if (refused) return refused;
  if (!source.active) return deny('source-inactive');
  if (!source.discloses) return deny('source-not-disclosing');
  const disclosed = new Set<string>(source.disclosed);
  const categories = [...new Set(facts.professionCategories.filter((c) => disclosed.has(c)))].sort();
  if (categories.length === 0) return deny('nothing-disclosed');

  const reasons = facts.consents.map((c) => consentDenial(c, viewer.facilityOid, facts.today));
  if (reasons.includes(null)) return { allow: true, categories, basis: 'consent' };

  if (purpose === 'ETREAT') {
    if (!mayBreakGlass(viewer.profession)) return deny('break-glass-not-allowed');
    if (!facts.breakGlass) return deny('no-break-glass');
    return { allow: true, categories, basis: 'break-glass', breakGlassId: facts.breakGlass.id };
  }
  if (reasons.length === 0) return deny('no-consent');
  const closest = CONSENT_DENIAL_RANK.find((code) => reasons.includes(code)) ?? 'no-consent';
  return deny(closest);
}

/**
 * The person-level rule (the patient list): a person is visible exactly when one of their records is.
 * A break-the-glass grant counts through the records it opens (ETREAT); a grant for a person none of
 * whose facilities disclose anything to this profession shows nothing, not even the person — the same
 * as PDQ, which lists a person only through a visible record. `_breakGlass` is accepted for callers
 * that pass it and not needed.
 */
export function personVisible(
  viewer: ViewerFacts,
  professionCategories: readonly string[],
  purpose: Purpose,
  recordDecisions: readonly Decision[],
  _breakGlass?: BreakGlassFacts | null,
): boolean {
  if (viewerDenial(viewer, professionCategories, purpose)) return false;
  return recordDecisions.some((d) => d.allow);
}
