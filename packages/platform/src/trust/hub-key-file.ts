import { readFile } from 'node:fs/promises';
import type { JWK } from 'jose';
import { type HubKey, importHubKeyJwk, importHubKeyPem } from './keys.js';

/** A trust-list entry of the `{ keys: [...] }` file form. */
interface KeyEntry {
  issuer?: string;
  iss?: string;
  jwk?: JWK;
  pem?: string;
}

/**
 * the hub public keys a disclosing unit (gateway, repository) trusts, from one file: an SPKI PEM (one or several keys, each
 * for `defaultIssuer`), a JWKS (`{keys:[jwk…]}`, a key's own `iss` member wins), or
 * `{keys:[{issuer, jwk | pem}]}`. Private keys are refused.
 */
export async function loadHubKeys(file: string, defaultIssuer: string): Promise<HubKey[]> {
  const text = await readFile(file, 'utf8');
  // JSON first: a `{keys:[{pem}]}` file contains PEM text too.
  if (!text.trimStart().startsWith('{')) {
    if (text.includes('PRIVATE KEY'))
      throw new Error(`${file}: holds a private key; give the hub's public key`);
    const pems = text.match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g) ?? [];
    if (pems.length === 0) throw new Error(`${file}: no PUBLIC KEY block`);
    return Promise.all(pems.map((pem) => importHubKeyPem(pem, defaultIssuer)));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: neither a PEM public key nor JSON (${(e as Error).message})`);
  }
  const list = (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(list) || list.length === 0)
    throw new Error(`${file}: expected {"keys": [...]} with at least one key`);
  return Promise.all(
    (list as KeyEntry[]).map((entry, i) => {
      const issuer = entry.issuer ?? entry.iss ?? defaultIssuer;
      if (entry.pem) return importHubKeyPem(entry.pem, issuer);
      const jwk = entry.jwk ?? (entry as JWK);
      if (typeof jwk.kty !== 'string')
        throw new Error(`${file}: keys[${i}] is neither a JWK nor {issuer, jwk|pem}`);
      return importHubKeyJwk(jwk, issuer);
    }),
  );
}
