import { createPrivateKey, webcrypto } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { loadX509 } from '../auth/hpki/card.js';

/** The hub's SAML signing key and its certificate (PEM), as the IdP metadata publishes it. */
export interface SamlKeys {
  keyPem: string;
  certPem: string;
}

const RSA = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const;

/**
 * The configured key and certificate, or — at the default paths, on first start — a new RSA-2048 key
 * with a self-signed certificate for 10 years (SAML peers pin the certificate from the metadata; no
 * CA is involved). The key file is 0600.
 */
export async function loadOrCreateSamlKeys(
  keyFile: string,
  certFile: string,
  entityId: string,
): Promise<SamlKeys> {
  if (existsSync(keyFile) && existsSync(certFile)) {
    const keyPem = await readFile(keyFile, 'utf8');
    createPrivateKey(keyPem); // refuses a damaged key at start, not at the first login
    return { keyPem, certPem: await readFile(certFile, 'utf8') };
  }
  const x509 = await loadX509();
  const keys = (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const now = new Date();
  const cn = entityId
    .replace(/^https?:\/\//, '')
    .replace(/[,+"\\<>;=]/g, ' ')
    .slice(0, 60);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8)))
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: `CN=${cn} SAML signing`,
    notBefore: now,
    notAfter: new Date(now.getTime() + 3650 * 86_400_000),
    keys,
    signingAlgorithm: RSA,
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  });
  const keyPem = x509.PemConverter.encode(
    await webcrypto.subtle.exportKey('pkcs8', keys.privateKey),
    'PRIVATE KEY',
  );
  const certPem = cert.toString('pem');
  await mkdir(dirname(keyFile), { recursive: true, mode: 0o700 });
  await writeFile(keyFile, keyPem, { mode: 0o600 });
  await writeFile(certFile, certPem);
  return { keyPem, certPem };
}

/** The base64 body of a PEM certificate (what `<ds:X509Certificate>` carries). */
export const certBody = (pem: string): string => pem.replace(/-----[^-]+-----|\s/g, '');
