import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  exportPKCS8,
  exportSPKI,
  generateKeyPair,
  importJWK,
  importPKCS8,
  importSPKI,
  type JWK,
} from 'jose';

/** The one signature algorithm of our assertions (JWS `alg`): Ed25519 (RFC 8037). */
export const ASSERTION_ALGORITHM = 'EdDSA';

/** A signer's private key and the key id (`kid`) verifiers look it up by. */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

/**
 * A public key a gateway trusts, and the issuer it speaks for: an assertion whose `iss` differs from
 * its key's issuer is refused, so one trusted signer cannot pose as another.
 */
export interface HubKey {
  kid: string;
  issuer: string;
  publicKey: CryptoKey;
}

export type HubKeys = readonly HubKey[];

/** A fresh Ed25519 key pair; `kid` is the RFC 7638 thumbprint of the public key, so it needs no registry. */
export async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(ASSERTION_ALGORITHM, {
    crv: 'Ed25519',
    extractable: true,
  });
  return { kid: await keyId(publicKey), privateKey, publicKey };
}

export async function keyId(publicKey: CryptoKey): Promise<string> {
  return calculateJwkThumbprint(await exportJWK(publicKey));
}

export const exportPrivateKeyPem = (key: SigningKey): Promise<string> => exportPKCS8(key.privateKey);
export const exportPublicKeyPem = (publicKey: CryptoKey): Promise<string> => exportSPKI(publicKey);

/** The public half as a JWK (with `kid`, `alg`, `use`), e.g. for a JWKS the hub publishes. */
export async function exportPublicJwk(publicKey: CryptoKey): Promise<JWK> {
  return {
    ...(await exportJWK(publicKey)),
    kid: await keyId(publicKey),
    alg: ASSERTION_ALGORITHM,
    use: 'sig',
  };
}

/** Reads a PKCS#8 PEM private key; the public key is derived from it (Ed25519 private JWK carries `x`). */
export async function importSigningKeyPem(pem: string): Promise<SigningKey> {
  const privateKey = await importPKCS8(pem, ASSERTION_ALGORITHM, { extractable: true });
  const { kty, crv, x } = await exportJWK(privateKey);
  const publicKey = (await importJWK({ kty, crv, x }, ASSERTION_ALGORITHM, {
    extractable: true,
  })) as CryptoKey;
  return { kid: await keyId(publicKey), privateKey, publicKey };
}

/** A trusted hub key from an SPKI PEM. */
export async function importHubKeyPem(pem: string, issuer: string): Promise<HubKey> {
  const publicKey = await importSPKI(pem, ASSERTION_ALGORITHM, { extractable: true });
  if (publicKey.algorithm.name !== 'Ed25519') {
    throw new Error(`a trusted hub key must be Ed25519, got ${publicKey.algorithm.name}`);
  }
  return { kid: await keyId(publicKey), issuer, publicKey };
}

/** A trusted hub key from a public JWK; a private JWK is refused so no secret ends up in a trust list. */
export async function importHubKeyJwk(jwk: JWK, issuer: string): Promise<HubKey> {
  if (jwk.d !== undefined) throw new Error('a trusted hub key must be a public JWK (it has "d")');
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') {
    throw new Error(`a trusted hub key must be Ed25519 (kty OKP), got ${jwk.kty}/${jwk.crv ?? '-'}`);
  }
  const publicKey = (await importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x }, ASSERTION_ALGORITHM, {
    extractable: true,
  })) as CryptoKey;
  return { kid: await keyId(publicKey), issuer, publicKey };
}

export const hubKeyFrom = (key: SigningKey, issuer: string): HubKey => ({
  kid: key.kid,
  issuer,
  publicKey: key.publicKey,
});

/**
 * The demo's first-run key: reads `<dir>/<name>.key.pem`, or creates it (mode 0600) with its public
 * `<name>.pub.pem` beside it. Keys are made on the machine, never shipped in the repository.
 */
export async function loadOrCreateSigningKey(
  dir: string,
  name = 'hub-signing',
): Promise<{ key: SigningKey; created: boolean }> {
  const privatePath = join(dir, `${name}.key.pem`);
  try {
    return { key: await importSigningKeyPem(await readFile(privatePath, 'utf8')), created: false };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await mkdir(dir, { recursive: true });
  const key = await generateSigningKey();
  await writeFile(privatePath, await exportPrivateKeyPem(key), { mode: 0o600, flag: 'wx' });
  await chmod(privatePath, 0o600);
  await writeFile(join(dir, `${name}.pub.pem`), await exportPublicKeyPem(key.publicKey));
  return { key, created: true };
}
