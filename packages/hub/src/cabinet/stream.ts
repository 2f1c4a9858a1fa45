import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HubPrincipal } from '../http.js';
import type { CabinetCallDeps } from './cabinets.js';
import type { CabinetEvent } from './events.js';
import { loadCabinet } from './load.js';

/** How long one stream lives: the browser reconnects, and the session is checked again then. */
export const STREAM_LIFETIME_MS = 5 * 60_000;
const HEARTBEAT_MS = 25_000;

/**
 * Server-Sent Events for one user: a `post` event for a post in a cabinet they may read now (decided per
 * event, so a removal or a withdrawn consent stops them at once), a `cabinet` event when a cabinet they
 * are on changes (so their screen reloads and learns what it may still see). Ids only, never content.
 */
export function streamCabinetEvents(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
    'x-content-type-options': 'nosniff',
    connection: 'keep-alive',
  });
  res.write('retry: 5000\n\n');
  const send = (name: string, data: object) => {
    if (!res.writableEnded) res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const handle = async (event: CabinetEvent) => {
    const context = await loadCabinet(deps, principal, event.cabinetId);
    if (!context?.member) return;
    if (event.type === 'cabinet') {
      send('cabinet', { cabinetId: event.cabinetId });
    } else if (context.access.read) {
      send('post', {
        cabinetId: event.cabinetId,
        postId: event.postId,
        version: event.version,
        urgent: event.urgent,
        mentionsMe: event.mentions.includes(principal.userId),
        mine: event.authorId === principal.userId,
      });
    }
  };
  const unsubscribe = deps.events.subscribe((event) => {
    handle(event).catch((error: unknown) => request.log.warn({ err: error }, 'cabinet event not delivered'));
  });
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  const lifetime = setTimeout(() => res.end(), STREAM_LIFETIME_MS);
  heartbeat.unref();
  lifetime.unref();
  const stop = () => {
    unsubscribe();
    clearInterval(heartbeat);
    clearTimeout(lifetime);
  };
  res.on('close', stop);
}
