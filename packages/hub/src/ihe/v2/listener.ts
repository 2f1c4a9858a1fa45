import {
  type Hl7Error,
  type Hl7Message,
  type MllpLog,
  type MllpPeer,
  type MllpTlsOptions,
  parseHl7,
  peerFingerprint,
  startMllpServer,
} from '@hie/hl7v2';
import { auditHub } from '../../audit-record.js';
import type { HubDeps } from '../../http.js';
import { ackBytes, type ErrDetail, type ErrorCode, type Handled } from './answer.js';
import { FEED_EVENTS, identityFeed } from './feed.js';
import { pdqQueryV2 } from './pdq.js';
import type { OwnDomain } from './pid.js';
import { pixQueryV2 } from './query.js';
import { agentOf, facilityOfMessage, type MllpSender, senderOfPeer } from './sender.js';

export interface IheMllpOptions {
  host: string;
  /** 0 = an ephemeral port (tests). */
  port: number;
  /** PEM: the hub's key and certificate, and the network CA whose client certificates are accepted. */
  tls?: { key: Buffer; cert: Buffer; ca: Buffer };
  log?: MllpLog;
}

/** PIX/PDQ messages are small: a frame over 1 MiB is answered AR and the connection closed. */
const MAX_FRAME = 1024 * 1024;

type Operation = 'ITI-8' | 'ITI-9' | 'ITI-21';
type Transaction = (deps: HubDeps, message: Hl7Message, own: OwnDomain) => Promise<Handled>;

/** MSH-9 → the transaction that answers it. */
function transactionOf(message: Hl7Message): { operation: Operation; handle: Transaction } | null {
  const { code, event } = message.messageType;
  if (code === 'ADT' && (FEED_EVENTS.has(event) || event === 'A40'))
    return { operation: 'ITI-8', handle: identityFeed };
  if (code === 'QBP' && event === 'Q23') return { operation: 'ITI-9', handle: pixQueryV2 };
  if (code === 'QBP' && event === 'Q22') return { operation: 'ITI-21', handle: pdqQueryV2 };
  return null;
}

/**
 * The hub's HL7 v2 PIX Manager / PDQ Supplier (ITI-8 feed, ITI-9 PIX query, ITI-21 PDQ) over MLLP, on
 * the patient index's own functions, with the same rules as the V3 and FHIR endpoints. With `tls`, every
 * client must show a certificate of the network CA that the office registered for a facility; without
 * it, only connections from this machine are taken, each message naming its facility by the feed token
 * in MSH-8. Every message, answered or refused, is audited (`mpi`, ITI-8 / ITI-9 / ITI-21).
 */
export async function startIheMllp(
  deps: HubDeps,
  options: IheMllpOptions,
): Promise<{ port: number; close(): Promise<void> }> {
  const tls: MllpTlsOptions | undefined = options.tls
    ? { ...options.tls, requestCert: true, rejectUnauthorized: true }
    : undefined;
  const log = options.log;
  const server = await startMllpServer<MllpSender>(
    {
      // Never without a sender: senderOf names every connection it lets through.
      receive: async (frame, hint) => ({ ack: await answerFrame(deps, hint.sender!, frame, log) }),
    },
    {
      host: options.host,
      port: options.port,
      maxFrameSize: MAX_FRAME,
      ...(tls ? { tls } : {}),
      ...(log ? { log } : {}),
      senderOf: (peer) => senderOfPeer(deps, peer, tls !== undefined),
      onRefused: (peer) =>
        void auditRefusedConnection(deps, peer, tls !== undefined).catch((e: unknown) =>
          log?.error({ err: e }, 'audit of a refused MLLP connection failed'),
        ),
    },
  );
  return { port: server.port, close: () => server.close() };
}

/** Our parser's reasons as HL7 table 0357. */
const PARSE_CODE: Partial<Record<Hl7Error['code'], ErrorCode>> = {
  NO_MSH: '100',
  BAD_SEGMENT: '100',
  TRUNCATED: '101',
  BAD_SEPARATORS: '102',
  BAD_ENCODING: '102',
};

/**
 * One frame, in the order of its steps: read it (never throws), know who sends it (the connection's
 * certificate or MSH-8's token, then MSH-4), know what it asks (MSH-9), answer it on the index, audit
 * it. Refusals are AR, errors of the message AE, each with an ERR at the culprit; the answer is written
 * in the sender's charset. Only a failing audit escapes: then no ACK is sent and the sender retries.
 */
