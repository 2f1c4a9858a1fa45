// A real PACS for tests: Orthanc with its DICOMweb plugin (Debian's `orthanc`, `orthanc-dicomweb`),
// started headless as its own process — never linked into ours (GPL) — on a free loopback port, with
// its storage in a temporary folder, HTTP Basic on, and the DICOM (C-STORE) listener off. Test support.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BINARIES = ['/usr/sbin/Orthanc', '/usr/bin/Orthanc', '/usr/local/bin/Orthanc'];
const PLUGINS = [
  '/usr/share/orthanc/plugins/libOrthancDicomWeb.so',
  '/usr/lib/orthanc/plugins/libOrthancDicomWeb.so',
  '/usr/local/share/orthanc/plugins/libOrthancDicomWeb.so',
];

/** Where Orthanc and its DICOMweb plugin are installed (ORTHANC_BINARY / ORTHANC_DICOMWEB_PLUGIN win), or null. */
export function orthancInstallation(): { binary: string; plugin: string } | null {
  const binary = [process.env.ORTHANC_BINARY ?? '', ...BINARIES].find((p) => p && existsSync(p));
  const plugin = [process.env.ORTHANC_DICOMWEB_PLUGIN ?? '', ...PLUGINS].find((p) => p && existsSync(p));
  return binary && plugin ? { binary, plugin } : null;
}

/**
 * Whether the Orthanc tests run here. Under CI a missing Orthanc is a failure (the tests must not pass
 * by skipping); elsewhere they are skipped with a message saying what to install.
 */
export function orthancForTests(): boolean {
  if (orthancInstallation()) return true;
  const message =
    'Orthanc with its DICOMweb plugin is not installed (apt-get install orthanc orthanc-dicomweb): ' +
    'the PACS tests cannot run';
  if (process.env.CI) throw new Error(message);
  console.warn(`${message}; skipped.`);
  return false;
}

export interface OrthancUnderTest {
  /** The DICOMweb root the gateway is configured with. */
  readonly dicomweb: string;
  /** Orthanc's own REST root (uploads, deletes). */
  readonly rest: string;
  readonly username: string;
  readonly password: string;
  /** Stores DICOM Part 10 files (POST /instances); rejects naming a file Orthanc refused. */
  upload(files: readonly Uint8Array[]): Promise<void>;
  /** Deletes a study (every patient's copy of its UID) through Orthanc's REST API. */
  deleteStudy(studyUid: string): Promise<void>;
  /** Freezes the process (SIGSTOP): connections are accepted by the kernel, nothing answers. */
  pause(): void;
  resume(): void;
  /** Stops the process (the storage stays); `start` starts it again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  dispose(): Promise<void>;
}

/** A free TCP port on the loopback interface (bound, read, released). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startOrthanc(): Promise<OrthancUnderTest> {
  const installed = orthancInstallation();
  if (!installed) throw new Error('Orthanc with its DICOMweb plugin is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'hie-orthanc-'));
  const username = 'hie-gateway';
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const port = await freePort();
  const configFile = join(dir, 'orthanc.json');
  const logFile = join(dir, 'orthanc.log');
  // Orthanc 1.10 configuration keys; DicomWeb.* are the plugin's (1.7).
  writeFileSync(
    configFile,
    JSON.stringify(
      {
        Name: 'hie-test-pacs',
        StorageDirectory: join(dir, 'storage'),
        IndexDirectory: join(dir, 'storage'),
        HttpPort: port,
        RemoteAccessAllowed: false,
        AuthenticationEnabled: true,
        RegisteredUsers: { [username]: password },
        DicomServerEnabled: false,
        HttpDescribeErrors: true,
        SaveJobs: false,
        StorageCompression: false,
        Plugins: [installed.plugin],
        DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: false, StudiesMetadata: 'Full' },
      },
      null,
      2,
    ),
  );
  const rest = `http://127.0.0.1:${port}`;
  const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    const log = openSync(logFile, 'a');
    const proc = spawn(installed.binary, [configFile], { stdio: ['ignore', log, log] });
    closeSync(log);
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null)
        throw new Error(`Orthanc exited at start (${proc.exitCode ?? proc.signalCode}):\n${tail(logFile)}`);
      const ok = await fetch(`${rest}/system`, { headers: { authorization } })
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) return;
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`Orthanc did not answer within 30 s:\n${tail(logFile)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const stop = async () => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGCONT');
    proc.kill('SIGTERM');
    const killed = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killed);
  };
  // A test process that dies without its afterAll must not leave a PACS running.
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);
  await start().catch((e: unknown) => {
    process.off('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  });

  return {
    dicomweb: `${rest}/dicom-web`,
    rest,
    username,
    password,
    async upload(files) {
      for (const [i, bytes] of files.entries()) {
        const r = await fetch(`${rest}/instances`, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/dicom' },
          body: bytes,
        });
        if (!r.ok) throw new Error(`Orthanc refused file ${i}: ${r.status} ${await r.text()}`);
      }
    },
    async deleteStudy(studyUid) {
      const found = await fetch(`${rest}/tools/lookup`, {
        method: 'POST',
        headers: { authorization },
        body: studyUid,
      });
      for (const hit of (await found.json()) as { Type: string; Path: string }[])
        if (hit.Type === 'Study')
          await fetch(`${rest}${hit.Path}`, { method: 'DELETE', headers: { authorization } });
    },
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    stop,
    start,
    async dispose() {
      await stop();
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function tail(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
}
