import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCertificates, type TestCertificates } from '../http/test-certificates.js';
import { createTestStore, type TestStore } from '../store/testing.js';
import { generateSigningKey, hubKeyFrom } from '../trust/keys.js';
import { anchorAudit, FileWitness, startAuditAnchoring } from './anchor.js';
import { appendAudit } from './chain.js';
import { AUDIT_MIGRATIONS } from './migration.js';
import type { AuditSchema } from './schema.js';
import { SyslogWitness, syslogAnchorMessage } from './syslog-witness.js';
import { verifyAudit } from './verify.js';

const RSYSLOGD = '/usr/sbin/rsyslogd';
// CI installs rsyslog (.ci/run); a developer machine without it skips, CI never does.
const available = existsSync(RSYSLOGD);

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const accepting = async (port: number) => {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = tcpConnect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`rsyslogd is not listening on ${port}`);
};

describe.skipIf(!available && !process.env.CI)('the syslog witness, against a real rsyslogd', () => {
  let dir: string;
  let certs: TestCertificates;
  let rsyslog: ChildProcess;
  let plainPort: number;
  let tlsPort: number;
  let store: TestStore<AuditSchema>;
  const received = () => join(dir, 'anchors.log');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hie-syslog-'));
    certs = makeTestCertificates();
    plainPort = await freePort();
    tlsPort = await freePort();
    // A collector as an operator would run it: plain TCP and RFC 5425 TLS (gnutls), each message's raw
    // RFC 5424 text appended to a file.
    writeFileSync(
      join(dir, 'rsyslog.conf'),
      [
        `global(workDirectory="${dir}" defaultNetstreamDriverCAFile="${certs.path('ca.crt')}"`,
        `  defaultNetstreamDriverCertFile="${certs.path('gateway.crt')}" defaultNetstreamDriverKeyFile="${certs.path('gateway.key')}")`,
        'module(load="imtcp" maxSessions="10")',
        `input(type="imtcp" port="${plainPort}" address="127.0.0.1")`,
        `input(type="imtcp" port="${tlsPort}" address="127.0.0.1" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")`,
        'template(name="raw" type="string" string="%rawmsg%\\n")',
        `*.* action(type="omfile" file="${received()}" template="raw")`,
      ].join('\n'),
    );
    rsyslog = spawn(RSYSLOGD, ['-n', '-f', join(dir, 'rsyslog.conf'), '-i', join(dir, 'rsyslogd.pid')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await accepting(plainPort);
    await accepting(tlsPort);
    store = await createTestStore<AuditSchema>('sqlite', AUDIT_MIGRATIONS);
  }, 30_000);

  afterAll(async () => {
    rsyslog?.kill('SIGTERM');
    await store?.dispose();
    certs?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const collected = async (count: number) => {
    for (let i = 0; i < 100; i++) {
      const anchors = await new FileWitness(received()).read();
      if (anchors.length >= count) return anchors;
      await new Promise((r) => setTimeout(r, 100));
    }
    return new FileWitness(received()).read();
  };

  it('sends RFC 5424 anchors over TCP and TLS that hie audit verify reads back from the collector’s file', async () => {
    const key = await generateSigningKey();
    const event = (i: number) => ({
      type: 'view',
      action: 'R' as const,
      outcome: '0' as const,
      source: 'hub',
      agent: { userId: `u${i}`, name: `u${i}` },
    });
    await appendAudit(store, [event(1), event(2)]);
    const first = await anchorAudit(store, key, 'hub');
    expect(syslogAnchorMessage(first, 'hie-audit', 'hub01')).toMatch(
      /^<109>1 \S+ hub01 hie-audit \d+ ANCHOR - \{"unit":"hub"/,
    );
    await new SyslogWitness({ host: '127.0.0.1', port: plainPort }).write(first);
    await appendAudit(store, [event(3)]);
    const tls = new SyslogWitness({
      host: '127.0.0.1',
      port: tlsPort,
      tls: { ca: certs.pem('ca.crt'), servername: 'localhost' },
    });
    const second = await anchorAudit(store, key, 'hub');
    await tls.write(second);

    const anchors = await collected(2);
    expect(anchors.map((a) => a.seq)).toEqual([first.seq, second.seq]);
    const options = { anchors, anchorKeys: [hubKeyFrom(key, 'hub')] };
    expect(await verifyAudit(store, options)).toMatchObject({ ok: true });

    // The collector's copy names a truncation the store's writer made afterwards.
    await store.db.deleteFrom('audit_event').where('seq', '=', second.seq).execute();
    const broken = await verifyAudit(store, options);
    expect(broken.ok).toBe(false);
  });

  it('refuses a collector whose certificate is not of the given CA, and keeps anchoring to the other witnesses', async () => {
    const key = await generateSigningKey();
    const rogue = makeTestCertificates();
    try {
      const wrongCa = new SyslogWitness({
        host: '127.0.0.1',
        port: tlsPort,
        tls: { ca: rogue.pem('ca.crt'), servername: 'localhost' },
      });
      await expect(wrongCa.write(await anchorAudit(store, key, 'hub'))).rejects.toThrow();
      const down = new SyslogWitness({ host: '127.0.0.1', port: await freePort(), timeoutMs: 1000 });
      const file = new FileWitness(join(dir, 'local-anchors.jsonl'));
      const errors: unknown[] = [];
      const anchoring = startAuditAnchoring(store, {
        key,
        unit: 'hub',
        witnesses: [down, file],
        onError: (e) => errors.push(e),
        intervalMs: 60_000,
      });
      const anchor = await anchoring.anchorNow();
      await anchoring.stop();
      expect((await file.read()).map((a) => a.seq)).toEqual([anchor.seq]);
      expect(errors.length).toBeGreaterThan(0);
      // Nowhere to write: the anchoring fails loudly.
      const nowhere = startAuditAnchoring(store, { key, unit: 'hub', witnesses: [down], intervalMs: 60_000 });
      await appendAudit(store, [
        { type: 'view', action: 'R', outcome: '0', source: 'hub', agent: { userId: 'x', name: 'x' } },
      ]);
      await expect(nowhere.anchorNow()).rejects.toThrow('any witness');
      await nowhere.stop();
    } finally {
      rogue.dispose();
    }
    expect(readFileSync(received(), 'utf8')).not.toContain('local-anchors');
  });
});
