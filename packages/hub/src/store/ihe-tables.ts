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

export interface HubIheSchema {
  hub_pix_consumer: HubPixConsumerTable;
  hub_node_cert: HubNodeCertTable;
}
