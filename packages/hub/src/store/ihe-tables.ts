/** The IHE endpoints' own tables. Owned by hub/ihe. */

/**
 * A facility's PIX Consumer (ITI-46): where the hub tells that facility's system when the regional id of
 * one of its patients is made or changes, and how far it got (a cursor in `mpi_history`).
 */
export interface HubPixConsumerTable {
  facility_oid: string;
  endpoint: string;
  /** active | paused */
  status: string;
  /** The last `mpi_history.id` told (or passed over); '' before the first. */
  cursor: string;
  delivered: number;
  /** Rounds in a row the consumer could not be reached. */
  failures: number;
  last_attempt_at: string | null;
  last_error: string | null;
  /** Not before this time after a failure (back-off). */
  retry_at: string | null;
  updated_at: string;
  updated_by: string;
}

/** A facility system's client certificate (mutual TLS on the IHE endpoints), registered by the office. */
export interface HubNodeCertTable {
  /** SHA-256 of the certificate's DER, lower-case hex. */
  fingerprint: string;
  facility_oid: string;
  subject: string;
  issuer: string;
  valid_to: string;
  registered_at: string;
  registered_by: string;
}

/**
 * A facility's system the directory is pushed to (ITI-59 Provider Information Feed): its endpoint and
 * how delivery goes. Pending is the number of entry changes it has not acknowledged yet.
 */
export interface HubHpdSubscriberTable {
  facility_oid: string;
  endpoint: string;
  /** active | paused */
  status: string;
  pending: number;
  /** Entry changes acknowledged, in all. */
  delivered: number;
  failures: number;
  last_attempt_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  retry_at: string | null;
  /**
   * 1 while a new feed token is to be handed to this system: each delivery makes a fresh one, and only
   * when the system acknowledged it does its SHA-256 replace the facility's (the token itself is never
   * stored; an undelivered one is forgotten, the old token keeps working meanwhile).
   */
  issue_feed_token: number;
  /** The directory version the system has in full (nothing pending); a round skips it while unchanged. */
  synced_version: string | null;
  updated_at: string;
  updated_by: string;
}

/** What a subscriber was last sent of one directory entry: the digest of its attributes and their names. */
export interface HubHpdSentTable {
  facility_oid: string;
  dn: string;
  digest: string;
  /** JSON array of the attribute names sent (what a later change must delete when they go). */
  names: string;
}

export interface HubIheSchema {
  hub_pix_consumer: HubPixConsumerTable;
  hub_node_cert: HubNodeCertTable;
  hub_hpd_subscriber: HubHpdSubscriberTable;
  hub_hpd_sent: HubHpdSentTable;
}
