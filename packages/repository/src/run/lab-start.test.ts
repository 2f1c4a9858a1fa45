import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { frameMllp, MllpDeframer, parseHl7 } from '@hie/hl7v2';
import { openStore } from '@hie/platform';
import { makeTestCertificates, type TestCertificates } from '@hie/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nhoForClinic } from '../intake/lab/testing.js';
import { migrateRepositoryStore } from '../store/migrations.js';
import type { RepositorySchema } from '../store/schema.js';
import { TenantRegistry } from '../tenants/registry.js';
import { addSenderCertificate } from '../tenants/senders.js';
import { repositoryConfigSchema, resolveRepositoryConfig } from './config.js';
import { type RunningRepository, startRepository } from './start.js';
import { seedLabClinic } from './testing.js';

/** The configured lab doors start with the repository and stop with it. */
describe('a running repository’s lab doors (labMllp, labDrop)', () => {
  let dir: string;
  let certs: TestCertificates;
  let running: RunningRepository | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hie-lab-start-'));
    certs = makeTestCertificates({ clients: ['kensa'] });
  });
  afterAll(async () => {
    await running?.stop();
    certs.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes a dropped file and an MLLP/TLS message, and closes the port on stop', async () => {
    const db = `sqlite:${join(dir, 'data', 'repository.db')}`;
    mkdirSync(join(dir, 'data'));
    const store = await openStore<RepositorySchema>(db);
    let senderId: string;
    try {
      await migrateRepositoryStore(store);
      const { lab } = await seedLabClinic(store, await TenantRegistry.open(store));
      await addSenderCertificate(store, lab.id, new X509Certificate(certs.pem('kensa.crt')).fingerprint256);
      senderId = lab.id;
    } finally {
      await store.close();
    }
    const drop = join(dir, 'drop');
    mkdirSync(drop);
    const config = resolveRepositoryConfig(
      repositoryConfigSchema.parse({
        dataDir: join(dir, 'data'),
        host: '127.0.0.1',
        port: 0,
        logLevel: 'silent',
        labMllp: {
          host: '127.0.0.1',
          port: 0,
          key: certs.path('gateway.key'),
          cert: certs.path('gateway.crt'),
          ca: certs.path('ca.crt'),
        },
        labDrop: [{ dir: drop, sender: senderId, intervalMs: 100 }],
      }),
    );
    running = await startRepository(config, { logger: false });
    const port = running.labMllpPort!;
    expect(port).toBeGreaterThan(0);

    writeFileSync(join(drop, 'kensa.hl7'), nhoForClinic());
    await expect.poll(() => existsSync(join(drop, 'done', 'kensa.hl7')), { timeout: 5000 }).toBe(true);

    expect(await sendOne(port)).toBe('AA');
    await running.stop();
    running = undefined;
    await expect(sendOne(port)).rejects.toThrow();
  });

  /** One message over MLLP/TLS as the registered lab centre: its MSA-1. */
  function sendOne(port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(
        {
          host: '127.0.0.1',
          port,
          ca: certs.pem('ca.crt'),
          cert: certs.pem('kensa.crt'),
          key: certs.pem('kensa.key'),
          servername: 'localhost',
        },
        () => socket.write(frameMllp(nhoForClinic())),
      );
      const deframer = new MllpDeframer();
      socket.on('data', (chunk: Buffer) => {
        for (const e of deframer.push(chunk)) {
          if (e.type !== 'frame') continue;
          const ack = parseHl7(e.frame);
          resolve(ack.ok ? (ack.message.get('MSA-1') ?? '') : 'unreadable');
          socket.end();
        }
      });
      socket.on('error', reject);
      socket.on('close', () => reject(new Error('closed without an ACK')));
    });
  }
});
