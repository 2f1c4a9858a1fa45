import type { AuditRecord, Store } from '@hie/platform';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { AuditQueue } from '../api/audit-queue.js';
import type { InboundProblem } from '../inbound/entry.js';
import { inboundHttpPlugin } from '../inbound/http.js';
import type { InboundResult, MessageSink } from '../inbound/receiver.js';
import { type InboundSender, type SenderCredential, senderByToken } from '../inbound/sender.js';
import type { Schema } from '../store/schema.js';
import type { GatewayConfig } from './config.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const plainAddress = (address: string | undefined) => address?.replace(/^::ffff:/, '');

/**
 * Who may write HL7 v2 into this gateway (ARCHITECTURE.md invariant 8): the hospital's own systems on
 * this host (loopback) for this facility, and each registered sender for its own facilities — by its
 * bearer token over HTTP, by its addresses over plain MLLP. Nobody else.
 */
export interface InboundSenders {
  /** The sender of an MLLP connection from this address, or null. */
  byAddress(address: string | undefined): InboundSender | null;
  /** The sender of an HTTP request bearing this token, or null. */
  byToken(token: string | undefined): InboundSender | null;
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
  }));
  const credentials: SenderCredential[] = registered.flatMap((r) =>
    r.tokenSha256 ? [{ sender: r.sender, tokenSha256: r.tokenSha256 }] : [],
  );
  return {
    byAddress(address) {
      const plain = plainAddress(address);
      const remote = registered.find((r) => plain !== undefined && r.addresses.has(plain));
      if (remote) return remote.sender;
      return address !== undefined && LOOPBACK.has(address) ? local : null;
    },
    byToken: (token) => senderByToken(credentials, token),
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
export function auditedSink(sink: MessageSink, store: Store<Schema>, facilityOid: string): MessageSink {
  const audit = new AuditQueue(store);
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

/** HL7 v2 over HTTP on its own listener (never the read API's), for registered senders only. */
export async function startInboundHttp(
  config: GatewayConfig,
  sink: MessageSink,
  senders: InboundSenders,
  logger: FastifyBaseLogger,
): Promise<{ app: FastifyInstance; port: number }> {
  const app = Fastify({ loggerInstance: logger, bodyLimit: 16 * 1024 * 1024, return503OnClosing: true });
  await app.register(inboundHttpPlugin, {
    receiver: sink,
    authenticate: (request) =>
      senders.byToken(/^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1]),
  });
  await app.listen({ host: config.inbound.http.host, port: config.inbound.http.port });
  const address = app.server.address();
  return { app, port: typeof address === 'object' && address ? address.port : config.inbound.http.port };
}
