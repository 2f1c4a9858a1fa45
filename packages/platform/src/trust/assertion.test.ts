import { KeyObject, sign } from 'node:crypto';
import type { AssertionClaims } from '@hie/contract';
import { CompactSign, compactVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type NonceLedger,
  operationOf,
  signAssertion,
  type VerifyOptions,
  verifyAssertion,
} from './assertion.js';
import { generateSigningKey, type HubKeys, hubKeyFrom, type SigningKey } from './keys.js';

const GATEWAY = '1.2.392.200284.33.3319800011';
const HUB = 'urn:hie:hub:okayama';
const NOW = 1_790_000_000;

const claims: AssertionClaims = {
  issuer: HUB,
  audience: GATEWAY,
  userId: 'dr-tanaka',
  profession: 'doctor',
  facilityOid: '1.2.392.200284.33.3311610020',
  patientId: '9999013',
  purposeOfUse: 'TREAT',
  categories: ['lab-result', 'prescription'],
  operation: operationOf('GET', '/Observation', '?patient=Patient%2Fp1&_count=200'),
};

/** An in-memory ledger, to test the replay rule apart from the store. */
const memoryLedger = (): NonceLedger => {
  const seen = new Set<string>();
  return {
    async claim(nonce) {
      if (seen.has(nonce)) return false;
      seen.add(nonce);
      return true;
    },
  };
};

let hub: SigningKey;
let stranger: SigningKey;
let keys: HubKeys;
const options = (extra: Partial<VerifyOptions> = {}): VerifyOptions => ({
  audience: GATEWAY,
  now: NOW,
  ...extra,
});

beforeAll(async () => {
  hub = await generateSigningKey();
  stranger = await generateSigningKey();
  keys = [hubKeyFrom(hub, HUB)];
});

const reasonOf = async (token: string | undefined, extra: Partial<VerifyOptions> = {}) => {
  const result = await verifyAssertion(token, keys, options(extra));
  return result.ok ? 'ok' : result.reason;
};

