import type { FastifyInstance } from 'fastify';
import { HubError } from '../http.js';

/** Viewing requests one user may have in flight at once (each fans out to every visible gateway). */
export const DEFAULT_VIEWING_CONCURRENCY = 6;

/**
 * A per-user budget of viewing requests in flight (issue 10: one user pulled 100 parallel 500-entry
 * timelines). Past it, 429 `too-many-requests` at once, before any gateway is asked; the browser app
 * never has more than a few in flight.
 */
export function installViewingBudget(app: FastifyInstance, limit = DEFAULT_VIEWING_CONCURRENCY): void {
  const inFlight = new Map<string, number>();
  app.addHook('preHandler', async (request, reply) => {
    const userId = request.principal?.userId;
    if (!userId) return; // the handler answers 401
    const now = inFlight.get(userId) ?? 0;
    if (now >= limit) {
      throw new HubError(
        429,
        'too-many-requests',
        `同時に実行できる閲覧は${limit}件までです / at most ${limit} viewing requests at once per user`,
      );
    }
    inFlight.set(userId, now + 1);
    // Given back once the answer is sent or the browser went away (a tab switch aborts the lists in
    // flight). Fastify runs no onResponse for a request aborted before its handler: counting on it
    // left the slot taken for good, and after a few quick tab switches every view answered 429.
    let given = false;
    reply.raw.once('close', () => {
      if (given) return;
      given = true;
      const left = (inFlight.get(userId) ?? 1) - 1;
      if (left <= 0) inFlight.delete(userId);
      else inFlight.set(userId, left);
    });
  });
}
