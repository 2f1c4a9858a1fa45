/**
 * Issue 10, finding 7 for the gateways: each gateway anchors its own audit chain outside its store, as
 * the hub does — the head signed with the gateway's own audit key (never the hub's), unit = the facility
 * OID, at stop and on its timer; the key survives restarts; a witness that cannot be written never stops
 * the gateway. (The attack on the chain itself, rows deleted and re-hashed, is `hie gateway audit-verify`'s
 * test in the CLI.)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AuditAnchor,
  anchorSignedBy,
  FileWitness,
  generateSigningKey,
  importHubKeyPem,
} from '@hie/platform';
import { TEST_ENGINES } from '@hie/record-source/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { sendMllp } from '../inbound/client.js';
import { sampleFiles } from '../inbound/testing.js';
import type { GatewayConfig, GatewayConfigInput } from './config.js';
import { startTestGateway, type TestGateway } from './testing.js';

/** The hospital's own systems on this host send for 'SEND' (the NHO samples' MSH-4). */
const LOOPBACK_SENDER = { localFacilityIds: ['SEND'] };

describe.each(TEST_ENGINES)('the gateway’s audit anchors on %s', (engine) => {
  const started: TestGateway[] = [];
  afterEach(async () => {
    // The last started first: a restart shares the first one's data folder and schema.
    for (const t of started.reverse()) await t.dispose();
    started.length = 0;
  });

  async function start(settings: Partial<GatewayConfigInput> = {}): Promise<TestGateway> {
    const t = await startTestGateway(engine, await generateSigningKey(), {
      inbound: LOOPBACK_SENDER,
      ...settings,
    });
    started.push(t);
    return t;
  }

  /** The same gateway again: its data folder (key, anchors) and its store. */
  const sameGateway = (c: GatewayConfig): Partial<GatewayConfigInput> => ({
    dataDir: c.dataDir,
    db: c.db,
    ...(c.dbSchema ? { dbSchema: c.dbSchema } : {}),
  });

  /** Each message is one audit event in the gateway's chain, filed or refused. */
  async function send(t: TestGateway, n: number): Promise<void> {
    const messages = sampleFiles()
      .slice(0, n)
      .map((s) => s.bytes);
    const replies = await sendMllp(messages, { host: '127.0.0.1', port: t.gateway.mllpPort! });
    expect(replies.filter((r) => r.ok)).toHaveLength(n);
  }

  const anchorsOf = (c: GatewayConfig): Promise<AuditAnchor[]> => new FileWitness(c.audit.anchors).read();
  const publicKeyOf = (c: GatewayConfig) =>
    importHubKeyPem(readFileSync(join(c.dataDir, 'keys', 'gateway-audit.pub.pem'), 'utf8'), 'gateway');

  it('signs the head with its own key at stop (unit = facility OID), and keeps that key across restarts', async () => {
    const first = await start();
    const { config, gateway } = first;
    expect(config.audit).toEqual({
      anchors: join(config.dataDir, 'audit-anchors.jsonl'),
      anchorSeconds: 300,
      key: join(config.dataDir, 'keys', 'gateway-audit.key.pem'),
    });
    await send(first, 3);
    await gateway.stop();
    const [anchor, ...more] = await anchorsOf(config);
    expect(more).toEqual([]);
    expect(anchor).toMatchObject({ unit: '1.2.392.200284.33.3319800011', seq: 3 });
    const key = await publicKeyOf(config);
    expect(anchorSignedBy(anchor!, [key])).toBe(true);
    // Only the gateway's operator reads the private key.
    expect(statSync(config.audit.key).mode & 0o777).toBe(0o600);

    const again = await start(sameGateway(config));
    await send(again, 2);
    await again.gateway.stop();
    const anchors = await anchorsOf(config);
    expect(anchors.map((a) => a.seq)).toEqual([3, 5]);
    // The same key after the restart: the first anchor is still checked by the key the operator keeps.
    expect(anchors.every((a) => anchorSignedBy(a, [key]))).toBe(true);
  });

  it('never signs with the hub’s key: a hub key does not verify its anchors', async () => {
    const hub = await generateSigningKey();
    const t = await startTestGateway(engine, hub, { inbound: LOOPBACK_SENDER });
    started.push(t);
    await send(t, 1);
    await t.gateway.stop();
    const [anchor] = await anchorsOf(t.config);
    expect(anchor?.kid).not.toBe(hub.kid);
    expect(anchorSignedBy(anchor!, [{ kid: hub.kid, issuer: 'hub', publicKey: hub.publicKey }])).toBe(false);
  });

  it('anchors on its timer while it runs (audit.anchorSeconds)', async () => {
    const t = await start({ audit: { anchorSeconds: 1 } });
    await send(t, 2);
    let anchors: AuditAnchor[] = [];
    for (const until = Date.now() + 5000; anchors.length === 0 && Date.now() < until; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      anchors = await anchorsOf(t.config);
    }
    expect(anchors.map((a) => a.seq)).toEqual([2]);
  });

  it('keeps serving when its anchor file cannot be written, and stops cleanly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hie-anchor-blocked-'));
    try {
      const blocked = join(dir, 'not-a-folder');
      writeFileSync(blocked, '');
      const t = await start({ audit: { anchors: join(blocked, 'anchors.jsonl') } });
      await send(t, 1);
      await expect(t.gateway.stop()).resolves.toBeUndefined();
      expect(existsSync(join(blocked, 'anchors.jsonl'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start with a configured key file that is not there (and not a .key.pem to create)', async () => {
    await expect(start({ audit: { key: '/nonexistent/gateway-audit.pem' } })).rejects.toThrow(
      /audit\.key \/nonexistent\/gateway-audit\.pem: no such key file/,
    );
  });
});
