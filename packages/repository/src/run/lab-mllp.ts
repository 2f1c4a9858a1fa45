import {
  type AckCode,
  buildAck,
  encodeHl7Message,
  encodeHl7Text,
  type Hl7Message,
  type MllpLog,
  type MllpPeer,
  type MllpServer,
  type MllpTlsOptions,
  parseHl7,
  peerFingerprint,
  startMllpServer,
} from '@hie/hl7v2';
import { type AuditWhere, type IntakeContext, intakeAudit } from '../api/intake-context.js';
import { IntakeError } from '../api/intake-errors.js';
import { type LabReceipt, receiveLabMessage } from '../api/lab-routes.js';
import { type Sender, senderOfCertificate } from '../tenants/senders.js';

export interface LabMllpOptions {
  host: string;
  /** 0 = an ephemeral port (tests). */
  port: number;
  /** PEM contents: our key and certificate, and the network CA that issues lab centres' certificates. */
  tls: { key: string | Buffer; cert: string | Buffer; ca: string | Buffer };
  log?: MllpLog;
}

/** Who is at the other end of a connection: the lab centre its certificate is registered to. */
interface LabPeer {
  sender: Sender;
  where: AuditWhere;
}

const REQUEST = 'MLLP/TLS';

/**
 * MLLP over TLS for lab centres (@hie/hl7v2's MLLP server, the gateway's too): the handshake requires a
 * client certificate from the network CA; the certificate's fingerprint names the lab centre
 * (rp_sender_certificate), looked up per connection so a revoked sender is refused at once. Each frame
 * takes the HTTPS path (receiveLabMessage: checks, write, audit) and is answered AA (imported or already
 * imported), AE (rejected: the reasons in ERR) or AR (refused: another facility in MSH-4, a clinic that
 * did not link the lab centre).
 */
export function startLabMllp(ctx: IntakeContext, options: LabMllpOptions): Promise<MllpServer> {
  const tls: MllpTlsOptions = { ...options.tls, requestCert: true, rejectUnauthorized: true };
  return startMllpServer<LabPeer>(
    {
      async receive(frame, hint) {
        // Never undefined: senderOf names every connection it lets through.
        const peer = hint.sender!;
        return { ack: await answer(ctx, peer, frame) };
      },
    },
    {
      host: options.host,
      port: options.port,
      tls,
      ...(options.log ? { log: options.log } : {}),
      senderOf: async (peer) => {
        const fingerprint = peerFingerprint(peer);
        const sender = fingerprint ? await senderOfCertificate(ctx.base, fingerprint) : undefined;
        if (!sender?.facilityCode) return null;
        return { sender, where: whereOf(peer) };
      },
      onRefused: (peer) => void ctx.audit.append(refusedConnectionAudit(peer)).catch(() => undefined),
    },
  );
}

const whereOf = (peer: MllpPeer): AuditWhere => ({
  request: REQUEST,
  ...(peer.remoteAddress ? { address: peer.remoteAddress } : {}),
});

/** The ACK of one frame. receiveLabMessage has audited it either way. */
async function answer(ctx: IntakeContext, peer: LabPeer, frame: Uint8Array): Promise<Uint8Array> {
  const parsed = parseHl7(frame);
  const message = parsed.ok ? parsed.message : undefined;
  try {
    const receipt = await receiveLabMessage(ctx, peer.sender, frame, peer.where);
    return ack(message, 'AA', acceptedText(receipt));
  } catch (e) {
    const error = e instanceof IntakeError ? e : new IntakeError('internal', (e as Error).message);
    // Refused (not this lab centre's to send): AR, sending it again will not help. Rejected (the
    // message is wrong, or names a patient the clinic has not) and our own failures: AE.
    const code: AckCode = error.status === 401 || error.status === 403 ? 'AR' : 'AE';
    return ack(message, code, `${error.code}: ${error.message}`, error);
  }
}

const acceptedText = (r: LabReceipt) =>
  r.duplicate ? `already imported as ${r.intakeId}` : `imported as ${r.intakeId}`;

/**
 * MSH and MSA (buildAck: the original's MSH-5/6 as ours, its MSH-18), and for a refusal one ERR: the
 * first issue's field, code and message (or the IntakeError's own code when it has no issue), in the
 * message's charset.
 */
function ack(message: Hl7Message | undefined, code: AckCode, text: string, error?: IntakeError): Uint8Array {
  let out = buildAck(message, { code, text });
  if (error) {
    const issue = error.issues[0];
    const [segment = '', field = ''] = /^([A-Z][A-Z0-9]{2})-(\d+)/.exec(issue?.field ?? '')?.slice(1) ?? [];
    out += encodeHl7Message([
      {
        name: 'ERR',
        fields: [
          '',
          segment ? [[segment, '', field]] : '',
          // HL7 table 0357: 204 unknown key (a clinic or patient we do not have), else 207.
          [
            issue?.code.startsWith('lab-unknown-')
              ? ['204', 'Unknown key identifier', 'HL70357']
              : ['207', 'Application internal error', 'HL70357'],
          ],
          'E',
          [[issue?.code ?? error.code, issue?.message ?? error.message, '99HIE']],
          '',
          issue?.line !== undefined ? `line ${issue.line}` : '',
          error.message,
        ],
      },
    ]);
  }
  return encodeHl7Text(out, message?.charset ?? 'UTF-8');
}

/**
 * A connection with a certificate from the network CA that no lab centre registered (or whose lab
 * centre was revoked): closed before any message, and audited — a network certificate knocking on the
 * wrong door is worth a reviewer's look. Handshake failures (no certificate, another CA) are only
 * logged: nobody authenticated is there to name.
 */
function refusedConnectionAudit(peer: MllpPeer) {
  const fingerprint = peerFingerprint(peer);
  const subject = peer.certificate?.subject?.CN;
  const record = intakeAudit(whereOf(peer), {
    tenant: undefined,
    sender: undefined,
    kind: 'lab',
    name: 'connection',
    error: new IntakeError(
      'sender-unknown',
      `no lab centre registered the client certificate${fingerprint ? ` sha256 ${fingerprint}` : ''}`,
    ),
  });
  return {
    ...record,
    detail: {
      ...record.detail,
      ...(fingerprint ? { certificateSha256: fingerprint } : {}),
      ...(typeof subject === 'string' ? { certificateSubject: subject } : {}),
    },
  };
}
