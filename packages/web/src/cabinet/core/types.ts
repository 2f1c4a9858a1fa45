/**
 * The Care Cabinet's answers as the hub's README (hub/src/cabinet/README.md) writes them. Only what the
 * screens read; a field the README leaves loose (a label as text or as ja/en) is typed loosely.
 */
import type { CabinetAttachmentView, CabinetTemplate, TimelineColumn } from '@hie/contract';

export interface Label {
  ja: string;
  en: string;
}

/** A label the hub may send as one text or as a ja/en pair. */
export type LooseLabel = string | Label;

export type CabinetSex = 'male' | 'female' | 'other' | 'unknown';
export type CabinetStatus = 'open' | 'closed';
export type MemberRole = 'owner' | 'member';
export type MemberStatus = 'invited' | 'active' | 'left' | 'removed';

export interface Access {
  read: boolean;
  write: boolean;
  /** A stable code: invitation-pending, consent-withdrawn, … */
  reason: string | null;
  /** The hub's words for it ("en / ja"). */
  message: string | null;
}

export interface GroupView {
  id: string;
  name: string;
  area: string | null;
  status: string;
  columns: TimelineColumn[];
  facilities: { oid: string; name: string; type: string }[];
}

export interface GroupPerson {
  userId: string;
  name: string;
  nameKana: string;
  profession: string;
  facilityOid: string;
  facilityName: string;
}

export interface CabinetPatient {
  name: string;
  kana: string;
  birthDate: string;
  sex: CabinetSex;
}

export interface CabinetSummary {
  id: string;
  groupId: string;
  groupName: string;
  status: CabinetStatus;
  /** Null when the user may not see who it is. */
  patient: CabinetPatient | null;
  access: Access;
  myRole: MemberRole;
  myStatus: 'invited' | 'active';
  unread: number;
  urgentUnread: number;
  lastPostAt: string | null;
  ownerName: string;
  ownerFacilityName: string;
}

export interface CabinetMember {
  userId: string;
  name: string;
  profession: string;
  facilityOid: string;
  facilityName: string;
  role: MemberRole;
  status: MemberStatus;
  invitedAt: string | null;
  joinedAt: string | null;
  endedAt: string | null;
}

export interface CabinetConsent {
  id: string;
  startDate: string;
  endDate: string | null;
  status: string;
  inEffect: boolean;
  facilities: { oid: string; name: string }[];
  /** A name (or an object with one): the README does not say. */
  registeredBy: unknown;
  registeredAt: string | null;
  note: string | null;
  withdrawnAt: string | null;
  withdrawReason: string | null;
  form: { mediaType: string; size: number; fileName: string | null; sha256: string } | null;
}

export interface CabinetDetail {
  id: string;
  group: { id: string; name: string; columns: TimelineColumn[] };
  status: CabinetStatus;
  openedAt: string;
  closedAt: string | null;
  closeReason: string | null;
  retentionUntil: string | null;
  patient: (CabinetPatient & { address: string | null }) | null;
  personId: string | null;
  access: Access;
  myRole: MemberRole;
  myStatus: MemberStatus;
  members: CabinetMember[];
  consent: CabinetConsent | null;
}

export interface PostAuthor {
  userId: string;
  name: string;
  profession: string;
  facilityOid: string;
  facilityName: string;
}

export interface PostInputView {
  fieldId: string;
  label: Label;
  type: 'check' | 'radio' | 'number' | 'text';
  value: string | boolean;
  /** The hub's rendering: 体温 36.0 ℃ is label + display + unit. */
  display: string;
  vital: string | null;
  unit: string | null;
}

export interface ReadReceipt {
  userId: string;
  name: string;
  profession: string;
  /** The version they read (older than the post's: they have not seen the edit). */
  version: number;
  readAt: string;
}

export interface Soap {
  s: string;
  o: string;
  a: string;
  p: string;
}

export interface PostView {
  id: string;
  replyTo: string | null;
  column: string;
  kind: 'soap' | 'free';
  urgent: boolean;
  version: number;
  edited: boolean;
  author: PostAuthor;
  template: { id: string; name: Label } | null;
  soap: Soap | null;
  text: string | null;
  inputs: PostInputView[];
  mentions: { userId: string; name: string }[];
  /** Files and schema drawings the post carries (absent from an older hub). */
  attachments?: CabinetAttachmentView[];
  mentionsMe: boolean;
  replyCount: number;
  readBy: ReadReceipt[];
  createdAt: string;
  updatedAt: string;
}

export interface PostPage {
  posts: PostView[];
  nextCursor: string | null;
  columns: TimelineColumn[];
}

export interface PostVersion {
  version: number;
  soap: Soap | null;
  text: string | null;
  /** The README does not say: the PostView's list, or a record of field id → value. */
  inputs: unknown;
  urgent: boolean;
  editedBy: unknown;
  editedAt: string;
}

export type OfferedTemplate = CabinetTemplate & { offered: boolean };

export interface VitalSeries {
  code: string;
  label: LooseLabel;
  unit: string;
  points: { at: string; value: string | number; postId: string }[];
}

export interface CabinetNotification {
  cabinetId: string;
  patientName: string | null;
  postId: string;
  author: unknown;
  kind: string;
  urgent: boolean;
  mentionsMe: boolean;
  createdAt: string;
  excerpt: string;
}

export interface OfficeCabinet {
  id: string;
  groupName: string;
  ownerFacilityName: string;
  status: CabinetStatus;
  members: number;
  posts: number;
  consentStatus: string;
  openedAt: string;
  lastPostAt: string | null;
}

/** The filters of the plain feed, as query parameters. */
export interface PostFilters {
  author?: string;
  profession?: string;
  column?: string;
  kind?: string;
  urgent?: boolean;
  from?: string;
  to?: string;
  q?: string;
}
