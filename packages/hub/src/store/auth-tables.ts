/** Login tables: credentials, sessions, pending logins and the failure guard. Owned by hub/auth. */
export interface HubCredentialTable {
  user_id: string;
  /** argon2id PHC string. */
  password_hash: string;
  password_changed_at: string;
  /** 1 if the user must change the password at next login (set by an administrator). */
  must_change: number;
  /** Base32 TOTP secret; null until enrolled. */
  totp_secret: string | null;
  totp_enrolled_at: string | null;
  /** The last accepted TOTP time step, so one code cannot be used twice. */
  totp_last_step: number | null;
  /** Consecutive failed attempts (password or code) since the last successful login or lock. */
  failed_count: number;
  locked_until: string | null;
}

export interface HubSessionTable {
  /** SHA-256 (hex) of the session token; the token itself is only in the cookie. */
  id: string;
  user_id: string;
  /** The facility the user acts for in this session. */
  facility_oid: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  /** Absolute end. */
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
  revoked_at: string | null;
}

/**
 * A login that passed the password step and waits for its TOTP code: short-lived, single use. The
 * token is only in the client's hands; the row keeps its SHA-256.
 */
export interface HubLoginPendingTable {
  /** SHA-256 (hex) of the pending token. */
  id: string;
  user_id: string;
  facility_oid: string;
  /** `password-totp` today; HPKI and SAML later (see README, LoginMethod). */
  method: string;
  created_at: string;
  expires_at: string;
  /** Set when the login completed (or was superseded): the token cannot be used again. */
  used_at: string | null;
  /** The secret offered during first-login enrolment, kept until the first code confirms it. */
  enrol_secret: string | null;
  ip: string | null;
}

/**
 * Failure counting for login ids that have no credential (unknown ids): they lock exactly like real
 * accounts, so the answers never tell whether an id exists.
 */
export interface HubLoginGuardTable {
  /** Normalised (NFKC, trimmed, lower-case) login id as typed. */
  login_id: string;
  failed_count: number;
  locked_until: string | null;
  updated_at: string;
}

export interface HubAuthSchema {
  hub_credential: HubCredentialTable;
  hub_session: HubSessionTable;
  hub_login_pending: HubLoginPendingTable;
  hub_login_guard: HubLoginGuardTable;
  hub_hpki_binding: HubHpkiBindingTable;
  hub_saml_link: HubSamlLinkTable;
  hub_saml_idp_policy: HubSamlIdpPolicyTable;
  hub_saml_once: HubSamlOnceTable;
  hub_saml_partner: HubSamlPartnerTable;
  hub_saml_sp_session: HubSamlSpSessionTable;
}

/**
 * An HPKI card bound to a directory user (auth/hpki). `kind` certificate matches the issuer and the
 * certificate's serial (one card); holder matches the issuer and the subject's serialNumber attribute
 * (the holder's id at the CA: a renewed card keeps working). A user's own enrolment is `pending` until
 * the office or their facility's administrator approves it; revoking keeps the row (audit trail).
 */
export interface HubHpkiBindingTable {
  id: string;
  user_id: string;
  kind: 'certificate' | 'holder';
  issuer: string;
  /** Certificate serial (lower-case hex) for kind certificate; the holder id for kind holder. */
  match_value: string;
  subject: string | null;
  hc_role: string | null;
  not_after: string | null;
  cert_sha256: string | null;
  status: 'pending' | 'active' | 'revoked';
  requested_at: string;
  requested_by: string;
  decided_at: string | null;
  decided_by: string | null;
}

/**
 * A user of a trusted SAML IdP (saml/sp) linked to a directory user: the IdP's entityID and the
 * subject it asserts (the NameID, or the configured attribute). Made by an administrator, or by a
 * just-in-time creation where the office allows it; revoking keeps the row (audit trail).
 */
export interface HubSamlLinkTable {
  id: string;
  idp_entity_id: string;
  subject: string;
  user_id: string;
  /** `admin` (linked by an administrator) or `jit` (created at the first login). */
  origin: 'admin' | 'jit';
  status: 'active' | 'revoked';
  created_at: string;
  created_by: string;
  revoked_at: string | null;
  revoked_by: string | null;
  last_login_at: string | null;
}

/** What the office allows a trusted IdP: just-in-time users, for these facilities only (JSON array of OIDs). */
export interface HubSamlIdpPolicyTable {
  idp_entity_id: string;
  jit_facilities: string;
  updated_at: string;
  updated_by: string;
}

/**
 * Single-use SAML values: the IDs of the AuthnRequests we sent (until answered) and of the assertions
 * we accepted (until they expire), so that none is accepted twice — shared by every hub process.
 */
export interface HubSamlOnceTable {
  key: string;
  value: string;
  expires_at: string;
}

/** A partner registered by the office (migration 0032): an SP or IdP by its metadata, with its options as JSON. */
export interface HubSamlPartnerTable {
  id: string;
  role: 'sp' | 'idp';
  entity_id: string;
  name: string;
  metadata: string;
  options: string;
  status: 'active' | 'removed';
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

/** An SP a hub session signed in to (single logout goes through each). */
export interface HubSamlSpSessionTable {
  session_id: string;
  sp_entity_id: string;
  name_id: string;
  session_index: string;
  created_at: string;
}
