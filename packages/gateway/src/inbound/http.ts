import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { InboundResult, MessageSink } from './receiver.js';
import type { InboundSender } from './sender.js';

export interface InboundHttpOptions {
  receiver: MessageSink;
  /**
   * The sender of a request (by its bearer token; later its client certificate), or null: answered
   * 401 and never read. The gateway always passes one; without it (library use, tests) messages carry
   * no sender and MSH-4 is not checked.
   */
  authenticate?: (request: FastifyRequest) => InboundSender | null;
  /** Largest body accepted (default 16 MiB, as for MLLP frames). */
  bodyLimit?: number;
}

/** Body types taken as the raw bytes of one HL7 v2 message (ER7); the charset is the one MSH-18 declares. */
const HL7_CONTENT_TYPES = [
  'application/hl7-v2',
  'x-application/hl7-v2+er7',
  'text/plain',
  'application/octet-stream',
];

/**
 * `POST /hl7/v2`: one HL7 v2.5 message per request, answered with its ACK (same pipeline as MLLP).
 * HTTP status mirrors the ACK for clients that only look at it: 200 accepted (also a duplicate),
 * 400 AE (the message is wrong: ERR names where), 422 AR (unsupported type), 503 not stored (retry),
 * 204 when the sender's enhanced mode asked for no acknowledgment. `?dataType=OMP-02` lets a sender
 * say which of the data types sharing one MSH-9 it means.
 */
export const inboundHttpPlugin: FastifyPluginAsync<InboundHttpOptions> = async (app, options) => {
  const { receiver } = options;
  // Our own parsers, scoped to this plugin: the bytes stay undecoded until MSH-18 is read.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(HL7_CONTENT_TYPES, { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );
  app.post<{ Querystring: { dataType?: string } }>(
    '/hl7/v2',
    {
      bodyLimit: options.bodyLimit ?? 16 * 1024 * 1024,
      schema: {
        querystring: {
          type: 'object',
          properties: { dataType: { type: 'string', pattern: '^[A-Z]{3}(-[0-9]{2})?$' } },
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const sender = options.authenticate ? options.authenticate(request) : undefined;
      if (sender === null) {
        request.log.warn({ ip: request.ip }, 'HL7 v2 over HTTP refused: no valid sender credential');
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="hie-inbound"')
          .send({ code: 'NOT_AUTHENTICATED', message: 'a registered sender credential is required' });
      }
      const body = request.body;
      if (!(body instanceof Uint8Array) || body.length === 0) {
        return reply.code(415).send({
          code: 'UNSUPPORTED_BODY',
          message: `send the message bytes as ${HL7_CONTENT_TYPES[0]} or text/plain`,
        });
      }
      const dataType = request.query.dataType;
      const result = await receiver.receive(body, {
        ...(dataType ? { dataType } : {}),
        ...(sender ? { sender } : {}),
      });
      request.log.info(
        { outcome: result.outcome, code: result.code, controlId: result.controlId, path: result.path },
        'HL7 v2 message received over HTTP',
      );
      if (!result.ack) return reply.code(204).send();
      return reply
        .code(statusOf(result))
        .header('content-type', `application/hl7-v2; charset=${result.charset ?? 'UTF-8'}`)
        .send(Buffer.from(result.ack));
    },
  );
};

function statusOf(result: InboundResult): number {
  switch (result.outcome) {
    case 'stored':
    case 'deleted':
    case 'duplicate':
      return 200;
    case 'failed':
      return 503;
    default:
      if (result.problem?.reason === 'SENDER_NOT_AUTHORISED') return 403;
      return result.problem?.reason === 'UNSUPPORTED_TYPE' ? 422 : 400;
  }
}
