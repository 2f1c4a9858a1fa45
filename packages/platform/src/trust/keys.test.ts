import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { operationOf, signAssertion, verifyAssertion } from './assertion.js';
import {
  exportPrivateKeyPem,
  exportPublicJwk,
  exportPublicKeyPem,
  generateSigningKey,
  importHubKeyJwk,
  importHubKeyPem,
  importSigningKeyPem,
  loadOrCreateSigningKey,
} from './keys.js';

const claims = {
  issuer: 'urn:hie:hub',
  audience: '1.2.392.200284.33.3319800011',
  userId: 'u1',
  profession: 'nurse',
  facilityOid: '1.2.392.200284.33.3311610020',
  patientId: 'P1',
  purposeOfUse: 'TREAT',
  categories: [],
  operation: operationOf('GET', '/Patient/P1', ''),
};

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('key helpers', () => {
  it('round-trips keys through PEM and JWK, keeping the thumbprint kid', async () => {
    const key = await generateSigningKey();
    const reloaded = await importSigningKeyPem(await exportPrivateKeyPem(key));
    expect(reloaded.kid).toBe(key.kid);
    const fromPem = await importHubKeyPem(await exportPublicKeyPem(key.publicKey), 'urn:hie:hub');
    const jwk = await exportPublicJwk(key.publicKey);
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: key.kid, alg: 'EdDSA' });
    expect(jwk.d).toBeUndefined();
    const fromJwk = await importHubKeyJwk(jwk, 'urn:hie:hub');
    const token = await signAssertion(reloaded, claims);
    for (const trusted of [fromPem, fromJwk]) {
      expect((await verifyAssertion(token, [trusted], { audience: claims.audience })).ok).toBe(true);
    }
  });

  it('refuses a private JWK as a trusted key', async () => {
    const key = await generateSigningKey();
    const { exportJWK } = await import('jose');
    await expect(importHubKeyJwk(await exportJWK(key.privateKey), 'urn:hie:hub')).rejects.toThrow(/public/);
  });

  it('creates the demo key once, private file mode 0600, then reloads it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'hie-keys-'));
    const first = await loadOrCreateSigningKey(dir);
    expect(first.created).toBe(true);
    expect((await stat(join(dir, 'hub-signing.key.pem'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(dir, 'hub-signing.pub.pem'), 'utf8')).toMatch(/BEGIN PUBLIC KEY/);
    const second = await loadOrCreateSigningKey(dir);
    expect(second).toMatchObject({ created: false, key: { kid: first.key.kid } });
  });
});
