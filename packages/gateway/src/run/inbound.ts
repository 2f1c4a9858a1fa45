import type { AuditRecord, Store } from '@hie/platform';
import { AuditQueue, type Schema } from '@hie/record-source';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { InboundProblem } from '../inbound/entry.js';
import { inboundHttpPlugin } from '../inbound/http.js';
import { type InboundLog, silentLog } from '../inbound/log.js';
import { type MllpListener, type MllpPeer, startMllpListener } from '../inbound/mllp.js';
import type { InboundResult, MessageSink } from '../inbound/receiver.js';
import {
  certificateFingerprint,
  type InboundSender,
  type SenderCredential,
  senderByCertificate,
  senderByToken,
} from '../inbound/sender.js';
import type { GatewayConfig } from './config.js';
import type { InboundCounters } from './metrics.js';
import { readTlsFiles } from './tls-files.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const plainAddress = (address: string | undefined) => address?.replace(/^::ffff:/, '');

/**
 * Who may write HL7 v2 into this gateway (ARCHITECTURE.md invariant 8): the hospital's own systems on
 * this host (loopback) for this facility, and each registered sender for its own facilities — by its
 * bearer token over HTTP, by its client certificate over MLLP/TLS, by its addresses over plain MLLP.
 * Nobody else.
 */
export interface InboundSenders {
  /** The sender of a plain MLLP connection from this address, or null. */
  byAddress(address: string | undefined): InboundSender | null;
  /** The sender of an HTTP request bearing this token, or null. */
  byToken(token: string | undefined): InboundSender | null;
  /**
   * The sender of an MLLP/TLS connection by its client certificate (already verified against the
   * network CA in the handshake): the one that registered its SHA-256 fingerprint, or null.
   */
  byCertificate(certificate: { raw?: Uint8Array } | null | undefined): InboundSender | null;
}

export function inboundSenders(config: GatewayConfig): InboundSenders {
  const local: InboundSender = {
    id: 'local',
    facilities: [config.facility.institutionCode, config.facility.oid, ...config.inbound.localFacilityIds],
  };
  const registered = config.inbound.senders.map((s) => ({
    sender: { id: s.id, facilities: s.facilities } satisfies InboundSender,
    addresses: new Set(s.addresses.map((a) => plainAddress(a))),
    tokenSha256: s.tokenSha256,
    certificates: s.certificates,
  }));
  const credentials: SenderCredential[] = registered.flatMap((r) =>
    r.tokenSha256 ? [{ sender: r.sender, tokenSha256: r.tokenSha256 }] : [],
  );
  const byFingerprint = new Map(
    registered.flatMap((r) => r.certificates.map((fingerprint) => [fingerprint, r.sender] as const)),
  );
  return {
    byAddress(address) {
      const plain = plainAddress(address);
      const remote = registered.find((r) => plain !== undefined && r.addresses.has(plain));
      if (remote) return remote.sender;
      return address !== undefined && LOOPBACK.has(address) ? local : null;
    },
    byToken: (token) => senderByToken(credentials, token),
    // Never the local sender: a certificate speaks only for the sender that registered it.
    byCertificate: (certificate) => senderByCertificate(byFingerprint, certificate),
  };
}

/**
 * A sender may update or cancel only what it filed itself: the first sender to file a record owns it;
 * another sender's message for the same record is refused (AR), whatever its MSH-4 says.
 */
export function senderOwnership(
  store: Store<Schema>,
): (sender: InboundSender, recordKey: string) => Promise<InboundProblem | null> {
  return async (sender, recordKey) => {
    await store.db
      .insertInto('gw_inbound_owner')
      .values({ record_key: recordKey, sender_id: sender.id, filed_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('record_key').doNothing())
      .execute();
    const owner = await store.db
      .selectFrom('gw_inbound_owner')
      .select('sender_id')
      .where('record_key', '=', recordKey)
      .executeTakeFirst();
    if (!owner || owner.sender_id === sender.id) return null;
    return {
      hl7Code: '207',
      reason: 'SENDER_NOT_AUTHORISED',
      message: `record ${recordKey} was filed by another sender: only '${owner.sender_id}' may update or cancel it`,
    };
  };
}

/** Every inbound message, filed or refused, is audited with its authenticated sender. */
function auditedSink(sink: MessageSink, audit: AuditQueue, facilityOid: string): MessageSink {
  return {
    receive: async (bytes, hint) => {
      const result = await sink.receive(bytes, hint);
      await audit.append(inboundAudit(result, hint?.sender, facilityOid)).catch(() => undefined);
      return result;
    },
  };
}

function inboundAudit(
  result: InboundResult,
  sender: InboundSender | undefined,
  facilityOid: string,
): AuditRecord {
  const ok = result.outcome === 'stored' || result.outcome === 'deleted' || result.outcome === 'duplicate';
  return {
    type: 'inbound',
    action: result.outcome === 'deleted' ? 'D' : 'C',
    outcome: ok ? '0' : result.outcome === 'failed' ? '8' : '4',
    ...(result.problem ? { outcomeDescription: `${result.problem.reason}: ${result.problem.message}` } : {}),
    agent: { userId: `sender:${sender?.id ?? 'unknown'}`, facilityOid },
    ...(result.patientId ? { patient: { facilityOid, localId: result.patientId } } : {}),
    ...(result.path ? { entities: [result.path] } : {}),
    source: facilityOid,
    detail: {
      operation: 'hl7v2-inbound',
      outcome: result.outcome,
      ...(result.controlId ? { controlId: result.controlId } : {}),
      ...(result.dataType ? { dataType: result.dataType } : {}),
    },
  };
}

/**
 * A TLS connection with a client certificate from the network CA that no sender registered: refused
 * before any message, and audited (whoever holds a network certificate and knocks on the wrong door is
 * worth a reviewer's look). Handshake failures (no certificate, another CA) are only logged: nobody
 * authenticated is there to name.
 */
function refusedConnectionAudit(peer: MllpPeer, facilityOid: string): AuditRecord {
  const fingerprint = peer.certificate?.raw ? certificateFingerprint(peer.certificate.raw) : undefined;
  const subject = peer.certificate?.subject?.CN;
  return {
    type: 'inbound',
    action: 'C',
    outcome: '4',
    outcomeDescription: `SENDER_NOT_REGISTERED: no sender registered the client certificate${fingerprint ? ` sha256 ${fingerprint}` : ''}`,
    agent: {
      userId: 'sender:unknown',
      facilityOid,
      ...(peer.remoteAddress ? { address: peer.remoteAddress } : {}),
    },
    source: facilityOid,
    detail: {
      operation: 'hl7v2-inbound',
      outcome: 'refused-connection',
      transport: 'mllp-tls',
      ...(fingerprint ? { certificateSha256: fingerprint } : {}),
      ...(typeof subject === 'string' ? { certificateSubject: subject } : {}),
    },
  };
}

/** HL7 v2 over HTTP on its own listener (never the read API's), for registered senders only. */
async function startInboundHttp(
  config: GatewayConfig,
  sink: MessageSink,
  senders: InboundSenders,
  logger: FastifyBaseLogger | undefined,
): Promise<{ app: FastifyInstance; port: number }> {
  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    bodyLimit: 16 * 1024 * 1024,
    return503OnClosing: true,
  });
  await app.register(inboundHttpPlugin, {
    receiver: sink,
    authenticate: (request) =>
      senders.byToken(/^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1]),
  });
  await app.listen({ host: config.inbound.http.host, port: config.inbound.http.port });
  const address = app.server.address();
  return { app, port: typeof address === 'object' && address ? address.port : config.inbound.http.port };
}

