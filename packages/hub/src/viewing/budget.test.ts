import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { HubPrincipal } from '../http.js';
import { installViewingBudget } from './budget.js';

/** A hub-like app: every request is the same user; `/slow` answers when `release()` is called. */
async function app(limit: number) {
  const server = Fastify();
  let entered = 0;
  let release: () => void = () => undefined;
  let gate = new Promise<void>((r) => {
    release = r;
  });
  server.decorateRequest('principal', null);
  server.addHook('onRequest', async (request) => {
    request.principal = { userId: 'doctor' } as HubPrincipal;
  });
  server.setErrorHandler((error: Error & { status?: number; code?: string }, _request, reply) => {
    void reply.status(error.status ?? 500).send({ error: { code: error.code } });
  });
  await server.register(async (scope) => {
    installViewingBudget(scope, limit);
    // The hub's own work before a handler (session, policy lookups): a browser may leave meanwhile.
    scope.addHook('preHandler', async () => {
      await new Promise((r) => setTimeout(r, 50));
    });
    scope.get('/slow', async () => {
      entered++;
      await gate;
      return { ok: true };
    });
    scope.get('/fast', async () => ({ ok: true }));
  });
  const url = await server.listen({ port: 0, host: '127.0.0.1' });
  return {
    server,
    url,
    entered: () => entered,
    release: () => {
      release();
      gate = new Promise<void>((r) => {
        release = r;
      });
    },
  };
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
});

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('the per-user viewing budget', () => {
  it('gives a slot back when the browser goes away before the handler even starts', async () => {
    const hub = await app(2);
    close = () => hub.server.close();
    for (let round = 0; round < 3; round++) {
      const aborts = [new AbortController(), new AbortController()];
      const leaving = aborts.map((a) => fetch(`${hub.url}/fast`, { signal: a.signal }).catch(() => null));
      await new Promise((r) => setTimeout(r, 10));
      for (const a of aborts) a.abort();
      await Promise.all(leaving);
    }
    await new Promise((r) => setTimeout(r, 200));
    expect((await fetch(`${hub.url}/fast`)).status).toBe(200);
  });

  it('gives a slot back when the browser goes away before the answer (a tab switch, a closed window)', async () => {
    const hub = await app(2);
    close = () => hub.server.close();
    // The user opens a record and leaves it at once: the browser aborts both lists in flight.
    const aborts = [new AbortController(), new AbortController()];
    const leaving = aborts.map((a) => fetch(`${hub.url}/slow`, { signal: a.signal }).catch(() => null));
    await until(() => hub.entered() === 2);
    for (const a of aborts) a.abort();
    await Promise.all(leaving);
    hub.release();
    // Before the fix the two slots stayed taken for good: every later view answered 429.
    await new Promise((r) => setTimeout(r, 100));
    const next = await fetch(`${hub.url}/fast`);
    expect(next.status).toBe(200);
    expect((await fetch(`${hub.url}/fast`)).status).toBe(200);
  });

  it('still refuses past the budget while requests are in flight, and serves again once they end', async () => {
    const hub = await app(2);
    close = () => hub.server.close();
    const slow = [fetch(`${hub.url}/slow`), fetch(`${hub.url}/slow`)];
    await until(() => hub.entered() === 2);
    const refused = await fetch(`${hub.url}/fast`);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('too-many-requests');
    hub.release();
    expect((await Promise.all(slow)).map((r) => r.status)).toEqual([200, 200]);
    expect((await fetch(`${hub.url}/fast`)).status).toBe(200);
  });
});
