/**
 * Shapes of the hub API (issue 4's contract, hub/<module>/routes.ts). Only what the screens read; every
 * field a module may not send yet is optional so a missing one renders as "—", never a crash.
 */
import type { HpkiBinding } from '@hie/contract';

export interface Label {
  ja: string;
  en: string;
}

export type Sex = 'M' | 'F' | 'O' | 'U';

// ── auth ──────────────────────────────────────────────────────────────────────────────────────────
export interface FacilityChoice {
  oid: string;
  name: string;
  role: 'member' | 'admin';
}

export interface SessionUser {
  id: string;
  loginId: string;
  name: string;
  profession: string;
  office: boolean;
  mustChangePassword: boolean;
}

export interface LoginResult {
  user: SessionUser;
  facility: FacilityChoice;
  /** What the menu may offer here (hub auth/abilities.ts); absent from an older hub: offer everything. */
  abilities?: {
    viewRecords: boolean;
    registerConsents: boolean;
    /** The facility is a tenant of the network's repository: its staff register patients and enter records. */
    enterRecords?: boolean;
  };
  csrfToken: string;
  idleExpiresAt: string;
  expiresAt: string;
}

export interface LoginStep {
  next: 'totp' | 'enrol';
  pending: string;
  pendingExpiresAt?: string;
  facility?: FacilityChoice;
  facilities: FacilityChoice[];
}

export interface Enrolment {
  secret: string;
  otpauthUri: string;
  qrDataUrl: string;
}

