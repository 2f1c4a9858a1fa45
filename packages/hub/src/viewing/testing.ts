// Test support for the viewing module: real gateway apps (sample data, their own stores) listening
// on 127.0.0.1 with the hub's key trusted, and a "hung" gateway that accepts connections and never
// answers. Never imported by production code.
import { createServer, type Server, type Socket } from 'node:net';
import type { GwResourceTable } from '@hie/gateway';
import { buildGatewayApp, type MutualTlsOptions } from '@hie/gateway';
import { createTestStore, insertProjection, type TestStore } from '@hie/gateway/testing';
import type { Engine } from '@hie/platform';
import { hubKeyFrom } from '@hie/platform';
import type { FastifyInstance } from 'fastify';
import type { HubDeps } from '../http.js';
import { defaultPolicyRows } from '../policy/matrix.js';
import type { TestStore as HubTestStore } from '../testing/store.js';

export interface RunningGateway {
  oid: string;
  name: string;
  url: string;
  store: TestStore;
  app: FastifyInstance;
}

/**
 * A gateway for `oid` over `rows`, trusting the hub of `deps`, disclosing `categories`,
 * listening on a free port. `now` (seconds): the clock it checks assertions against, for a hub on a
 * fixed test clock.
 */
export async function startGateway(
  engine: Engine,
  deps: HubDeps,
  gateway: {
    oid: string;
    name: string;
    rows: readonly GwResourceTable[];
    categories: readonly string[];
    now?: () => number;
  },
  tls?: MutualTlsOptions,
): Promise<RunningGateway> {
  const store = await createTestStore(engine);
  await insertProjection(store, gateway.rows);
  const app = await buildGatewayApp({
    store,
    facility: { oid: gateway.oid, name: gateway.name, institutionCode: gateway.oid.split('.').at(-1) ?? '' },
    hubKeys: [hubKeyFrom(deps.signingKey, deps.settings.issuer)],
    disclosure: { categories: [...gateway.categories] },
    storageRoots: [],
    ...(tls ? { tls } : {}),
    ...(gateway.now ? { now: gateway.now } : {}),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const scheme = tls ? 'https://localhost' : 'http://127.0.0.1';
  return { oid: gateway.oid, name: gateway.name, url: `${scheme}:${port}`, store, app };
}

export async function stopGateway(gateway: RunningGateway): Promise<void> {
  await gateway.app.close();
  await gateway.store.dispose();
}

/** A TCP server that accepts every connection and never writes a byte: a hung gateway. */
export async function startHungServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A copy of the rows of one patient under another local id (a second facility's chart of the same person). */
export function rowsAs(
  rows: readonly GwResourceTable[],
  patientId: string,
  localId: string,
): GwResourceTable[] {
  return rows
    .filter((r) => r.patient_id === patientId)
    .map((r) => ({
      ...r,
      patient_id: localId,
      id: r.id.replace(patientId, localId),
      json: r.json.replaceAll(patientId, localId),
    }));
}

/** Replaces the profession × category matrix (the default one unless `rows` are given). */
export async function seedMatrix(
  store: HubTestStore,
  rows: readonly { profession: string; category: string }[] = defaultPolicyRows(),
): Promise<void> {
  await store.db.deleteFrom('hub_profession_policy').execute();
  for (let i = 0; i < rows.length; i += 200) {
    await store.db
      .insertInto('hub_profession_policy')
      .values(rows.slice(i, i + 200))
      .execute();
  }
}
