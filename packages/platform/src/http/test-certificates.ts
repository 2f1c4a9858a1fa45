// Certificates for mutual-TLS tests, made with the openssl CLI: a network CA, a gateway (localhost),
// a hub client, a rogue CA with a client of its own, and any extra clients of the network CA (HL7
// senders). Test support only.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  /** The PEM bytes of `<name>.crt` / `<name>.key` (ca, gateway, hub, rogue-ca, rogue, and the clients). */
  pem(file: string): Buffer;
  /** Where that file is (for configurations that take paths). */
  path(file: string): string;
  dispose(): void;
}

export interface TestCertificateOptions {
  /** More client certificates from the network CA, `<name>.crt` / `<name>.key`, subject CN = name. */
  clients?: readonly string[];
}

export function makeTestCertificates(options: TestCertificateOptions = {}): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'hie-mtls-'));
  const issue = (name: string, subject: string, ca: string | null, ext?: string) => {
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
      ...(ext ? ['-extfile', `${name}.ext`] : []),
    );
  };
  issue('ca', '/CN=HIE test network CA', null);
  issue('gateway', '/CN=localhost', 'ca', 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  issue('hub', '/CN=hub.hie.test', 'ca');
  issue('rogue-ca', '/CN=rogue CA', null);
  issue('rogue', '/CN=hub.hie.test', 'rogue-ca');
  for (const name of options.clients ?? []) issue(name, `/CN=${name}`, 'ca');
  return {
    pem: (file) => readFileSync(join(dir, file)),
    path: (file) => join(dir, file),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
