// A real rsyslogd for tests (Debian's rsyslog + rsyslog-gnutls, installed by .ci/run): plain TCP and RFC 5425
// TLS listeners on free ports, every message's raw text appended to one file. Test support only.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestCertificates } from '../http/test-certificates.js';

const RSYSLOGD = '/usr/sbin/rsyslogd';
/** A developer machine without rsyslog skips these tests; CI never does. */
export const rsyslogAvailable = existsSync(RSYSLOGD);

export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

async function accepting(port: number) {
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
}

export interface TestRsyslog {
  dir: string;
  plainPort: number;
  tlsPort: number;
  /** The file every received message is appended to (one raw RFC 5424 message per line). */
  file: string;
  /** What arrived so far, one message per line. */
  lines(): string[];
  /** Stops the collector (an outage); `start()` brings it back on the same ports. */
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

/** Starts rsyslogd with its server certificate from `certs` (`gateway.crt`, for localhost). */
export async function startTestRsyslog(certs: TestCertificates): Promise<TestRsyslog> {
  const dir = mkdtempSync(join(tmpdir(), 'hie-syslog-'));
  const plainPort = await freePort();
  const tlsPort = await freePort();
  const file = join(dir, 'received.log');
  writeFileSync(
    join(dir, 'rsyslog.conf'),
    [
      `global(workDirectory="${dir}" defaultNetstreamDriverCAFile="${certs.path('ca.crt')}"`,
      `  defaultNetstreamDriverCertFile="${certs.path('gateway.crt')}" defaultNetstreamDriverKeyFile="${certs.path('gateway.key')}"`,
      '  maxMessageSize="256k")',
      'module(load="imtcp" maxSessions="10")',
      `input(type="imtcp" port="${plainPort}" address="127.0.0.1")`,
      `input(type="imtcp" port="${tlsPort}" address="127.0.0.1" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")`,
      'template(name="raw" type="string" string="%rawmsg%\\n")',
      `*.* action(type="omfile" file="${file}" template="raw")`,
    ].join('\n'),
  );
  let process: ChildProcess | null = null;
  const start = async () => {
    process = spawn(RSYSLOGD, ['-n', '-f', join(dir, 'rsyslog.conf'), '-i', join(dir, 'rsyslogd.pid')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await accepting(plainPort);
    await accepting(tlsPort);
  };
  const stop = async () => {
    const running = process;
    process = null;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  };
  await start();
  return {
    dir,
    plainPort,
    tlsPort,
    file,
    lines: () =>
      existsSync(file)
        ? readFileSync(file, 'utf8')
            .split('\n')
            .filter((l) => l !== '')
        : [],
    stop,
    start,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
