import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InboundReceiver, type MllpListener, startMllpListener } from '@hie/gateway';
import {
  makeTestCertificates,
  mllpTlsOn,
  startTestGateway,
  type TestCertificates,
  type TestGateway,
} from '@hie/gateway/testing';
import { generateSigningKey } from '@hie/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Runs the built CLI (`npm test` builds first). Asynchronously: the MLLP listener lives in this process.
const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const samples = fileURLToPath(new URL('../../../../fixtures/samples/ssmix2/', import.meta.url));
const bin = join(repo, 'packages/cli/bin/hie.js');

function hie(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

describe('hie gateway send', () => {
  let dir: string;
  let listener: MllpListener;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hie-cli-send-'));
    listener = await startMllpListener(new InboundReceiver({ storageRoot: join(dir, 'inbound') }), {
      host: '127.0.0.1',
      port: 0,
    });
  });
  afterAll(async () => {
    await listener.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends each file and prints its ACK; exit 0 when all are accepted', async () => {
    const files = filesUnder(join(samples, 'nho')).slice(0, 5);
    const r = await hie('gateway', 'send', ...files, '--port', String(listener.port));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines.map((line) => line.split('\t').slice(0, 2))).toEqual(files.map((f) => [f, 'AA']));
    expect(filesUnder(join(dir, 'inbound'))).toHaveLength(5);
  });

  it('prints the ERR location of a refused message and exits 1; exit 2 for a missing file', async () => {
    const bad = join(dir, 'no-pid.hl7');
    writeFileSync(bad, 'MSH|^~\\&|HIS|H|GW|G|20240101120000||ADT^A08^ADT_A01|X1|P|2.5\rEVN||20240101\r');
    const r = await hie('gateway', 'send', bad, '--port', String(listener.port), '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      file: bad,
      ack: 'AE',
      controlId: 'X1',
      error: expect.stringMatching(/^PID\^3 101 /),
    });
    expect((await hie('gateway', 'send', join(dir, 'missing'), '--port', String(listener.port))).code).toBe(
      2,
    );
    expect((await hie('gateway', 'send', bad)).code).toBe(2);
  });
});

