import { createHash, timingSafeEqual } from 'node:crypto';
import { certificateFingerprint, type Hl7Message } from '@hie/hl7v2';
import type { InboundProblem } from './entry.js';

/**
 * Who sent a message, as the listener authenticated it (a credential, a client certificate, an
 * allowed address) — never what the message says about itself. A sender may send only for the
 * facilities it is registered for: MSH-4 (HD.1 namespace id or HD.2 universal id, e.g. the
 * institution code or the facility OID) must be one of them.
 */
export interface InboundSender {
  /** Stable name of the sender (audited with every message). */
  id: string;
  /** MSH-4 values this sender may send for. */
  facilities: readonly string[];
}

/** A problem when `sender` may not file `message`, else null. */
export function senderProblem(sender: InboundSender, message: Hl7Message): InboundProblem | null {
  const namespace = message.get('MSH-4.1') ?? '';
  const universal = message.get('MSH-4.2') ?? '';
  const claimed = [namespace, universal].filter((v) => v !== '');
  if (claimed.some((v) => sender.facilities.includes(v))) return null;
  return {
    hl7Code: '207',
    reason: 'SENDER_NOT_AUTHORISED',
    message: `sender '${sender.id}' may not send for MSH-4 '${claimed.join('&') || '(empty)'}' (registered for ${sender.facilities.join(', ')})`,
    segment: 'MSH',
    segmentIndex: 1,
    field: 4,
  };
}

// How a client certificate is registered (its SHA-256, lower-case hex): @hie/hl7v2's, beside the MLLP
// server whose peers it names, so the repository registers lab centres' certificates the same way.
export { certificateFingerprint, normaliseFingerprint } from '@hie/hl7v2';

/**
 * The sender whose registered certificate this is (a peer certificate the TLS handshake already
 * verified against the network CA), or null: unregistered, or no certificate at all.
 */
export function senderByCertificate(
  byFingerprint: ReadonlyMap<string, InboundSender>,
  certificate: { raw?: Uint8Array } | null | undefined,
): InboundSender | null {
  if (!certificate?.raw || certificate.raw.length === 0) return null;
  return byFingerprint.get(certificateFingerprint(certificate.raw)) ?? null;
}

/** A sender credential as configured: the SHA-256 of its token (the token itself is never stored). */
export interface SenderCredential {
  sender: InboundSender;
  tokenSha256: string;
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** The sender whose token this is, compared in constant time; null for none. */
export function senderByToken(
  credentials: readonly SenderCredential[],
  token: string | undefined,
): InboundSender | null {
  if (!token) return null;
  const presented = sha256(token);
  let found: InboundSender | null = null;
  for (const c of credentials) {
    const expected = Buffer.from(c.tokenSha256, 'hex');
    if (expected.length === presented.length && timingSafeEqual(expected, presented)) found = c.sender;
  }
  return found;
}
