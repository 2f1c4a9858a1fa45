import { z } from 'zod';

/**
 * Web Push for the Care Cabinet (issue 14): what a browser sends when it subscribes (the W3C Push API's
 * `PushSubscription.toJSON()`, plus a label the user may read in their device list), and the only message
 * the hub ever pushes — a count, never a patient or a post (the push service and a locked screen see it).
 */
const base64url = (bytes: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, 'base64url')
    .refine((value) => decodedLength(value) === bytes, `${bytes} bytes`);

function decodedLength(value: string): number {
  const body = value.replace(/=+$/, '');
  return Math.floor((body.length * 3) / 4);
}

export const cabinetPushSubscriptionSchema = z
  .object({
    endpoint: z.string().url().max(2048),
    expirationTime: z.number().int().nonnegative().nullable().optional(),
    keys: z
      .object({
        /** The browser's P-256 public key, uncompressed (65 bytes). */
        p256dh: base64url(65),
        /** The 16-byte authentication secret. */
        auth: base64url(16),
      })
      .strict(),
    /** e.g. "iPad (Safari)": shown in the user's own device list. */
    label: z.string().trim().max(100).optional(),
  })
  .strict();
export type CabinetPushSubscriptionInput = z.input<typeof cabinetPushSubscriptionSchema>;

/** The pushed message (encrypted for the browser; the service worker words it). */
export interface CabinetPushMessage {
  v: 1;
  type: 'cabinet-unread' | 'test';
  /** Unread posts in the user's cabinets. */
  unread: number;
  /** Whether an urgent post or a mention of the user is among them. */
  urgent: boolean;
}

/** One device of the user, as their settings list shows it. */
export interface CabinetPushDevice {
  id: string;
  label: string;
  /** The push service's host (fcm.googleapis.com, web.push.apple.com …), not the secret endpoint. */
  service: string;
  createdAt: string;
  lastSentAt: string | null;
  lastStatus: string | null;
}
