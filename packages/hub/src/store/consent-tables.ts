/** Consent, policy and break-the-glass tables. Owned by hub/consent and hub/policy. */

/** A patient's consent, given at one disclosing facility for its records of the patient (施設単位). */
export interface HubConsentTable {
  id: string;
  /** The disclosing facility and the patient's local id there. */
  facility_oid: string;
  local_id: string;
  /** all = every participating viewing facility; listed = only those in hub_consent_viewer. */
  scope: string;
  /** YYYY-MM-DD, inclusive. */
  start_date: string;
  end_date: string | null;
  /** active | withdrawn */
  status: string;
  /** The patient card number (患者カード番号) printed for this consent, unique. */
  card_number: string | null;
  registered_by: string;
  registered_at: string;
  withdrawn_by: string | null;
  withdrawn_at: string | null;
  withdraw_reason: string | null;
  /** The signed form: media type, size, SHA-256; bytes in hub_consent_form. */
  form_type: string | null;
  form_sha256: string | null;
  note: string | null;
}

export interface HubConsentViewerTable {
  consent_id: string;
  viewer_oid: string;
}

export interface HubConsentFormTable {
  consent_id: string;
  media_type: string;
  file_name: string | null;
  /** Bytes. */
  size: number;
  /** Base64: one portable column type on both engines. */
  content_base64: string;
  uploaded_by: string;
  uploaded_at: string;
}

/** The profession × category matrix the network office edits: a row = allowed. */
export interface HubProfessionPolicyTable {
  profession: string;
  category: string;
}

/** Each disclosing facility's disclosure settings: a row = the category is disclosed. */
export interface HubDisclosureTable {
  facility_oid: string;
  category: string;
}

/** Break-the-glass: emergency access without consent, time-limited, reviewed by the office. */
export interface HubBreakGlassTable {
  id: string;
  user_id: string;
  facility_oid: string;
  person_id: string;
  reason: string;
  started_at: string;
  expires_at: string;
  /** open | reviewed */
  review_status: string;
  reviewed_by: string | null;
  reviewed_at: string | null;
  review_note: string | null;
}

export interface HubConsentSchema {
  hub_consent: HubConsentTable;
  hub_consent_viewer: HubConsentViewerTable;
  hub_consent_form: HubConsentFormTable;
  hub_profession_policy: HubProfessionPolicyTable;
  hub_disclosure: HubDisclosureTable;
  hub_break_glass: HubBreakGlassTable;
}
