/**
 * Signing and verifying the hub's access assertions: compact JWS, EdDSA (Ed25519). The claims, their
 * checks and the failure codes are the contract's (`@hie/contract` assertion.ts).
 */
import { createHash, KeyObject, randomBytes, verify } from 'node:crypto';
import {
  ASSERTION_TYPE,
  type AssertionClaims,
  type AssertionFailure,
  type AssertionVerification,
  type BoundOperation,
  CLOCK_SKEW_SECONDS,
  canonicalQuery,
  checkClaims,
  wireClaimsOf,
} from '@hie/contract';
import { CompactSign, type CryptoKey, decodeProtectedHeader } from 'jose';
import { ASSERTION_ALGORITHM, type HubKeys, type SigningKey } from './keys.js';

/** Remembers used nonces until their assertion would have expired anyway. */
export interface NonceLedger {
  /** True the first time a nonce is claimed; false if it was seen before (a replay). */
  claim(nonce: string, expiresAt: number): Promise<boolean>;
}

export interface VerifyOptions {
  /** The verifying gateway's facility OID. */
  audience: string;
  /** Seconds since the epoch; defaults to the clock. */
  now?: number;
  /** Longest accepted exp − iat: short-lived assertions limit what a stolen one is worth. */
  maxLifetimeSeconds?: number;
  /** Tolerated clock difference between hub and gateway. */
  clockSkewSeconds?: number;
  /** Without one, replays are not detected (only for tools that verify offline). */
  nonces?: NonceLedger;
  /** The request being served (operationOf): an assertion issued for another one is refused. */
  operation?: BoundOperation;
}

/**
 * The operation an assertion is bound to: the method, the path below the FHIR root (decoded), and the
 * SHA-256 of the canonical query — computed alike by the hub from the URL it calls and by the gateway
 * from the URL it receives.
 */
export function operationOf(method: string, pathBelowRoot: string, search: string): BoundOperation {
  return {
    method: method.toUpperCase(),
    path: pathBelowRoot,
    queryDigest: createHash('sha256').update(canonicalQuery(search), 'utf8').digest('base64url'),
  };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Signs an assertion as a compact JWS (EdDSA / Ed25519) with a fresh nonce. */
export async function signAssertion(
  key: SigningKey,
  claims: AssertionClaims,
  options: { now?: number; nonce?: string } = {},
): Promise<string> {
  const issuedAt = options.now ?? nowSeconds();
  const payload = wireClaimsOf(claims, issuedAt, options.nonce ?? randomBytes(16).toString('base64url'));

  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: ASSERTION_ALGORITHM, typ: ASSERTION_TYPE, kid: key.kid })
    .sign(key.privateKey);
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const ACCEPTED_ALGORITHMS = [ASSERTION_ALGORITHM, 'Ed25519'];

const refuse = (reason: AssertionFailure, message: string): AssertionVerification => ({
  ok: false,
  reason,
  message,
});

/**
 * Checks, in this order: form, algorithm and type, key, signature, claims, issuer, audience, times,
 * the bound operation, and last the nonce — so a token that fails any other check cannot use up a nonce.
 */
export async function verifyAssertion(
  token: string | undefined,
  hubKeys: HubKeys,
  options: VerifyOptions,
): Promise<AssertionVerification> {
  if (!token) return refuse('missing', 'no assertion was presented');
  if (token.length > 8192 || !COMPACT_JWS.test(token)) {
    return refuse('malformed', 'the assertion is not a compact JWS');
  }
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return refuse('malformed', 'the assertion header is not valid JSON');
  }
  if (typeof header.alg !== 'string' || !ACCEPTED_ALGORITHMS.includes(header.alg)) {
    return refuse('malformed', `algorithm ${String(header.alg)} is not accepted (EdDSA only)`);
  }
  if (header.typ !== ASSERTION_TYPE) return refuse('malformed', `type ${String(header.typ)} is not accepted`);
  const key = hubKeys.find((k) => k.kid === header.kid);
  if (!key) return refuse('unknown-key', `key ${String(header.kid)} is not a trusted hub key`);
  if (header.crit !== undefined || header.b64 !== undefined) {
    return refuse('malformed', 'JWS extensions (crit, b64) are not accepted');
  }
  const [encodedHeader, encodedPayload, encodedSignature] = token.split('.') as [string, string, string];
  if (!(await signatureMatches(`${encodedHeader}.${encodedPayload}`, encodedSignature, key.publicKey))) {
    return refuse('bad-signature', 'the signature does not match the content');
  }
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(encodedPayload, 'base64url').toString('utf8'));
  } catch {
    return refuse('malformed', 'the assertion claims are not JSON');
  }
  const now = options.now ?? nowSeconds();
  const checked = checkClaims(claims, {
    keyIssuer: key.issuer,
    keyId: key.kid,
    audience: options.audience,
    now,
    ...(options.maxLifetimeSeconds !== undefined ? { maxLifetimeSeconds: options.maxLifetimeSeconds } : {}),
    ...(options.clockSkewSeconds !== undefined ? { clockSkewSeconds: options.clockSkewSeconds } : {}),
    ...(options.operation ? { operation: options.operation } : {}),
  });
  if (!checked.ok) return checked;
  const skew = options.clockSkewSeconds ?? CLOCK_SKEW_SECONDS;
  if (
    options.nonces &&
    !(await options.nonces.claim(checked.assertion.nonce, checked.assertion.expiresAt + skew))
  ) {
    return refuse('replayed', 'the assertion was already used');
  }
  return checked;
}

const keyObjects = new WeakMap<CryptoKey, KeyObject>();

/**
 * Ed25519 over the JWS signing input (RFC 8037), checked with node:crypto's callback form, which runs
 * on libuv's thread pool: WebCrypto's verify (what jose uses) costs ~0.1 ms of main-thread time per
 * call in Node 20, on every request. Tokens stay plain JWS — jose's compactVerify accepts them (tested).
 */
function signatureMatches(
  signingInput: string,
  encodedSignature: string,
  publicKey: CryptoKey,
): Promise<boolean> {
  let keyObject = keyObjects.get(publicKey);
  if (!keyObject) {
    keyObject = KeyObject.from(publicKey as Parameters<typeof KeyObject.from>[0]);
    keyObjects.set(publicKey, keyObject);
  }
  const signature = Buffer.from(encodedSignature, 'base64url');
  return new Promise((resolve) => {
    verify(null, Buffer.from(signingInput), keyObject, signature, (error, valid) => resolve(!error && valid));
  });
}
