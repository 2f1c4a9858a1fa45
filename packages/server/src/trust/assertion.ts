import { KeyObject, randomBytes, verify } from 'node:crypto';
import { CompactSign, type CryptoKey, decodeProtectedHeader } from 'jose';
import { z } from 'zod';
import { ASSERTION_ALGORITHM, type HubKeys, type SigningKey } from './keys.js';

/**
 * What the hub vouches for when it forwards a query to a gateway: who asks (user, profession,
 * facility), about whom (the patient's local id at that gateway), why (purpose of use), and which
 * item categories its policy (consent × profession × purpose) allows. Times are seconds since the epoch.
 */
export interface AccessAssertion {
  issuer: string;
  /** The gateway's facility OID: an assertion is good at one gateway only. */
  audience: string;
  userId: string;
  profession: string;
  /** The viewer's facility OID. */
  facilityOid: string;
  /** The patient's local id at the audience gateway. */
  patientId: string;
  /** TREAT, ETREAT (break-the-glass), … (HL7 v3 PurposeOfUse codes). */
  purposeOfUse: string;
  /** Item categories the hub's policy allows (fhir-jp categories). */
  categories: string[];
  expiresAt: number;
  issuedAt: number;
  /** `jti`: unique per assertion, so a replay is recognised. */
  nonce: string;
}

export type AssertionClaims = Omit<AccessAssertion, 'issuedAt' | 'nonce' | 'expiresAt'> & {
  /** Defaults to issuedAt + DEFAULT_LIFETIME_SECONDS. */
  expiresAt?: number;
};

/** Why an assertion was refused: stable codes that clients and audit reviewers can rely on. */
export type AssertionFailure =
  | 'missing'
  | 'malformed'
  | 'bad-signature'
  | 'unknown-key'
  | 'wrong-issuer'
  | 'expired'
  | 'not-yet-valid'
  | 'lifetime-too-long'
  | 'wrong-audience'
  | 'replayed';

export type AssertionVerification =
  | { ok: true; assertion: AccessAssertion }
  | { ok: false; reason: AssertionFailure; message: string };

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
}

export const ASSERTION_TYPE = 'hie-access+jwt';
export const DEFAULT_LIFETIME_SECONDS = 120;
export const MAX_LIFETIME_SECONDS = 300;
export const CLOCK_SKEW_SECONDS = 30;

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Signs an assertion as a compact JWS (EdDSA / Ed25519) with a fresh nonce. */
export async function signAssertion(
  key: SigningKey,
  claims: AssertionClaims,
  options: { now?: number; nonce?: string } = {},
): Promise<string> {
  const issuedAt = options.now ?? nowSeconds();
  const payload: WireClaims = {
    iss: claims.issuer,
    aud: claims.audience,
    sub: claims.userId,
    iat: issuedAt,
    exp: claims.expiresAt ?? issuedAt + DEFAULT_LIFETIME_SECONDS,
    jti: options.nonce ?? randomBytes(16).toString('base64url'),
    profession: claims.profession,
    facility_oid: claims.facilityOid,
    patient_id: claims.patientId,
    purpose_of_use: claims.purposeOfUse,
    categories: claims.categories,
  };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: ASSERTION_ALGORITHM, typ: ASSERTION_TYPE, kid: key.kid })
    .sign(key.privateKey);
}

const wireClaims = z.object({
  iss: z.string().min(1),
  aud: z.string().min(1),
  sub: z.string().min(1),
  iat: z.number().int(),
  exp: z.number().int(),
  nbf: z.number().int().optional(),
  jti: z.string().min(8).max(128),
  profession: z.string().min(1),
  facility_oid: z.string().min(1),
  patient_id: z.string().min(1),
  purpose_of_use: z.string().min(1),
  categories: z.array(z.string()),
});
type WireClaims = z.infer<typeof wireClaims>;

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const ACCEPTED_ALGORITHMS = [ASSERTION_ALGORITHM, 'Ed25519'];

const refuse = (reason: AssertionFailure, message: string): AssertionVerification => ({
  ok: false,
  reason,
  message,
});

/**
 * Checks, in this order: form, algorithm and type, key, signature, claims, issuer, audience, times,
 * and last the nonce — so a token that fails any other check cannot use up a nonce.
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
  const payload = Buffer.from(encodedPayload, 'base64url');
  let parsed: ReturnType<typeof wireClaims.safeParse>;
  try {
    parsed = wireClaims.safeParse(JSON.parse(payload.toString('utf8')));
  } catch {
    return refuse('malformed', 'the assertion claims are not JSON');
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refuse('malformed', `claim ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`);
  }
  const c = parsed.data;
  if (c.iss !== key.issuer) return refuse('wrong-issuer', `issuer ${c.iss} does not own key ${key.kid}`);
  if (c.aud !== options.audience) return refuse('wrong-audience', `the assertion is meant for ${c.aud}`);
  const now = options.now ?? nowSeconds();
  const skew = options.clockSkewSeconds ?? CLOCK_SKEW_SECONDS;
  if (now >= c.exp + skew) return refuse('expired', `the assertion expired at ${c.exp}`);
  if (c.iat > now + skew || (c.nbf !== undefined && c.nbf > now + skew)) {
    return refuse('not-yet-valid', `the assertion is issued in the future (${c.iat})`);
  }
  const maxLifetime = options.maxLifetimeSeconds ?? MAX_LIFETIME_SECONDS;
  if (c.exp - c.iat > maxLifetime) {
    return refuse('lifetime-too-long', `the assertion lives ${c.exp - c.iat} s (at most ${maxLifetime} s)`);
  }
  if (options.nonces && !(await options.nonces.claim(c.jti, c.exp + skew))) {
    return refuse('replayed', 'the assertion was already used');
  }
  return {
    ok: true,
    assertion: {
      issuer: c.iss,
      audience: c.aud,
      userId: c.sub,
      profession: c.profession,
      facilityOid: c.facility_oid,
      patientId: c.patient_id,
      purposeOfUse: c.purpose_of_use,
      categories: c.categories,
      expiresAt: c.exp,
      issuedAt: c.iat,
      nonce: c.jti,
    },
  };
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
