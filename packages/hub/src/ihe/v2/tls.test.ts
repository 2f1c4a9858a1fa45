import { X509Certificate } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { makeTestCertificates, TEST_ENGINES, type TestCertificates } from '@hie/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubUnderTest } from '../../testing.js';
import { startIheMllp } from './listener.js';
import { jahisAdt, mpiAudit, OTHER, OWN, send, type TlsClient, v2Hub } from './testing.js';

/** An address of this machine that is not loopback, if it has one: a "remote" peer for plain MLLP. */
const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

/**
 * Node authentication on the MLLP listener, written as the attacks: a network certificate nobody
 * registered, another CA's certificate, none at all, a registered system naming another facility, and
 * plain MLLP from another host.
 */
describe.each(TEST_ENGINES)('MLLP node authentication (%s)', (engine) => {
  let certs: TestCertificates;
  let hub: HubUnderTest;
  let listener: { port: number; close(): Promise<void> };
  const client = (name: string | null): TlsClient =>
    ({
      ca: certs.pem('ca.crt'),
      ...(name ? { cert: certs.pem(`${name}.crt`), key: certs.pem(`${name}.key`) } : {}),
    }) as TlsClient;
  const sha256 = (name: string) =>
    new X509Certificate(certs.pem(`${name}.crt`)).fingerprint256.replaceAll(':', '').toLowerCase();

  beforeAll(async () => {
    certs = makeTestCertificates({ clients: ['clinic-system', 'stranger'] });
    hub = await v2Hub(engine);
    await hub.store.db
      .insertInto('hub_node_cert')
      .values({
        fingerprint: sha256('clinic-system'),
        facility_oid: OWN,
        subject: 'CN=clinic-system',
        issuer: 'CN=test CA',
        valid_to: '2099-01-01T00:00:00.000Z',
        registered_at: new Date().toISOString(),
        registered_by: 'office',
      })
      .execute();
    listener = await startIheMllp(hub.deps, {
      host: '127.0.0.1',
      port: 0,
      tls: { key: certs.pem('gateway.key'), cert: certs.pem('gateway.crt'), ca: certs.pem('ca.crt') },
    });
  });
  afterAll(async () => {
    await listener?.close();
    await hub?.dispose();
    certs?.dispose();
  });

  it('answers a registered system’s certificate without a token; MSH-4 must still be its facility', async () => {
    const [ok, forged] = await send(
      listener.port,
      [jahisAdt({ token: null }), jahisAdt({ token: null, msh4: `^${OTHER}^ISO` })],
      client('clinic-system'),
    );
    expect(ok?.code).toBe('AA');
    expect(forged).toMatchObject({ code: 'AR', err: { location: 'MSH^1^4' } });
    const [accepted, refused] = (await mpiAudit(hub)).slice(-2);
    expect(accepted).toMatchObject({
      agent: { facilityOid: OWN },
      detail: { operation: 'ITI-8', transport: 'MLLP/TLS' },
    });
    expect(refused).toMatchObject({ outcome: '4', agent: { facilityOid: OWN }, detail: { ack: 'AR' } });
  });

  it('closes a connection whose certificate of the network CA nobody registered, before any message, audited', async () => {
    expect(await send(listener.port, [jahisAdt()], client('stranger'))).toEqual([]);
    await expect
      .poll(async () =>
        (await mpiAudit(hub)).some(
          (e) => (e.detail as Record<string, string>).certificateSha256 === sha256('stranger'),
        ),
      )
      .toBe(true);
  });

  it('refuses another CA’s certificate and no certificate in the handshake (a token does not help)', async () => {
    for (const who of ['rogue', null]) {
      const answers = await send(listener.port, [jahisAdt()], client(who)).catch(() => []);
      expect(answers, String(who)).toEqual([]);
    }
  });

  it.skipIf(!outsideAddress)(
    'takes plain MLLP only from this machine: another address is closed, audited',
    async () => {
      const plain = await startIheMllp(hub.deps, { host: '0.0.0.0', port: 0 });
      try {
        expect(await send(plain.port, [jahisAdt()], undefined, outsideAddress)).toEqual([]);
        await expect
          .poll(async () =>
            (await mpiAudit(hub)).some(
              (e) =>
                (e.detail as Record<string, string>).outcome === 'tls-required' &&
                (e.agent as Record<string, string>).address?.endsWith(outsideAddress!),
            ),
          )
          .toBe(true);
      } finally {
        await plain.close();
      }
    },
  );
});