describe('hie gateway send over TLS', () => {
  // A real gateway with MLLP over TLS: 'lab-system' registered by its certificate's fingerprint,
  // 'clinic' holding a certificate of the same network CA that no sender registered.
  let certs: TestCertificates;
  let running: TestGateway;
  let tlsPort: number;
  beforeAll(async () => {
    certs = makeTestCertificates({ clients: ['lab-system', 'clinic'] });
    const fingerprint = new X509Certificate(certs.pem('lab-system.crt')).fingerprint256;
    running = await startTestGateway('sqlite', await generateSigningKey(), {
      mllp: { port: 0, tls: mllpTlsOn(certs) },
      // The NHO samples name their sending facility 'SEND'.
      inbound: { senders: [{ id: 'lab-system', facilities: ['SEND'], certificates: [fingerprint] }] },
    });
    tlsPort = running.gateway.mllpTlsPort!;
  });
  afterAll(async () => {
    await running?.dispose();
    certs?.dispose();
  });

  const lab = () => filesUnder(join(samples, 'nho')).find((f) => f.includes('/OML-11/'))!;
  /** `hie gateway send <lab result> --port <the TLS port> …`. */
  const sendLab = (...options: string[]) =>
    hie('gateway', 'send', lab(), '--port', String(tlsPort), ...options);
  /** As this client of the network CA, trusting `ca` for the gateway's certificate. */
  const as = (client: string, ca = 'ca.crt') => [
    '--tls-ca',
    certs.path(ca),
    '--tls-cert',
    certs.path(`${client}.crt`),
    '--tls-key',
    certs.path(`${client}.key`),
  ];

  it('sends with the registered client certificate: AA, filed and audited as that sender', async () => {
    const r = await sendLab(...as('lab-system'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\t').slice(0, 2)).toEqual([lab(), 'AA']);
    const audited = await running.gateway.store.db
      .selectFrom('audit_event')
      .select(['outcome', 'user_id'])
      .where('type', '=', 'inbound')
      .execute();
    expect(audited).toEqual([{ outcome: '0', user_id: 'sender:lab-system' }]);
    // The gateway's certificate names localhost too: --servername when --host is not that name.
    expect((await sendLab(...as('lab-system'), '--servername', 'localhost')).code).toBe(0);
  });

  it('exits 1 when the gateway refuses: a certificate no sender registered, or plain MLLP on the TLS port', async () => {
    const clinic = await sendLab(...as('clinic'));
    expect(clinic.code).toBe(1);
    expect(clinic.stdout).toMatch(/\tNO ACK\t/);
    expect((await sendLab('--timeout', '5000')).code).toBe(1);
    // A gateway certificate that does not chain to --tls-ca: not reached at all.
    const stranger = await sendLab(...as('lab-system', 'rogue-ca.crt'));
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toMatch(/cannot reach 127\.0\.0\.1:\d+ over TLS/);
  });

  it('exits 2 for a certificate without its key, a file that is not there, or --servername without TLS', async () => {
    const noKey = await sendLab('--tls-cert', certs.path('lab-system.crt'));
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('--tls-cert and --tls-key go together');
    const missing = await sendLab('--tls-ca', certs.path('none.crt'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read that file');
    expect((await sendLab('--servername', 'localhost')).code).toBe(2);
  });
});

describe('hie gateway reindex and status', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hie-cli-status-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const facility = ['--facility', '3319800011', '--name', '岡山大学病院'];

  it('rebuilds from storage, then reports counts by data type and category with exit 0', async () => {
    const db = `sqlite:${join(dir, 'ok.db')}`;
    const reindex = await hie(
      'gateway',
      'reindex',
      '--db',
      db,
      '--storage',
      join(samples, 'nho'),
      ...facility,
    );
    expect(reindex.stderr).toBe('');
    expect(reindex.code).toBe(0);
    expect(reindex.stdout).toMatch(/19 files, 19 ingested/);
    const status = await hie('gateway', 'status', '--db', db, '--json');
    expect(status.code).toBe(0);
    const json = JSON.parse(status.stdout);
    expect(json.files.total).toBe(19);
    expect(json.files.byDataType['OML-11']).toBe(1);
    expect(json.resources.byCategory['lab-result']).toBeGreaterThan(0);
    expect(json.errors).toEqual([]);
    const text = await hie('gateway', 'status', '--db', db);
    expect(text.stdout).toMatch(/^OML-11\s+1$/m);
    expect(text.stdout).toMatch(/^lab-result\s+\d+$/m);
    expect(text.stdout).toContain('no ingest errors');
    expect(json.directory).toEqual({ entries: 0, updatedAt: null, feedTokenFromHub: false });
    expect(text.stdout).toContain('network directory: none pushed by the hub yet');
  });

  it('lists the files that failed with position and reason, and exits 1', async () => {
    const db = `sqlite:${join(dir, 'broken.db')}`;
    const reindex = await hie(
      'gateway',
      'reindex',
      '--db',
      db,
      '--storage',
      join(samples, 'nho-broken'),
      ...facility,
    );
    expect(reindex.code).toBe(1);
    const status = await hie('gateway', 'status', '--db', db);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/file\(s\) not ingested \(file, position, reason\):/);
    expect(status.stdout).toMatch(/ADT-31\/\S+ .*: .*first seen .*last tried/);
  });

  it('exits 2 for a store that does not exist and for a bad facility code', async () => {
    expect((await hie('gateway', 'status', '--db', join(dir, 'nothing.db'))).code).toBe(2);
    const bad = await hie(
      'gateway',
      'reindex',
      '--db',
      `sqlite:${join(dir, 'x.db')}`,
      '--facility',
      '12',
      '--name',
      'x',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('facility.institutionCode');
  });
});

describe('hie gateway (run)', () => {
  let child: ChildProcess | undefined;
  let dir: string;
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs in the foreground, takes MLLP, and stops cleanly on SIGTERM', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hie-cli-run-'));
    const proc = spawn(
      process.execPath,
      [
        bin,
        'gateway',
        '--storage',
        join(samples, 'nho'),
        '--data-dir',
        dir,
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--mllp-port',
        '0',
        '--facility',
        '3319800011',
        '--name',
        '岡山大学病院',
        // The NHO samples name their sending facility 'SEND'.
        '--local-facility-ids',
        'SEND',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    let log = '';
    const running = await new Promise<{ api: string; mllpPort: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${log}`)), 30_000);
      proc.stdout?.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        for (const line of log.split('\n')) {
          if (!line.includes('gateway running')) continue;
          clearTimeout(timer);
          const entry = JSON.parse(line) as { api: string; mllpPort: number };
          resolve(entry);
        }
      });
      proc.stderr?.on('data', (chunk: Buffer) => {
        log += chunk.toString();
      });
      proc.once('exit', (code) => reject(new Error(`gateway exited ${code}:\n${log}`)));
    });
    expect((await fetch(`${running.api}/health`)).status).toBe(200);
    const lab = filesUnder(join(samples, 'nho')).find((f) => f.includes('/OML-11/'))!;
    const sent = await hie('gateway', 'send', lab, '--port', String(running.mllpPort));
    expect(sent.stdout).toContain('\tAA\t');
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    child = undefined;
    expect(log).toContain('stopping the gateway');
    expect(log).toContain('created a new audit signing key for this gateway');

    // Its audit chain was anchored at the stop with its own key: the auditor's check finds it intact.
    const verified = await hie('gateway', 'audit-verify', '--data-dir', dir);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^audit chain intact: 1 events, 1 anchor \(/);

    // The store remembers its facility and holds the received message beside the hospital's files.
    const status = await hie('gateway', 'status', '--data-dir', dir, '--json');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).files.total).toBe(20);
    const reindex = await hie('gateway', 'reindex', '--data-dir', dir, '--storage', join(samples, 'nho'));
    expect(reindex.stderr).toBe('');
    expect(reindex.stdout).toMatch(/20 files, 20 ingested/);
  });
});
