/** Directory tables (HPD model): facilities, users, memberships. Owned by hub/directory. */
export interface HubFacilityTable {
  /** Facility OID: `<root>.<prefecture>.<10-digit code>` (or configured). Primary key. */
  oid: string;
  /** 10-digit institution code (医療機関コード / 介護保険事業所番号); null for e.g. the network office. */
  code: string | null;
  name: string;
  name_kana: string | null;
  /** FacilityType code (see directory/facility-types.ts). */
  type: string;
  /** JIS X 0401 two digits, e.g. '33'. */
  prefecture: string;
  /** 1 if the facility discloses records (runs a gateway). */
  discloses: number;
  /** 1 if the facility's users view records. */
  views: number;
  /** Base URL of the facility's gateway (FHIR API root, e.g. http://127.0.0.1:8101), when it discloses. */
  gateway_url: string | null;
  address: string | null;
  phone: string | null;
  /**
   * The gateway's pinned TLS identity: `sha256/<base64>` of its certificate's SubjectPublicKeyInfo;
   * the hub refuses a gateway that presents another key. Null = not pinned (CA check only).
   */
  gateway_tls_pin: string | null;
  /** SHA-256 (hex) of the token the facility's gateway uses to feed patient identities; null = none. */
  feed_token_hash: string | null;
  /** active | suspended | withdrawn */
  status: string;
  created_at: string;
  updated_at: string;
}

export interface HubUserTable {
  id: string;
  /** The login ID, unique, case-insensitive (stored lower-case). */
  login_id: string;
  name: string;
  name_kana: string | null;
  /** Profession code (directory/professions.ts). */
  profession: string;
  email: string | null;
  /** active | suspended | retired */
  status: string;
  created_at: string;
  updated_at: string;
}

export interface HubMembershipTable {
  user_id: string;
  facility_oid: string;
  /** member | admin (facility administrator) */
  role: string;
  created_at: string;
}

/**
 * A proposed change of a facility's gateway URL or pinned TLS identity: one side proposes (the network
 * office or the facility's administrator), the other confirms; only then is it applied.
 */
export interface HubGatewayChangeTable {
  id: string;
  facility_oid: string;
  gateway_url: string | null;
  tls_pin: string | null;
  /** User id of the proposer. */
  proposed_by: string;
  /** office | facility */
  proposed_side: string;
  proposed_at: string;
  expires_at: string;
  /** pending | applied | rejected | withdrawn | superseded | expired */
  status: string;
  decided_by: string | null;
  decided_at: string | null;
}

export interface HubDirectorySchema {
  hub_facility: HubFacilityTable;
  hub_gateway_change: HubGatewayChangeTable;
  hub_user: HubUserTable;
  hub_membership: HubMembershipTable;
}
