import { randomBytes, webcrypto } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { connect } from 'node:tls';
import { certificatePin } from '@hie/platform';
import type * as X509 from '@peculiar/x509';
import type { Command } from 'commander';
import { UsageError } from '../usage-error.js';

/**
 * @peculiar/x509, loaded only by these commands (it needs the reflect-metadata polyfill first, and
 * every other `hie` command starts faster without it).
 */
let x509: typeof X509;
async function loadX509(): Promise<void> {
  if (x509) return;
  await import('reflect-metadata');
  x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
}

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

interface InitFlags {
  dir: string;
  name: string;
  days: string;
}
interface IssueFlags {
  dir: string;
  name: string;
  role: 'server' | 'client';
  host: string[];
  days: string;
  out: string;
}

/**
 * `hie ca init | issue` and `hie tls pin`: the network's own CA for mutual TLS between hub and
 * gateways (and MLLP senders), certificates for each unit, and the pin of a unit's key that the
 * directory stores (a gateway URL and pin change only by two people: office proposes, facility confirms).
 * Rotation is issuing a new certificate: same CA, new key, new pin — propose the new pin, confirm, swap.
 */
export function registerCaCommands(program: Command): void {
  const ca = program.command('ca').description('The network CA for mutual TLS (hub ↔ gateways, senders)');
  ca.command('init')
    .description('Create the network CA (ca.crt, ca.key mode 0600) in a new folder')
    .requiredOption('--dir <folder>', 'where the CA lives (kept offline by the network office)')
    .option('--name <cn>', 'the CA’s common name', 'HIE network CA')
    .option('--days <n>', 'validity in days', '3650')
    .action(async (flags: InitFlags) => {
      await loadX509();
      const dir = resolve(flags.dir);
      if (existsSync(join(dir, 'ca.key'))) throw new UsageError(`${dir} already holds a CA (ca.key)`);
      const days = positive(flags.days, '--days');
      const keys = await generateKeys();
      const now = new Date();
      const certificate = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: serial(),
        name: `CN=${escapeDn(flags.name)}`,
        notBefore: now,
        notAfter: new Date(now.getTime() + days * DAY),
        keys,
        signingAlgorithm: ALGORITHM,
        extensions: [
          new x509.BasicConstraintsExtension(true, 0, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        ],
      });
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFile(join(dir, 'ca.crt'), certificate.toString('pem'));
      await writeFile(join(dir, 'ca.key'), await privateKeyPem(keys.privateKey), { mode: 0o600 });
      process.stdout.write(`${join(dir, 'ca.crt')}\n`);
    });

  ca.command('issue')
    .description('Issue a server (gateway) or client (hub, sender) certificate; prints its pin')
    .requiredOption('--dir <folder>', 'the CA folder (hie ca init)')
    .requiredOption('--name <cn>', 'the common name (a host name for a server)')
    .requiredOption('--role <role>', 'server | client')
    .requiredOption('--out <prefix>', 'writes <prefix>.crt and <prefix>.key (mode 0600)')
    .option('--host <name...>', 'DNS names or IP addresses the server answers on (server role)', [])
    .option('--days <n>', 'validity in days (browsers accept 397 at most for servers)', '397')
    .action(async (flags: IssueFlags) => {
      await loadX509();
      if (flags.role !== 'server' && flags.role !== 'client') {
        throw new UsageError('--role is server or client');
      }
      if (flags.role === 'server' && flags.host.length === 0) {
        throw new UsageError('a server certificate needs at least one --host');
      }
      const days = positive(flags.days, '--days');
      const dir = resolve(flags.dir);
      let caCert: X509.X509Certificate;
      let caKey: CryptoKey;
      try {
        caCert = new x509.X509Certificate(await readFile(join(dir, 'ca.crt'), 'utf8'));
        caKey = await importPrivateKey(await readFile(join(dir, 'ca.key'), 'utf8'));
      } catch (error) {
        throw new UsageError(`cannot read the CA in ${dir}: ${(error as Error).message}`);
      }
      const keys = await generateKeys();
      const now = new Date();
      const certificate = await x509.X509CertificateGenerator.create({
        serialNumber: serial(),
        subject: `CN=${escapeDn(flags.name)}`,
        issuer: caCert.subject,
        notBefore: now,
        notAfter: new Date(Math.min(now.getTime() + days * DAY, caCert.notAfter.getTime())),
        publicKey: keys.publicKey,
        signingKey: caKey,
        signingAlgorithm: ALGORITHM,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension(
            [flags.role === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth],
            false,
          ),
          ...(flags.host.length > 0
            ? [
                new x509.SubjectAlternativeNameExtension(
                  flags.host.map((h) => ({ type: isIP(h) ? ('ip' as const) : ('dns' as const), value: h })),
                ),
              ]
            : []),
          await x509.AuthorityKeyIdentifierExtension.create(caCert),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        ],
      });
      const pem = certificate.toString('pem');
      await writeFile(`${flags.out}.crt`, pem);
      await writeFile(`${flags.out}.key`, await privateKeyPem(keys.privateKey), { mode: 0o600 });
      process.stdout.write(`${certificatePin(pem)}\n`);
      process.stderr.write(
        `${flags.out}.crt, ${flags.out}.key written; the line above is its pin (hie tls pin)\n`,
      );
    });

  const tls = program.command('tls').description('TLS helpers');
  tls
    .command('pin')
    .description(
      'Print the pin (sha256/<base64 SPKI digest>) of a certificate file, or of what a server presents',
    )
    .option('--cert <file>', 'a certificate (PEM or DER)')
    .option('--url <https-url>', 'a server: the certificate it presents (not trusted: compare out of band)')
    .action(async (flags: { cert?: string; url?: string }) => {
      if ((flags.cert === undefined) === (flags.url === undefined)) {
        throw new UsageError('give --cert or --url');
      }
      const der = flags.cert ? await readFile(flags.cert) : await presentedCertificate(flags.url!);
      process.stdout.write(`${certificatePin(der)}\n`);
    });
}

function positive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive whole number`);
  return n;
}

const serial = () =>
  randomBytes(16)
    .toString('hex')
    .replace(/^[89a-f]/, '1');
const escapeDn = (value: string) => value.replace(/([,+"\\<>;=])/g, '\\$1');

async function generateKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decodeFirst(pem);
  return webcrypto.subtle.importKey('pkcs8', der, ALGORITHM, false, ['sign']) as Promise<CryptoKey>;
}

function presentedCertificate(url: string): Promise<Buffer> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new UsageError(`${url} is not a URL`);
  }
  if (target.protocol !== 'https:') throw new UsageError('--url must be https');
  return new Promise((done, fail) => {
    const socket = connect(
      {
        host: target.hostname,
        port: Number(target.port || 443),
        servername: isIP(target.hostname) ? undefined : target.hostname,
        // Only to read what it presents; the pin is compared out of band before anyone confirms it.
        rejectUnauthorized: false,
      },
      () => {
        const raw = socket.getPeerCertificate().raw;
        socket.end();
        if (raw) done(raw);
        else fail(new Error('the server presented no certificate'));
      },
    );
    socket.on('error', fail);
  });
}
