/** Care Cabinet tables (issue 14). Owned by hub/cabinet. */

/** A district group (地区グループ, e.g. もも脳ネット): the facilities whose staff form care teams together. */
export interface HubCabinetGroupTable {
  id: string;
  name: string;
  /** Where it works, e.g. 岡山市. */
  area: string | null;
  /** The timeline's columns as JSON (TimelineColumn[]); null = the seed's four. */
  columns_json: string | null;
  /** active | suspended */
  status: string;
  created_at: string;
  updated_at: string;
}

export interface HubCabinetGroupFacilityTable {
  group_id: string;
  facility_oid: string;
}

/** A cabinet: one patient's care team and its shared record. */
export interface HubCabinetTable {
  id: string;
  group_id: string;
  owner_user_id: string;
  owner_facility_oid: string;
  patient_name: string;
  patient_kana: string;
  birth_date: string;
  sex: string;
  address: string | null;
  /** The person in the patient index, for the link to the regional record; null = not linked. */
  person_id: string | null;
  /** open | closed */
  status: string;
  opened_at: string;
  closed_at: string | null;
  closed_by: string | null;
  close_reason: string | null;
  /** A closed cabinet's posts stay readable (never writable) by its members until this day. */
  retention_until: string | null;
  last_post_at: string | null;
}

/** A user, acting for one facility, in a cabinet's team. */
export interface HubCabinetMemberTable {
  cabinet_id: string;
  user_id: string;
  facility_oid: string;
  /** owner | member */
  role: string;
  /** invited | active | left | removed */
  status: string;
  invited_by: string;
  invited_at: string;
  joined_at: string | null;
  ended_at: string | null;
  ended_by: string | null;
}

/** The patient's consent to share within the team: its dates, the facilities it covers, its form. */
export interface HubCabinetConsentTable {
  id: string;
  cabinet_id: string;
  start_date: string;
  end_date: string | null;
  /** active | superseded | withdrawn */
  status: string;
  registered_by: string;
  registered_at: string;
  withdrawn_by: string | null;
  withdrawn_at: string | null;
  withdraw_reason: string | null;
  note: string | null;
  form_type: string | null;
  form_sha256: string | null;
  form_name: string | null;
  form_size: number | null;
  form_base64: string | null;
}

export interface HubCabinetConsentFacilityTable {
  consent_id: string;
  facility_oid: string;
}

/** A post (SOAP or free), or a reply; its current version. Earlier versions are in hub_cabinet_post_version. */
export interface HubCabinetPostTable {
  id: string;
  cabinet_id: string;
  /** The post this one answers; null for a post that starts a thread. */
  reply_to: string | null;
  author_user_id: string;
  /** As they were when the post was written: a later change of profession does not move old posts. */
  author_name: string;
  author_profession: string;
  author_facility_oid: string;
  kind: string;
  template_id: string | null;
  urgent: number;
  version: number;
  /** JSON: { soap?, text?, inputs } of the current version. */
  body_json: string;
  /** The current version's words (SOAP, text, inputs as shown) for the feed's search: never JSON keys. */
  search_text: string;
  created_at: string;
  updated_at: string;
}

export interface HubCabinetPostVersionTable {
  post_id: string;
  version: number;
  body_json: string;
  urgent: number;
  edited_by: string;
  edited_at: string;
}

export interface HubCabinetMentionTable {
  post_id: string;
  user_id: string;
}

/** A read receipt: who saw which version of a post, when. */
export interface HubCabinetReadTable {
  post_id: string;
  user_id: string;
  version: number;
  read_at: string;
}

/** A vital sign taken from a post's template inputs (current version only), for trends and FHIR. */
export interface HubCabinetVitalTable {
  post_id: string;
  cabinet_id: string;
  code: string;
  /** As typed: 36.0 stays "36.0". */
  value: string;
  unit: string;
  observed_at: string;
}

/** A group's own template (JSON CabinetTemplate), beside the network's defaults. */
export interface HubCabinetTemplateTable {
  group_id: string;
  id: string;
  template_json: string;
  updated_by: string;
  updated_at: string;
}

export interface HubCabinetSchema {
  hub_cabinet_group: HubCabinetGroupTable;
  hub_cabinet_group_facility: HubCabinetGroupFacilityTable;
  hub_cabinet: HubCabinetTable;
  hub_cabinet_member: HubCabinetMemberTable;
  hub_cabinet_consent: HubCabinetConsentTable;
  hub_cabinet_consent_facility: HubCabinetConsentFacilityTable;
  hub_cabinet_post: HubCabinetPostTable;
  hub_cabinet_post_version: HubCabinetPostVersionTable;
  hub_cabinet_mention: HubCabinetMentionTable;
  hub_cabinet_read: HubCabinetReadTable;
  hub_cabinet_vital: HubCabinetVitalTable;
  hub_cabinet_template: HubCabinetTemplateTable;
}
