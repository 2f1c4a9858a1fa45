/**
 * Issue 10, finding 7, written as the attack on a gateway: someone with write access to a gateway's
 * store deletes the newest audit events and re-hashes the chain so that it verifies on its own.
 * `hie gateway audit-verify` checks the chain against the anchors the gateway signed with its own audit
 * key and wrote outside the store, and names the events that are gone.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningGateway, type Schema, sendMllp } from '@hie/gateway';
import { startTestGateway, type TestGateway } from '@hie/gateway/testing';
import { exportPublicKeyPem, generateSigningKey, openStore } from '@hie/platform';
import { TEST_ENGINES } from '@hie/platform/testing';
import { afterEach, describe, expect, it } from 'vitest';

// Runs the built CLI (`npm test` builds first), as an auditor would, against gateways run in this process.
const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const samples = fileURLToPath(new URL('../../../../fixtures/samples/ssmix2/nho/', import.meta.url));
const bin = join(repo, 'packages/cli/bin/hie.js');

/** The child sees no HIE_* / DATABASE_URL of this shell: the config file alone says where things are. */
const childEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('HIE_') && k !== 'DATABASE_URL'),
);

function hie(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { encoding: 'utf8', env: childEnv },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const messages = readdirSync(samples, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && !e.name.startsWith('.'))
  .map((e) => readFileSync(join(e.parentPath, e.name)))
  .slice(0, 5);

/** Each message sent is one event in the gateway's audit chain (the hospital's own systems, on loopback). */
async function send(gateway: RunningGateway, n: number, from = 0): Promise<void> {
  const replies = await sendMllp(messages.slice(from, from + n), {
    host: '127.0.0.1',
    port: gateway.mllpPort!,
  });
  expect(replies.filter((r) => r.ok)).toHaveLength(n);
}

describe.each(TEST_ENGINES)('hie gateway audit-verify on %s', (engine) => {
  const started: TestGateway[] = [];
  afterEach(async () => {
    for (const t of started.reverse()) await t.dispose();
    started.length = 0;
  });

  /**
   * A gateway that ran twice: 3 events, stop (anchor at 3), restart, 2 more, stop (anchor at 5). Its
   * configuration file names its store; the anchors and key are at their defaults in its data folder.
   */
  async function gatewayThatRanTwice() {
    const hub = await generateSigningKey();
    const inbound = { localFacilityIds: ['SEND'] }; // the NHO samples' MSH-4
    const first = await startTestGateway(engine, hub, { inbound });
    started.push(first);
    const { config } = first;
    await send(first.gateway, 3);
    await first.gateway.stop();
    const again = await startTestGateway(engine, hub, {
      inbound,
      dataDir: config.dataDir,
      db: config.db,
      ...(config.dbSchema ? { dbSchema: config.dbSchema } : {}),
    });
    started.push(again);
    await send(again.gateway, 2, 3);
    await again.gateway.stop();
    const file = join(config.dataDir, 'gateway.json');
    writeFileSync(
      file,
      JSON.stringify({
        dataDir: config.dataDir,
        db: config.db,
        ...(config.dbSchema ? { dbSchema: config.dbSchema } : {}),
      }),
    );
    return { config, file, hub };
  }

  it('exits 0 on the untouched chain, checked against both anchors', async () => {
    const { file } = await gatewayThatRanTwice();
    const r = await hie('gateway', 'audit-verify', '--config', file);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^audit chain intact: 5 events, 2 anchors \(/);
  });

  it('exits 1 naming the anchored events that are gone when the newest were deleted and the chain re-hashed', async () => {
    const { config, file, hub } = await gatewayThatRanTwice();
    // The attack: delete events 3…5 and make the head agree with what is left.
    const store = await openStore<Schema>(config.db, config.dbSchema ? { schema: config.dbSchema } : {});
    try {
      await store.db.deleteFrom('audit_event').where('seq', '>', 2).execute();
      const last = await store.db
        .selectFrom('audit_event')
        .select(['seq', 'hash'])
        .where('seq', '=', 2)
        .executeTakeFirstOrThrow();
      await store.db.updateTable('audit_head').set({ seq: 2, hash: last.hash }).where('id', '=', 1).execute();
    } finally {
      await store.close();
    }
    const empty = join(config.dataDir, 'no-anchors.jsonl');
    writeFileSync(empty, '');
    const alone = await hie('gateway', 'audit-verify', '--config', file, '--anchors', empty);
    expect(alone.code).toBe(0); // the chain alone is fooled

    const r = await hie('gateway', 'audit-verify', '--config', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('audit chain BROKEN: 2 problem(s) in 2 events, 2 anchors');
    expect(r.stdout).toMatch(
      / {2}seq 3 anchor-mismatch: event 3, anchored at \S+, is gone: events were deleted/,
    );
    expect(r.stdout).toMatch(
      / {2}seq 5 anchor-mismatch: event 5, anchored at \S+, is gone: events were deleted/,
    );

    // The auditor may hold only the public key; the hub's key vouches for nothing here.
    const publicKey = join(config.dataDir, 'keys', 'gateway-audit.pub.pem');
    const json = await hie('gateway', 'audit-verify', '--config', file, '--anchor-key', publicKey, '--json');
    expect(json.code).toBe(1);
    expect(
      JSON.parse(json.stdout).problems.map((p: { seq: number; kind: string }) => [p.seq, p.kind]),
    ).toEqual([
      [3, 'anchor-mismatch'],
      [5, 'anchor-mismatch'],
    ]);
    const hubKey = join(config.dataDir, 'hub-key.pem');
    writeFileSync(hubKey, await exportPublicKeyPem(hub.publicKey));
    const forged = await hie('gateway', 'audit-verify', '--config', file, '--anchor-key', hubKey, '--json');
    expect(forged.code).toBe(1);
    expect(JSON.parse(forged.stdout).problems.map((p: { kind: string }) => p.kind)).toEqual([
      'anchor-forged',
      'anchor-forged',
    ]);
  });
});

describe('hie gateway audit-verify usage errors', () => {
  it('exits 2 without a store, and without the key for the anchors it finds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hie-gateway-audit-'));
    try {
      const none = await hie('gateway', 'audit-verify', '--data-dir', dir);
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('no gateway store there');

      const hub = await generateSigningKey();
      const t = await startTestGateway('sqlite', hub, { dataDir: dir });
      await t.gateway.stop();
      rmSync(join(dir, 'keys'), { recursive: true });
      const keyless = await hie('gateway', 'audit-verify', '--data-dir', dir);
      expect(keyless.code).toBe(2);
      expect(keyless.stderr).toContain('the key that signs the anchors is needed (--anchor-key)');
      await t.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
