/** Web Push subscriptions of the Care Cabinet's users. Owned by hub/cabinet/push. */

/**
 * One browser (device) of one user, acting for one facility, that asked to be told of new posts. The
 * endpoint and keys are what the browser's push service gave it; they are secrets of that device.
 */
export interface HubCabinetPushTable {
  id: string;
  user_id: string;
  facility_oid: string;
  /** The push service URL (unique: a device re-subscribing as another user moves it). */
  endpoint: string;
  /** base64url P-256 public key and auth secret (RFC 8291). */
  p256dh: string;
  auth: string;
  label: string;
  created_at: string;
  /** When the browser said the subscription ends, ISO; null: no end given. */
  expires_at: string | null;
  last_sent_at: string | null;
  /** The push service's last answer: `201`, `410`, `network` … */
  last_status: string | null;
  /** Failed deliveries in a row; the subscription is dropped at 10. */
  failures: number;
}

export interface HubCabinetPushSchema {
  hub_cabinet_push: HubCabinetPushTable;
}
