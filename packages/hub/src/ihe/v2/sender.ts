import { type Hl7Message, type MllpPeer, peerFingerprint } from '@hie/hl7v2';
import type { HubDeps } from '../../http.js';
import { facilityOfFeedToken } from '../../mpi/feed-token.js';
import { facilityOfCertificate, isLoopback } from '../node.js';
import type { OwnDomain } from './pid.js';

/**
 * Who sends on the MLLP listener (ITI-19 node authentication, as node.ts does for HTTP):
 * - over TLS, the connection is the facility whose system's client certificate (of the network CA,
 *   verified in the handshake) the office registered (`hub_node_cert`, SHA-256 of the DER);
 * - over plain MLLP, only a connection from this machine, and then each message names its facility by
 *   the feed token in MSH-8 (Security).
 * Known once per connection, before any of its bytes is read.
 */
export type MllpSender =
  | { kind: 'certificate'; facilityOid: string; address: string | undefined; fingerprint: string }
  | { kind: 'loopback'; address: string | undefined };

/** The `senderOf` of the MLLP server: null closes the connection before anything is read. */
export async function senderOfPeer(
  deps: Pick<HubDeps, 'store'>,
  peer: MllpPeer,
  tls: boolean,
): Promise<MllpSender | null> {
  if (!tls) return isLoopback(peer.remoteAddress) ? { kind: 'loopback', address: peer.remoteAddress } : null;
  const fingerprint = peerFingerprint(peer);
  const facilityOid = fingerprint ? await facilityOfCertificate(deps, fingerprint) : null;
  return facilityOid && fingerprint
    ? { kind: 'certificate', facilityOid, address: peer.remoteAddress, fingerprint }
    : null;
}

/** Why a message's sender is refused (AR): the field to point at, a stable code and the words. */
export interface SenderRefusal {
  field: 4 | 8;
  code: 'not-authenticated' | 'sending-facility';
  text: string;
}

/**
 * The facility a message comes from: the connection's (certificate) or MSH-8's feed token (loopback);
 * then MSH-4 (sending facility, HD) must name that same facility — its OID as universal id (`^1.2.392…^ISO`)
 * or its 10-digit 医療機関コード (or OID) as namespace id.
 */
export async function facilityOfMessage(
  deps: Pick<HubDeps, 'store'>,
  sender: MllpSender,
  message: Hl7Message,
): Promise<OwnDomain | { refused: SenderRefusal }> {
  const msh = message.segments[0]!;
  const facilityOid =
    sender.kind === 'certificate' ? sender.facilityOid : await facilityOfFeedToken(deps, msh.get(8));
  if (!facilityOid) {
    return {
      refused: {
        field: 8,
        code: 'not-authenticated',
        text: 'MSH-8 must hold the facility’s feed token / MSH-8 にフィードトークンが必要です',
      },
    };
  }
  const namespace = msh.get(4, 1, 1) ?? '';
  const universalId = msh.get(4, 1, 2) ?? '';
  const facility = await deps.store.db
    .selectFrom('hub_facility')
    .select(['code'])
    .where('oid', '=', facilityOid)
    .executeTakeFirst();
  const named = universalId
    ? universalId === facilityOid
    : namespace !== '' && (namespace === facilityOid || namespace === facility?.code);
  if (!named) {
    return {
      refused: {
        field: 4,
        code: 'sending-facility',
        text: `MSH-4 must name the sending facility (${facilityOid}) / MSH-4 が送信施設と一致しません`,
      },
    };
  }
  return { facilityOid, code: facility?.code ?? null };
}

/** What the audit records of a sender: the facility once known (by its certificate, or by MSH-8). */
export function agentOf(sender: MllpSender, facilityOid?: string) {
  const oid = facilityOid ?? (sender.kind === 'certificate' ? sender.facilityOid : undefined);
  return {
    userId: oid ? `ihe:${oid}` : 'ihe:unknown',
    ...(oid ? { facilityOid: oid } : {}),
    ...(sender.address ? { address: sender.address } : {}),
  };
}
