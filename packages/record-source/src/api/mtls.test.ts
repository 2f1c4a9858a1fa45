import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCertificates, type TestCertificates } from '../testing/certificates.js';
import { TEST_ENGINES } from '../testing/store.js';
import { type GatewayUnderTest, gatewayUnderTest } from './test-kit.js';

let certs: TestCertificates;
const pem = (name: string) => certs.pem(name);
beforeAll(() => {
  certs = makeTestCertificates();
});
afterAll(() => certs.dispose());

function get(port: number, client: { key: Buffer; cert: Buffer } | null): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/fhir/metadata',
        ca: pem('ca.crt'),
        servername: 'localhost',
        ...client,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe.each(TEST_ENGINES)('mutual TLS on %s', (engine) => {
  let gw: GatewayUnderTest;
  afterEach(async () => gw?.dispose());

  it('answers a client with a certificate from the network CA and refuses any other', async () => {
    gw = await gatewayUnderTest(engine, [], {
      tls: { key: pem('gateway.key'), cert: pem('gateway.crt'), ca: pem('ca.crt') },
    });
    await gw.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = gw.app.server.address() as AddressInfo;
    expect(await get(port, { key: pem('hub.key'), cert: pem('hub.crt') })).toBe(200);
    await expect(get(port, null)).rejects.toThrow();
    await expect(get(port, { key: pem('rogue.key'), cert: pem('rogue.crt') })).rejects.toThrow();
  });
});
