import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { certificatePin, httpsServerOptions } from '@hie/platform';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/hie.js', import.meta.url));
const hie = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

describe('hie ca and hie tls pin', () => {
  it('makes a network CA and certificates that mutual TLS accepts, and prints their pins', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hie-ca-'));
    const ca = join(dir, 'ca');
    expect(hie(['ca', 'init', '--dir', ca, '--name', '晴れやかネット CA']).status).toBe(0);
    expect(statSync(join(ca, 'ca.key')).mode & 0o777).toBe(0o600);
    expect(hie(['ca', 'init', '--dir', ca]).status).toBe(2);

    const server = hie([
      'ca',
      'issue',
      '--dir',
      ca,
      '--name',
      'localhost',
      '--role',
      'server',
      '--host',
      'localhost',
      '127.0.0.1',
      '--out',
      join(dir, 'gateway'),
    ]);
    expect(server.status, server.stderr).toBe(0);
    const pin = server.stdout.trim();
    expect(pin).toMatch(/^sha256\/[A-Za-z0-9+/]{43}=$/);
    const client = hie([
      'ca',
      'issue',
      '--dir',
      ca,
      '--name',
      'hub',
      '--role',
      'client',
      '--out',
      join(dir, 'hub'),
    ]);
    expect(client.status, client.stderr).toBe(0);
    expect(
      hie(['ca', 'issue', '--dir', ca, '--name', 'x', '--role', 'server', '--out', join(dir, 'x')]).status,
    ).toBe(2);

    const pem = (name: string) => readFileSync(join(dir, name));
    expect(certificatePin(pem('gateway.crt'))).toBe(pin);
    expect(hie(['tls', 'pin', '--cert', join(dir, 'gateway.crt')]).stdout.trim()).toBe(pin);
    // openssl agrees the chain is right, for each purpose.
    const verify = (purpose: string, file: string) =>
      spawnSync('openssl', ['verify', '-purpose', purpose, '-CAfile', join(ca, 'ca.crt'), join(dir, file)])
        .status;
    expect(verify('sslserver', 'gateway.crt')).toBe(0);
    expect(verify('sslclient', 'hub.crt')).toBe(0);
    expect(verify('sslserver', 'hub.crt')).not.toBe(0);

    // A real mutual-TLS exchange with them.
    const listener = createServer(
      httpsServerOptions({
        key: pem('gateway.key'),
        cert: pem('gateway.crt'),
        ca: readFileSync(join(ca, 'ca.crt')),
      }),
      (_q, r) => r.end('ok'),
    );
    await new Promise<void>((done) => listener.listen(0, '127.0.0.1', done));
    const port = (listener.address() as AddressInfo).port;
    const get = (withCert: boolean) =>
      new Promise<string>((done) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            ca: readFileSync(join(ca, 'ca.crt')),
            ...(withCert ? { cert: pem('hub.crt'), key: pem('hub.key') } : {}),
          },
          (res) => {
            res.resume();
            done(String(res.statusCode));
          },
        );
        req.on('error', (e) => done(`refused: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
        req.end();
      });
    expect(await get(true)).toBe('200');
    expect(await get(false)).toMatch(/^refused/);
    await new Promise((done) => listener.close(done));

    // What a running server presents (a child process: this one must stay free to answer).
    const plain = createServer({ key: pem('gateway.key'), cert: pem('gateway.crt') }, (_q, r) => r.end());
    await new Promise<void>((done) => plain.listen(0, '127.0.0.1', done));
    const url = `https://127.0.0.1:${(plain.address() as AddressInfo).port}`;
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'tls', 'pin', '--url', url]);
    expect(stdout.trim()).toBe(pin);
    await new Promise((done) => plain.close(done));
  });

  it('refuses usage errors with exit 2', () => {
    expect(hie(['tls', 'pin']).status).toBe(2);
    expect(
      hie(['ca', 'issue', '--dir', '/nonexistent', '--name', 'a', '--role', 'client', '--out', '/tmp/x'])
        .status,
    ).toBe(2);
    expect(
      hie(['ca', 'issue', '--dir', '/nonexistent', '--name', 'a', '--role', 'peer', '--out', '/tmp/x'])
        .status,
    ).toBe(2);
  });
});
