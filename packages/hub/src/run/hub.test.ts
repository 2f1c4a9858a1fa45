import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  makeTestCertificates,
  rsyslogAvailable,
  startTestRsyslog,
  type TestCertificates,
  type TestRsyslog,
} from '@hie/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeHubConfig, hubConfigSchema } from './config.js';
import { type RunningHub, startHub } from './hub.js';

describe.skipIf(!rsyslogAvailable && !process.env.CI)('a hub configured with an ATNA repository', () => {
  let certs: TestCertificates;
  let rsyslog: TestRsyslog;
  let dir: string;
  let hub: RunningHub;

  beforeAll(async () => {
    certs = makeTestCertificates();
    rsyslog = await startTestRsyslog(certs);
    dir = await mkdtemp(join(tmpdir(), 'hie-hub-atna-'));
    hub = await startHub(
      completeHubConfig(
        hubConfigSchema.parse({
          dataDir: dir,
          host: '127.0.0.1',
          port: 0,
          secureCookies: false,
          logLevel: 'silent',
          atna: {
            host: '127.0.0.1',
            port: rsyslog.tlsPort,
            tls: { ca: certs.path('ca.crt'), servername: 'localhost' },
          },
        }),
      ),
      { logger: false },
    );
  }, 30_000);
  afterAll(async () => {
    await hub?.stop();
    await rsyslog?.dispose();
    certs?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends its audit events (here a refused login) to the repository as DICOM audit messages', async () => {
    const refused = await fetch(`${hub.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ loginId: 'nobody', password: 'wrong-password-123' }),
    });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    let lines: string[] = [];
    for (let i = 0; i < 100; i++) {
      lines = rsyslog.lines().filter((l) => l.includes('csd-code="110114"'));
      if (lines.length > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('IHE+RFC-3881');
    expect(lines[0]).toContain('EventOutcomeIndicator="4"');
    expect(lines[0]).toContain('AuditSourceID="hub"');
  });
});
