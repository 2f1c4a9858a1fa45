import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createTestStore, type TestStore } from '@hie/record-source/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GatewayIngest, gatewayStatus } from './index.js';
import { FACILITY } from './testing/fixtures.js';
import { generatedStorage } from './testing/generated.js';
import { projectionHash } from './testing/projection-hash.js';

const CHILD = fileURLToPath(new URL('./testing/crash-child.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const KILLS = 20;

/** Runs the child; resolves with how it ended. `killAfterBatches` < 0 lets it finish. */
function runChild(
  location: string,
  root: string,
  killAfterBatches: number,
  extraDelayMs: number,
): Promise<{ killed: boolean; done: boolean; batches: number }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [CHILD, location, root, '25'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let batches = 0;
    let done = false;
    let killed = false;
    let out = '';
    const kill = () => {
      if (done || child.exitCode !== null) return;
      killed = child.kill('SIGKILL');
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const lines = out.split('\n');
      out = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('done ')) done = true;
        if (line.startsWith('batch ')) batches++;
        const armed = line === 'started' || line.startsWith('batch ');
        if (armed && killAfterBatches >= 0 && batches === killAfterBatches) setTimeout(kill, extraDelayMs);
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (!killed && code !== 0) reject(new Error(`child failed: code ${code} signal ${signal}`));
      else resolve({ killed: killed && signal === 'SIGKILL', done, batches });
    });
  });
}

// SQLite: the engine whose crash behaviour (WAL recovery) the gateway relies on by default.
// PostgreSQL runs the same scenario with fewer files to stay within the time budget.
describe.each([
  ['sqlite', 48],
  ['postgres', 24],
] as const)('crash safety on %s', (engine, patients) => {
  let store: TestStore;
  let storage: Awaited<ReturnType<typeof generatedStorage>>;
  beforeAll(async () => {
    store = await createTestStore(engine);
    storage = await generatedStorage(patients, 2, 23);
  });
  afterAll(async () => {
    await store?.dispose();
    storage?.remove();
  });

  test(`killed -9 at ${KILLS} random moments, restarted each time, it ends equal to a clean rebuild`, async () => {
    expect(existsSync(BUILT), 'run `npm run build` first: the child uses the built package').toBe(true);
    let kills = 0;
    let runs = 0;
    let completedEarly = 0;
    // Random but reproducible moments: after 0–2 committed batches, plus 0–30 ms (mid-batch, mid-commit, mid-scan).
    let seed = 20261126;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    while (kills < KILLS && runs < KILLS * 3) {
      runs++;
      const r = await runChild(
        store.location,
        storage.root,
        Math.floor(random() * 3),
        Math.floor(random() * 30),
      );
      if (r.killed) kills++;
      else completedEarly++;
    }
    expect(kills).toBeGreaterThanOrEqual(KILLS);
    const last = await runChild(store.location, storage.root, -1, 0);
    expect(last.done).toBe(true);
    const recovered = await projectionHash(store);
    const status = await gatewayStatus(store);
    expect(status.errors).toEqual([]);
    expect(status.files.total).toBe(storage.files);
    // The clean rebuild: drop everything and ingest once, without interruption.
    const clean = new GatewayIngest(store, { roots: [storage.root], facility: FACILITY });
    await clean.reindex();
    await clean.stop();
    const rebuilt = await projectionHash(store);
    expect(rebuilt.resources).toBeGreaterThan(storage.files);
    expect(recovered).toEqual(rebuilt);
    expect(completedEarly).toBeLessThan(3);
  }, 120_000);
});
