import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ENGINES } from '../testing/store.js';
import { type GatewayUnderTest, gatewayUnderTest } from './test-kit.js';

/** Certificates made for the test with the openssl CLI: a CA, the gateway, a hub client, a rogue client. */
let dir: string;
const pem = (name: string) => readFileSync(join(dir, name));
function issue(name: string, subject: string, ca: string | null, ext?: string): void {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const keyArgs = [
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    `${name}.key`,
  ];
  if (ca === null) {
    openssl('req', '-x509', ...keyArgs, '-out', `${name}.crt`, '-subj', subject, '-days', '1');
    return;
  }
  openssl('req', ...keyArgs, '-out', `${name}.csr`, '-subj', subject);
  const extArgs = ext ? ['-extfile', `${name}.ext`] : [];
  if (ext) writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    '1',
    ...extArgs,
  );
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hie-mtls-'));
  issue('ca', '/CN=HIE test network CA', null);
  issue('gateway', '/CN=localhost', 'ca', 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  issue('hub', '/CN=hub.hie.test', 'ca');
  issue('rogue-ca', '/CN=rogue CA', null);
  issue('rogue', '/CN=hub.hie.test', 'rogue-ca');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
