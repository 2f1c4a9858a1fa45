/** Login tables: credentials and sessions. Owned by hub/auth. */
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

export interface HubAuthSchema {
  hub_credential: HubCredentialTable;
  hub_session: HubSessionTable;
}
