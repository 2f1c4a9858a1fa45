import type { FastifyInstance } from 'fastify';
import type { InboundResult, MessageSink } from '../inbound/receiver.js';

type Transport = 'mllp' | 'mllp-tls' | 'http';

/**
 * Received HL7 messages by transport and outcome, appended to the API's /metrics in Prometheus text
 * format (the API owns /metrics; this adds the inbound side without a second scrape path).
 */
export class InboundCounters {
  private readonly counts = new Map<string, number>();
  private lastStoredAt: number | undefined;

  /** The same sink, counting what passes through. */
  wrap(sink: MessageSink, transport: Transport): MessageSink {
    return {
      receive: async (bytes, hint) => {
        const result = await sink.receive(bytes, hint);
        this.count(transport, result);
        return result;
      },
    };
  }

  render(now = Date.now()): string {
    const lines = [
      '# HELP hie_gateway_inbound_messages_total HL7 v2 messages received, by transport and outcome.',
      '# TYPE hie_gateway_inbound_messages_total counter',
    ];
    for (const [labels, n] of [...this.counts].sort())
      lines.push(`hie_gateway_inbound_messages_total{${labels}} ${n}`);
    if (this.lastStoredAt !== undefined) {
      lines.push(
        '# HELP hie_gateway_inbound_last_stored_age_seconds Seconds since a received message was last filed.',
      );
      lines.push('# TYPE hie_gateway_inbound_last_stored_age_seconds gauge');
      lines.push(
        `hie_gateway_inbound_last_stored_age_seconds ${((now - this.lastStoredAt) / 1000).toFixed(3)}`,
      );
    }
    return `${lines.join('\n')}\n`;
  }

  /** Appends the inbound lines to the API's /metrics answer. */
  mount(app: FastifyInstance): void {
    app.addHook('onSend', async (request, reply, payload) => {
      if (
        request.routeOptions.url !== '/metrics' ||
        reply.statusCode !== 200 ||
        typeof payload !== 'string'
      ) {
        return payload;
      }
      return `${payload.endsWith('\n') ? payload : `${payload}\n`}${this.render()}`;
    });
  }

  private count(transport: Transport, result: InboundResult): void {
    const labels = `transport="${transport}",outcome="${result.outcome}"`;
    this.counts.set(labels, (this.counts.get(labels) ?? 0) + 1);
    if (result.outcome === 'stored' || result.outcome === 'deleted') this.lastStoredAt = Date.now();
  }
}