// ── directory ─────────────────────────────────────────────────────────────────────────────────────
export interface Facility {
  oid: string;
  code: string | null;
  name: string;
  nameKana: string | null;
  type: string;
  typeLabel: Label;
  prefecture: string;
  discloses: boolean;
  views: boolean;
  gatewayUrl: string | null;
  gatewayTlsPin: string | null;
  address: string | null;
  phone: string | null;
  status: 'active' | 'suspended' | 'withdrawn';
  hasFeedToken: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A proposed change of a facility's gateway URL and TLS pin (two-person rule). */
export interface GatewayChange {
  id: string;
  facilityOid: string;
  gatewayUrl: string | null;
  tlsPin: string | null;
  proposedBy: string;
  proposedSide: 'office' | 'facility';
  proposedAt: string;
  expiresAt: string;
  status: 'pending' | 'applied' | 'rejected' | 'withdrawn' | 'superseded' | 'expired';
  decidedBy: string | null;
  decidedAt: string | null;
}

export interface DirectoryFacility {
  oid: string;
  name: string;
  nameKana: string | null;
  type: string;
  typeLabel: Label;
  prefecture: string;
  discloses: boolean;
  views: boolean;
}

export interface DirectoryWarning {
  code: 'check-digit';
  message: string;
  line?: number;
}

export interface Membership {
  facilityOid: string;
  facilityName: string | null;
  role: 'member' | 'admin';
}

export interface User {
  id: string;
  loginId: string;
  name: string;
  nameKana: string | null;
  profession: string;
  professionLabel: Label;
  email: string | null;
  status: 'active' | 'suspended' | 'retired';
  memberships: Membership[];
  createdAt: string;
  updatedAt: string;
}

export interface ProfessionInfo extends Label {
  code: string;
  hcRole: string | null;
  licensed: boolean;
}

export interface FacilityTypeInfo extends Label {
  code: string;
}

// ── patients (viewing) ────────────────────────────────────────────────────────────────────────────
export interface PatientRecordRef {
  facilityOid: string;
  localId: string;
  facilityName?: string | null;
}

export interface PersonSummary {
  personId: string;
  nameKanji: string | null;
  nameKana: string | null;
  birthDate: string | null;
  age?: number | null;
  sex: Sex | null;
  records: PatientRecordRef[];
}

export interface PatientList {
  total: number;
  persons: PersonSummary[];
}

export interface AllergyBannerItem {
  facilityOid: string;
  facilityName: string;
  id: string;
  text: string;
  category?: string[];
  criticality: string | null;
  reactions?: string[];
  date?: string | null;
  /** The allergen's codes (hub/viewing/views.ts allergyOut): the same allergen across facilities. */
  codes?: { system: string | null; code: string }[];
}

/** GET /patients/:personId (hub/viewing/routes.ts). */
export interface PatientHeader {
  personId: string;
  purpose: 'TREAT' | 'ETREAT';
  name: { kanji: string | null; kana: string | null };
  birthDate: string | null;
  age: number | null;
  sex: Sex | null;
  sexLabel: Label | null;
  /** The visible records: one per facility id, with what the policy allows there. */
  identifiers: {
    facilityOid: string;
    facilityName: string;
    localId: string;
    basis: 'consent' | 'break-glass';
    categories: string[];
  }[];
  allergies: { allowed: boolean; items: AllergyBannerItem[]; sources: SourceStatus[] };
  breakGlass: { id: string; expiresAt: string } | null;
}

export type SourceState = 'ok' | 'timeout' | 'error' | 'denied';

export interface SourceStatus {
  facilityOid: string;
  name: string;
  localId?: string;
  status: SourceState;
  ms?: number;
  message?: string;
  total?: number;
  truncated?: boolean;
  /** A partner network's facility (its records in our timeline): the network's name. */
  network?: string;
  /** Why a partner that answered shows nothing (or less) here. */
  note?: 'not-found' | 'ambiguous' | 'outside-rules';
  dropped?: number;
}

export interface FhirResource {
  resourceType: string;
  id: string;
  [field: string]: unknown;
}

export interface SourcedResource {
  facilityOid: string;
  facilityName: string;
  localId: string;
  date: string | null;
  resourceType?: string;
  id?: string;
  /** A category tag, when the hub sends one (else read from the resource: patients/fhir.ts). */
  category?: string;
  /** A partner network's record (its facility is the partner's; facilityName names the network too). */
  network?: string;
  resource: FhirResource;
}

/** GET /patients/:personId/records and /timeline: one page of the merged list. */
export interface RecordsAnswer {
  personId: string;
  purpose: 'TREAT' | 'ETREAT';
  total: number;
  /** False when a source did not answer. */
  complete: boolean;
  limit: number;
  offset: number;
  entries: SourcedResource[];
  sources: SourceStatus[];
}

/** GET /patients/:personId/visits: 受診歴一覧 rows (Encounters). */
export interface VisitsAnswer {
  personId: string;
  visits: (SourcedResource & {
    id: string;
    status: string | null;
    class: string | null;
    label: string | null;
    department: string | null;
    period: { start?: string; end?: string } | null;
  })[];
  sources: SourceStatus[];
}

export interface BreakGlassGrant {
  id: string;
  personId: string;
  reason: string;
  startedAt: string;
  expiresAt: string;
}

// ── consent ───────────────────────────────────────────────────────────────────────────────────────
export interface Consent {
  id: string;
  facilityOid: string;
  facilityName?: string | null;
  localId: string;
  personId?: string | null;
  scope: 'all' | 'listed';
  viewers: string[] | { oid: string; name?: string }[];
  startDate: string;
  endDate: string | null;
  status: 'active' | 'withdrawn';
  cardNumber: string | null;
  registeredAt?: string;
  withdrawnAt?: string | null;
  withdrawReason?: string | null;
  form?: { mediaType: string; sha256: string; fileName?: string | null } | null;
  hasForm?: boolean;
  note?: string | null;
}

// ── audit ─────────────────────────────────────────────────────────────────────────────────────────
export interface AccessReportEntry {
  seq: number;
  at: string;
  kind: 'view' | 'search' | 'break-glass';
  outcome: string;
  outcomeDescription?: string;
  user: { id: string | null; name: string | null; profession: string | null; professionLabel: Label | null };
  facility: { oid: string; name: string | null } | null;
  purposeOfUse: string | null;
  breakGlassReason: string | null;
}

export interface AccessReport {
  personId: string;
  total: number;
  entries: AccessReportEntry[];
}

// ── office ────────────────────────────────────────────────────────────────────────────────────────
/** An mpi_record row as the MPI review answers it (snake_case, as stored). */
export interface MpiRecord {
  facility_oid: string;
  local_id: string;
  person_id: string;
  name_kanji: string | null;
  name_kana: string | null;
  birth_date: string | null;
  sex: string | null;
  postcode: string | null;
  address: string | null;
  phone: string | null;
  link_method: string;
  link_score: number | null;
  updated_at: string;
}

export interface FieldComparison {
  field: string;
  level: string;
  weight: number;
}

export interface ReviewSummary {
  id: string;
  facilityOid: string;
  localId: string;
  candidatePersonId: string;
  score: number;
  status: string;
  createdAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
}

export interface ReviewDetail extends ReviewSummary {
  explanation: {
    score: number;
    thresholds: { autoLink: number; review: number };
    comparedWith: { facilityOid: string; localId: string };
    fields: FieldComparison[];
    reasons: string[];
    others: { personId: string; score: number }[];
  };
  record: MpiRecord | null;
  candidateRecord: MpiRecord | null;
  candidateRecords: MpiRecord[];
}

/** GET /admin/break-glass entries (hub/policy/break-glass.ts listBreakGlass). */
export interface BreakGlassEvent {
  id: string;
  personId: string;
  reason: string;
  startedAt: string;
  expiresAt: string;
  user: { id: string; name: string | null; profession: string | null };
  facility: { oid: string; name: string | null };
  active: boolean;
  reviewStatus: 'open' | 'reviewed';
  reviewedBy: string | null;
  reviewedAt: string | null;
  reviewNote: string | null;
}

/** GET /admin/mpi/persons/:id (office): the person and its records, as stored. */
export interface MpiPersonAnswer {
  person: {
    id: string;
    status: string;
    name_kanji: string | null;
    name_kana: string | null;
    birth_date: string | null;
    sex: string | null;
  };
  records: MpiRecord[];
}

export interface HubStats {
  asOf: string;
  facilities: {
    total: number;
    disclosing: number;
    viewing: number;
    byType: {
      type: string;
      label: Label;
      facilities: number;
      share: number;
      disclosing: number;
      viewing: number;
      users: number;
    }[];
  };
  users: { total: number; byProfession: { profession: string; label: Label; users: number }[] };
  consentedPatients: number;
  activeConsents: number;
  perMonth: { month: string; views: number; searches: number; breakGlass: number }[];
}

export interface Paged<T> {
  total: number;
  items: T[];
}

/** `GET /auth/methods`: how one may log in here; `hpki.here` when this origin is the card listener. */
export interface LoginMethods {
  /** The network's own name, when the hub sets one. */
  network?: { ja: string; en: string } | null;
  methods: (
    | { id: 'password-totp' }
    | { id: 'hpki'; url: string | null; here: boolean }
    /** A trusted IdP (the hub as SAML SP): `url` starts the sign-in there. */
    | { id: 'saml'; entityId: string; name: string; url: string }
  )[];
}

/** What the hub read of an HPKI card (never its key or PEM). */
export interface CardSummary {
  subject: string;
  issuer: string;
  serial: string;
  holderId: string | null;
  hcRole: string | null;
  notAfter: string;
}

/** `GET /auth/hpki/card`: the card presented on this connection. */
export interface CardCheck {
  card: CardSummary | null;
  facilities?: FacilityChoice[];
  refusal?: { code: string; message: string };
  /** With a session: the card is bound to this user already. */
  yours?: boolean;
}

/** A card binding; in the administrators' list, with its user. */
export interface CardBinding extends HpkiBinding {
  loginId?: string;
  name?: string;
  profession?: string;
}

export interface CrlState {
  source: string;
  issuer: string;
  thisUpdate: string;
  nextUpdate: string | null;
  revoked: number;
  stale: boolean;
}

export interface CardTrust {
  configured: boolean;
  publicUrl?: string | null;
  loadedAt?: string;
  anchors?: number;
  crls?: CrlState[];
  errors?: { source: string; message: string }[];
  crlMaxAgeHours?: number;
}