describe('signed access assertions', () => {
  it('round-trips every claim', async () => {
    const token = await signAssertion(hub, claims, { now: NOW, nonce: 'nonce-000001' });
    const result = await verifyAssertion(token, keys, options());
    expect(result).toEqual({
      ok: true,
      assertion: { ...claims, issuedAt: NOW, expiresAt: NOW + 120, nonce: 'nonce-000001' },
    });
  });

  it('produces standard JWS that jose itself verifies', async () => {
    const token = await signAssertion(hub, claims, { now: NOW });
    const { payload, protectedHeader } = await compactVerify(token, hub.publicKey);
    expect(protectedHeader).toEqual({ alg: 'EdDSA', typ: 'hie-access+jwt', kid: hub.kid });
    expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({ sub: 'dr-tanaka', aud: GATEWAY });
  });

  it('carries the user and purpose as IHE IUA JWT claims too (extensions.ihe_iua), read back by the gateway', async () => {
    const token = await signAssertion(hub, { ...claims, subjectName: '田中 一郎' }, { now: NOW });
    const { payload } = await compactVerify(token, hub.publicKey);
    // IUA ITI-72's JWT: iss, sub, aud, exp, jti, client_id, and the ihe_iua extension.
    expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({
      iss: HUB,
      sub: 'dr-tanaka',
      aud: GATEWAY,
      client_id: HUB,
      extensions: {
        ihe_iua: {
          subject_name: '田中 一郎',
          subject_organization_id: 'urn:oid:1.2.392.200284.33.3311610020',
          subject_role: [{ system: 'urn:hie:profession', code: 'doctor' }],
          purpose_of_use: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' }],
          person_id: `9999013^^^&${GATEWAY}&ISO`,
        },
      },
    });
    const result = await verifyAssertion(token, keys, options());
    expect(result.ok && result.assertion.subjectName).toBe('田中 一郎');
  });

  it('refuses a missing or malformed token', async () => {
    expect(await reasonOf(undefined)).toBe('missing');
    expect(await reasonOf('')).toBe('missing');
    expect(await reasonOf('not a token')).toBe('malformed');
    expect(await reasonOf('a.b')).toBe('malformed');
    const token = await signAssertion(hub, claims, { now: NOW });
    const [, payload, signature] = token.split('.');
    expect(await reasonOf(`eyJub3QiOiJqc29uIg.${payload}.${signature}`)).toBe('malformed');
  });

  it('refuses another algorithm or type, even with a valid signature over it', async () => {
    const body = new TextEncoder().encode('{}');
    const wrongType = await new CompactSign(body)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: hub.kid })
      .sign(hub.privateKey);
    expect(await reasonOf(wrongType)).toBe('malformed');
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'hie-access+jwt', kid: hub.kid })).toString(
      'base64url',
    );
    expect(await reasonOf(`${header}.${Buffer.from('{}').toString('base64url')}.AAAA`)).toBe('malformed');
    // A validly signed token that asks for a JWS extension we do not implement.
    const validClaims = (await signAssertion(hub, claims, { now: NOW })).split('.')[1]!;
    const critHeader = Buffer.from(
      JSON.stringify({ alg: 'EdDSA', typ: 'hie-access+jwt', kid: hub.kid, crit: ['urn:x'], 'urn:x': 1 }),
    ).toString('base64url');
    const input = `${critHeader}.${validClaims}`;
    const signature = sign(null, Buffer.from(input), KeyObject.from(hub.privateKey)).toString('base64url');
    expect(await reasonOf(`${input}.${signature}`)).toBe('malformed');
  });

  it('refuses a tampered payload and a signature by an untrusted key', async () => {
    const token = await signAssertion(hub, claims, { now: NOW });
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claimsJson = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const widened = Buffer.from(JSON.stringify({ ...claimsJson, categories: ['diagnosis'] })).toString(
      'base64url',
    );
    expect(await reasonOf(`${header}.${widened}.${signature}`)).toBe('bad-signature');
    expect(await reasonOf(await signAssertion(stranger, claims, { now: NOW }))).toBe('unknown-key');
    // A stranger's key that claims the hub's kid: the signature cannot match.
    const impostor = { ...stranger, kid: hub.kid };
    expect(await reasonOf(await signAssertion(impostor, claims, { now: NOW }))).toBe('bad-signature');
  });

  it('refuses an issuer that does not own the key', async () => {
    expect(await reasonOf(await signAssertion(hub, { ...claims, issuer: 'urn:other' }, { now: NOW }))).toBe(
      'wrong-issuer',
    );
  });

  it('refuses an assertion meant for another gateway', async () => {
    const token = await signAssertion(
      hub,
      { ...claims, audience: '1.2.392.200284.33.3311610020' },
      { now: NOW },
    );
    expect(await reasonOf(token)).toBe('wrong-audience');
  });

  it('enforces expiry, issue time and the longest lifetime, with a clock skew allowance', async () => {
    const token = await signAssertion(hub, { ...claims, expiresAt: NOW + 60 }, { now: NOW });
    expect(await reasonOf(token, { now: NOW + 60 + 29 })).toBe('ok');
    expect(await reasonOf(token, { now: NOW + 60 + 30 })).toBe('expired');
    expect(await reasonOf(token, { now: NOW - 29 })).toBe('ok');
    expect(await reasonOf(token, { now: NOW - 31 })).toBe('not-yet-valid');
    const longLived = await signAssertion(hub, { ...claims, expiresAt: NOW + 301 }, { now: NOW });
    expect(await reasonOf(longLived)).toBe('lifetime-too-long');
    expect(await reasonOf(longLived, { maxLifetimeSeconds: 600 })).toBe('ok');
  });

  it('refuses a replay, and a failed check does not use up the nonce', async () => {
    const nonces = memoryLedger();
    const token = await signAssertion(hub, claims, { now: NOW });
    expect(await reasonOf(token, { nonces, audience: 'elsewhere' })).toBe('wrong-audience');
    expect(await reasonOf(token, { nonces })).toBe('ok');
    expect(await reasonOf(token, { nonces })).toBe('replayed');
  });

  it('is good for the one request it names: another path, method or query is refused, before the nonce', async () => {
    const nonces = memoryLedger();
    const token = await signAssertion(hub, claims, { now: NOW });
    const other = (method: string, path: string, search: string) =>
      reasonOf(token, { nonces, operation: operationOf(method, path, search) });
    expect(await other('GET', '/Patient/p1/$everything', '')).toBe('wrong-operation');
    expect(await other('GET', '/Observation', '?patient=Patient%2Fp2&_count=200')).toBe('wrong-operation');
    expect(await other('GET', '/Observation', '?patient=Patient%2Fp1&_count=200&_offset=200')).toBe(
      'wrong-operation',
    );
    expect(await other('POST', '/Observation', '?patient=Patient%2Fp1&_count=200')).toBe('wrong-operation');
    // The same query in another order and encoding is the same request.
    expect(await other('GET', '/Observation', '?_count=200&patient=Patient/p1')).toBe('ok');
    expect(await other('GET', '/Observation', '?_count=200&patient=Patient/p1')).toBe('replayed');
  });

  it('canonicalises the query alike on both sides, and keeps what changes the answer apart', () => {
    const digest = (search: string) => operationOf('GET', '/x', search).queryDigest;
    expect(digest('?a=1&b=2')).toBe(digest('b=2&a=1'));
    expect(digest('?date=ge2020&date=le2021')).toBe(digest('?date=le2021&date=ge2020'));
    expect(digest('?code=a%2Cb')).toBe(digest('?code=a,b'));
    expect(digest('?q=a+b')).toBe(digest('?q=a%20b'));
    expect(digest('?code=a,b')).not.toBe(digest('?code=a&code=b'));
    expect(digest('?a=1')).not.toBe(digest('?a=1&a=1'));
    expect(digest('')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses claims without a bound operation', async () => {
    const token = await signAssertion(hub, claims, { now: NOW });
    const unbound = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    delete unbound.htm;
    delete unbound.htp;
    delete unbound.htq;
    const resigned = await new CompactSign(new TextEncoder().encode(JSON.stringify(unbound)))
      .setProtectedHeader({ alg: 'EdDSA', typ: 'hie-access+jwt', kid: hub.kid })
      .sign(hub.privateKey);
    expect(await reasonOf(resigned)).toBe('malformed');
  });

  it('refuses claims of the wrong shape', async () => {
    const token = await signAssertion(hub, { ...claims, userId: '' }, { now: NOW });
    expect(await reasonOf(token)).toBe('malformed');
  });
});