/** The gateway's HL7 v2 doors, as configured: where each listens, and how to close them all. */
export interface InboundListeners {
  /** Plain MLLP (loopback by default); undefined when mllp.enabled is false. */
  readonly mllpPort: number | undefined;
  /** MLLP over TLS with client certificates; undefined unless mllp.tls is configured. */
  readonly mllpTlsPort: number | undefined;
  /** HL7 v2 over HTTP; undefined unless inbound.http is enabled. */
  readonly httpPort: number | undefined;
  /** Stops taking messages: MLLP, MLLP/TLS, then HTTP, each finishing the messages in hand. */
  close(): Promise<void>;
}

export interface InboundListenerDeps {
  /** Files the messages (the gateway's InboundReceiver, authorising with senderOwnership). */
  receiver: MessageSink;
  store: Store<Schema>;
  counters?: InboundCounters;
  /** Fastify's pino logger (default: silent). */
  log?: FastifyBaseLogger;
}

/**
 * Starts every configured inbound listener on one pipeline: who the sender is (by address, token or
 * certificate: `inboundSenders`) → the receiver, which checks MSH-4 and ownership before filing →
 * the audit of every message with its sender → counters.
 */
export async function startInboundListeners(
  config: GatewayConfig,
  deps: InboundListenerDeps,
): Promise<InboundListeners> {
  const senders = inboundSenders(config);
  const audit = new AuditQueue(deps.store);
  const facilityOid = config.facility.oid;
  const audited = auditedSink(deps.receiver, audit, facilityOid);
  const sink = (transport: 'mllp' | 'mllp-tls' | 'http') =>
    deps.counters ? deps.counters.wrap(audited, transport) : audited;
  const log: InboundLog = deps.log ?? silentLog;
  const mllpOptions = { maxFrameSize: config.mllp.maxFrameBytes, log };
  const started: { close(): Promise<void> }[] = [];
  try {
    let mllp: MllpListener | undefined;
    if (config.mllp.enabled) {
      mllp = await startMllpListener(sink('mllp'), {
        ...mllpOptions,
        host: config.mllp.host,
        port: config.mllp.port,
        senderOf: (peer) => senders.byAddress(peer.remoteAddress),
      });
      started.push(mllp);
    }
    let mllpTls: MllpListener | undefined;
    if (config.mllp.tls) {
      if (!config.inbound.senders.some((s) => s.certificates.length > 0))
        log.warn(
          {},
          'mllp.tls is on but no sender registered a certificate: every connection will be refused',
        );
      mllpTls = await startMllpListener(sink('mllp-tls'), {
        ...mllpOptions,
        host: config.mllp.tls.host,
        port: config.mllp.tls.port,
        tls: await readTlsFiles(config.mllp.tls, true),
        senderOf: (peer) => senders.byCertificate(peer.certificate),
        onRefused: (peer) =>
          void audit.append(refusedConnectionAudit(peer, facilityOid)).catch(() => undefined),
      });
      started.push(mllpTls);
    }
    let http: { app: FastifyInstance; port: number } | undefined;
    if (config.inbound.http.enabled) {
      http = await startInboundHttp(config, sink('http'), senders, deps.log);
      const app = http.app;
      started.push({ close: () => app.close() });
    }
    return {
      mllpPort: mllp?.port,
      mllpTlsPort: mllpTls?.port,
      httpPort: http?.port,
      async close() {
        for (const listener of started) await listener.close();
      },
    };
  } catch (e) {
    for (const listener of started) await listener.close().catch(() => undefined);
    throw e;
  }
}