async function answerFrame(
  deps: HubDeps,
  sender: MllpSender,
  frame: Uint8Array,
  log: MllpLog | undefined,
): Promise<Uint8Array> {
  const audit = (handled: Handled, operation: string, message?: Hl7Message, facilityOid?: string) =>
    auditHub(deps, [
      {
        type: 'mpi',
        ...handled.audit,
        agent: agentOf(sender, facilityOid),
        detail: {
          operation,
          transport: sender.kind === 'certificate' ? 'MLLP/TLS' : 'MLLP',
          ...(message
            ? {
                messageType: `${message.messageType.code}^${message.messageType.event}`,
                controlId: message.controlId.slice(0, 64),
              }
            : {}),
          ack: handled.code,
          ...handled.audit.detail,
        },
      },
    ]).then(() => handled.bytes);

  const parsed = parseHl7(frame, { maxLength: MAX_FRAME });
  if (!parsed.ok) {
    const e = parsed.error;
    const error: ErrDetail = {
      code: PARSE_CODE[e.code] ?? '207',
      location: [e.segment ?? 'MSH', e.segmentIndex ?? 1, e.field],
      text: `not a readable HL7 v2 message: ${e.message}`,
      reason: e.code,
    };
    return audit(refusal(undefined, error), 'unknown');
  }
  const message = parsed.message;
  const transaction = transactionOf(message);
  const operation = transaction?.operation ?? 'unknown';

  const who = await facilityOfMessage(deps, sender, message);
  if ('refused' in who) {
    const { field, code, text } = who.refused;
    const error: ErrDetail = { code: '207', location: ['MSH', 1, field], text, reason: code };
    return audit(
      refusal(message, error, { sendingFacility: (message.get('MSH-4') ?? '').slice(0, 128) }),
      operation,
      message,
    );
  }
  if (!transaction) {
    const { code, event } = message.messageType;
    const error: ErrDetail = {
      code: code === 'ADT' || code === 'QBP' ? '201' : '200',
      location: ['MSH', 1, 9],
      text: `${code}^${event} is not answered here (ADT^A01/A04/A05/A08/A28/A31/A40, QBP^Q22, QBP^Q23)`,
      reason: 'unsupported-message',
    };
    return audit(refusal(message, error), operation, message, who.facilityOid);
  }

  let handled: Handled;
  try {
    handled = await transaction.handle(deps, message, who);
  } catch (e) {
    log?.error({ err: e, controlId: message.controlId }, 'HL7 v2 IHE message failed');
    const text = 'the hub could not answer; the error is logged / ハブで処理できませんでした';
    handled = {
      bytes: ackBytes(message, 'AE', text, {
        code: '207',
        location: ['MSH', 1, 9],
        text,
        reason: 'internal',
      }),
      code: 'AE',
      audit: { action: 'E', outcome: '8', outcomeDescription: e instanceof Error ? e.message : String(e) },
    };
  }
  return audit(handled, operation, message, who.facilityOid);
}

/** AR: not this sender's to send, or not a message we take — sending it again will not help. */
function refusal(
  message: Hl7Message | undefined,
  error: ErrDetail,
  detail: Record<string, string> = {},
): Handled {
  return {
    bytes: ackBytes(message, 'AR', error.text, error),
    code: 'AR',
    audit: {
      action: 'E',
      outcome: '4',
      outcomeDescription: error.text,
      detail: { ...detail, outcome: error.reason ?? 'refused' },
    },
  };
}

/**
 * A connection refused before any message: over TLS a certificate of the network CA that no facility
 * registered (or whose facility is no longer active), over plain MLLP another host than this one.
 * Audited: a network certificate knocking on the wrong door is worth a reviewer's look. Handshake
 * failures (no certificate, another CA's) are only logged: nobody authenticated is there to name.
 */
async function auditRefusedConnection(deps: HubDeps, peer: MllpPeer, tls: boolean): Promise<void> {
  const fingerprint = peerFingerprint(peer);
  const subject = peer.certificate?.subject?.CN;
  await auditHub(deps, [
    {
      type: 'mpi',
      action: 'E',
      outcome: '4',
      outcomeDescription: tls
        ? 'MLLP/TLS: the client certificate is not registered for an active facility'
        : 'MLLP without TLS is taken from this machine only',
      agent: { userId: 'ihe:unknown', ...(peer.remoteAddress ? { address: peer.remoteAddress } : {}) },
      detail: {
        operation: 'connection',
        transport: tls ? 'MLLP/TLS' : 'MLLP',
        outcome: tls ? 'client-certificate-unknown' : 'tls-required',
        ...(fingerprint ? { certificateSha256: fingerprint } : {}),
        ...(typeof subject === 'string' ? { certificateSubject: subject } : {}),
      },
    },
  ]);
}
