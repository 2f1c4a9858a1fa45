import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestCertificates, type TestCertificates } from '@hie/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedMessage, overTls } from '../ihe/testing.js';
import { jahisAdt, OWN, send } from '../ihe/v2/testing.js';
import { seedFacility } from '../testing.js';
import { completeHubConfig, hubConfigSchema } from './config.js';
import { type RunningHub, startHub } from './hub.js';

const CLINIC = OWN;

/**
 * The hub with a listener of its own for facility systems (`ihe` in the config): the portal's port serves
 * no IHE endpoint and never asks a browser for a certificate; the systems' port asks every client for one
 * of the network CA and answers a registered system.
 */
describe('a hub with its own listeners for facility systems', () => {
  let certs: TestCertificates;
  let dir: string;
  let hub: RunningHub;

  beforeAll(async () => {
    certs = makeTestCertificates({ clients: ['clinic-system'] });
    dir = await mkdtemp(join(tmpdir(), 'hie-hub-systems-'));
    hub = await startHub(
      completeHubConfig(
        hubConfigSchema.parse({
          dataDir: dir,
          host: '127.0.0.1',
          port: 0,
          logLevel: 'silent',
          tls: { key: certs.path('gateway.key'), cert: certs.path('gateway.crt') },
          ihe: {
            port: 0,
            tls: {
              key: certs.path('gateway.key'),
              cert: certs.path('gateway.crt'),
              clientCa: certs.path('ca.crt'),
            },
            mllp: { port: 0 },
          },
        }),
      ),
      { logger: false },
    );
    await seedFacility(hub.store as never, { oid: CLINIC });
    const certificate = new X509Certificate(certs.pem('clinic-system.crt'));
    await hub.store.db
      .insertInto('hub_node_cert')
      .values({
        fingerprint: certificate.fingerprint256.replaceAll(':', '').toLowerCase(),
        facility_oid: CLINIC,
        subject: certificate.subject,
        issuer: certificate.issuer,
        valid_to: new Date(certificate.validTo).toISOString(),
        registered_at: new Date().toISOString(),
        registered_by: 'test',
      })
      .execute();
  }, 30_000);
  afterAll(async () => {
    await hub?.stop();
    certs?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  const portOf = (url: string) => Number(new URL(url).port);
  /** What `openssl s_client` says of the client certificates the server asks for (async: the server is ours). */
  const certificateRequest = (port: number) =>
    new Promise<string>((resolve, reject) => {
      const child = execFile(
        'openssl',
        ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost'],
        { timeout: 10_000 },
        (error, stdout) => (error && !stdout ? reject(error) : resolve(stdout)),
      );
      child.stdin?.end();
    });
  const post = (port: number, path: string, body: string, client: string | null) =>
    overTls(certs, port, path, body, client);

  it('asks for client certificates on the systems’ port only', async () => {
    expect(hub.systemsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await certificateRequest(hub.port)).toContain('No client certificate CA names sent');
    const systems = await certificateRequest(portOf(hub.systemsUrl ?? ''));
    expect(systems).toContain('Acceptable client certificate CA names');
    expect(systems).not.toContain('No client certificate CA names sent');
  });

  it('serves the IHE endpoints to a registered system there, and not at all on the portal’s port', async () => {
    const feed = feedMessage(CLINIC, 'C-1');
    const answer = await post(portOf(hub.systemsUrl ?? ''), '/ihe/pix', feed, 'clinic-system');
    expect(answer.status, answer.body).toBe(200);
    expect(answer.body).toContain('typeCode code="AA"');
    const without = await post(portOf(hub.systemsUrl ?? ''), '/ihe/pix', feed, null);
    expect(without.status).toBe(401);
    expect(without.body).toContain('hie:client-certificate-required');
    expect((await post(hub.port, '/ihe/pix', feed, 'clinic-system')).status).toBe(404);
  });

  it('takes HL7 v2 (ITI-8) over MLLP with TLS from the same registered system', async () => {
    expect(hub.mllpPort).toBeGreaterThan(0);
    const [answer] = await send(hub.mllpPort ?? 0, [jahisAdt({ token: null })], {
      ca: certs.pem('ca.crt'),
      cert: certs.pem('clinic-system.crt'),
      key: certs.pem('clinic-system.key'),
    });
    expect(answer?.code).toBe('AA');
  });
});
