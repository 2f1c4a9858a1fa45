import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCertificates, type TestCertificates } from '../http/test-certificates.js';
import { createTestStore, type TestStore } from '../store/testing.js';
import { generateSigningKey, hubKeyFrom } from '../trust/keys.js';
import { anchorAudit, FileWitness, startAuditAnchoring } from './anchor.js';
import { appendAudit } from './chain.js';
import { AUDIT_MIGRATIONS } from './migration.js';
import { freePort, rsyslogAvailable, startTestRsyslog, type TestRsyslog } from './rsyslog-testing.js';
import type { AuditSchema } from './schema.js';
import { SyslogWitness, syslogAnchorMessage } from './syslog-witness.js';
import { verifyAudit } from './verify.js';

describe.skipIf(!rsyslogAvailable && !process.env.CI)('the syslog witness, against a real rsyslogd', () => {
  let certs: TestCertificates;
  let rsyslog: TestRsyslog;
  let plainPort: number;
  let tlsPort: number;
  let store: TestStore<AuditSchema>;
  let dir: string;
  const received = () => rsyslog.file;

  beforeAll(async () => {
    certs = makeTestCertificates();
    rsyslog = await startTestRsyslog(certs);
    ({ plainPort, tlsPort, dir } = rsyslog);
    store = await createTestStore<AuditSchema>('sqlite', AUDIT_MIGRATIONS);
  }, 30_000);

  afterAll(async () => {
    await rsyslog?.dispose();
    await store?.dispose();
    certs?.dispose();
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
