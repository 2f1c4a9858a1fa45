import { z } from 'zod';

/**
 * What the hub vouches for when it forwards a query to a disclosing unit: who asks (user, profession,
 * facility), about whom (the patient's local id there), why (purpose of use), and which item categories
 * its policy (consent × profession × purpose) allows. Times are seconds since the epoch. Signing and
 * verifying the signature is the platform's (`@hie/platform` trust); the claims and their checks are here,
 * so every unit and tool reads them alike.
 */
export interface AccessAssertion {
  issuer: string;
  /** The disclosing facility's OID: an assertion is good at one gateway only. */
  audience: string;
  userId: string;
  profession: string;
  /** The viewer's facility OID. */
  facilityOid: string;
  /** The patient's local id at the audience gateway. */
  patientId: string;
  /** TREAT, ETREAT (break-the-glass), … (HL7 v3 PurposeOfUse codes). */
  purposeOfUse: string;
  /** Item categories the hub's policy allows (see categories.ts). */
  categories: string[];
  expiresAt: number;
  issuedAt: number;
  /** `jti`: unique per assertion, so a replay is recognised. */
  nonce: string;
  /** The one request this assertion is good for (a captured assertion cannot be used on another). */
  operation: BoundOperation;
  /** The user's name (IUA subject_name), when the issuer said it. */
  subjectName?: string;
  /** The issuing network's home community id (`urn:oid:…`, IUA home_community_id), when said. */
  homeCommunityId?: string;
}

/**
 * The request an assertion is bound to: method, the path below the gateway's FHIR root
 * (`/Patient/…/$everything`, `/Observation`, `/Binary/…`), and a digest of its query (see
 * operation.ts). Like DPoP's `htm`/`htu` (RFC 9449), but relative to the FHIR root, so a gateway
 * behind a proxy that mounts it under a prefix still recognises its own requests.
 */
export interface BoundOperation {
  method: string;
  path: string;
  /** base64url SHA-256 of the canonical query (canonicalQuery in operation.ts). */
  queryDigest: string;
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
  | 'wrong-operation'
  | 'replayed';

export type AssertionVerification =
  | { ok: true; assertion: AccessAssertion }
  | { ok: false; reason: AssertionFailure; message: string };

/** The JWS `typ` of an access assertion. */
export const ASSERTION_TYPE = 'hie-access+jwt';
export const DEFAULT_LIFETIME_SECONDS = 120;
export const MAX_LIFETIME_SECONDS = 300;
export const CLOCK_SKEW_SECONDS = 30;

/** The claims as they travel in the JWS payload (JWT names where JWT has one). */
export const wireClaimsSchema = z.object({
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
  /** The bound request's method, path below the FHIR root, and query digest. */
  htm: z.string().min(1).max(16),
  htp: z.string().min(1).max(2048),
  htq: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a base64url SHA-256 digest'),
  /** OAuth client (RFC 9068): the issuing hub. */
  client_id: z.string().min(1).optional(),
  /**
   * The same facts in IHE IUA's JWT extension (ITI-72 `extensions.ihe_iua`), so that any IUA resource
   * server reads who asks and why; ours are the claims above (a token without it stays valid).
   */
  extensions: z
    .object({
      ihe_iua: z
        .object({
          subject_name: z.string().optional(),
          subject_organization_id: z.string().optional(),
          subject_role: z.array(z.object({ system: z.string(), code: z.string() })).optional(),
          purpose_of_use: z.array(z.object({ system: z.string(), code: z.string() })).optional(),
          home_community_id: z.string().optional(),
          person_id: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
});
export type WireClaims = z.infer<typeof wireClaimsSchema>;

/** The payload to sign for these claims. */
export function wireClaimsOf(claims: AssertionClaims, issuedAt: number, nonce: string): WireClaims {
  return {
    iss: claims.issuer,
    aud: claims.audience,
    sub: claims.userId,
    iat: issuedAt,
    exp: claims.expiresAt ?? issuedAt + DEFAULT_LIFETIME_SECONDS,
    jti: nonce,
    profession: claims.profession,
    facility_oid: claims.facilityOid,
    patient_id: claims.patientId,
    purpose_of_use: claims.purposeOfUse,
    categories: claims.categories,
    htm: claims.operation.method,
    htp: claims.operation.path,
    htq: claims.operation.queryDigest,
    client_id: claims.issuer,
    extensions: {
      ihe_iua: {
        ...(claims.subjectName ? { subject_name: claims.subjectName } : {}),
        subject_organization_id: `urn:oid:${claims.facilityOid}`,
        subject_role: [{ system: IUA_ROLE_SYSTEM, code: claims.profession }],
        purpose_of_use: [{ system: PURPOSE_OF_USE_SYSTEM, code: claims.purposeOfUse }],
        ...(claims.homeCommunityId ? { home_community_id: claims.homeCommunityId } : {}),
        // The patient at the audience facility, as a CX (HL7 v2): id^^^&OID&ISO.
        person_id: `${claims.patientId}^^^&${claims.audience}&ISO`,
      },
    },
  };
}

/** The code system of the IUA subject_role we send: the network's profession codes (professions.ts). */
export const IUA_ROLE_SYSTEM = 'urn:hie:profession';
/** HL7 v3 ActReason (TREAT, ETREAT): the IUA purpose_of_use system. */
export const PURPOSE_OF_USE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';

export interface ClaimCheckOptions {
  /** The issuer that owns the key the assertion was signed with. */
  keyIssuer: string;
  keyId: string;
  /** The verifying unit's facility OID. */
  audience: string;
  /** Seconds since the epoch. */
  now: number;
  /** Longest accepted exp − iat: short-lived assertions limit what a stolen one is worth. */
  maxLifetimeSeconds?: number;
  /** Tolerated clock difference between hub and gateway. */
  clockSkewSeconds?: number;
  /**
   * The request being served: the assertion must name exactly this one. Only offline tools that
   * inspect an assertion leave it out.
   */
  operation?: BoundOperation;
}

const refuse = (reason: AssertionFailure, message: string): AssertionVerification => ({
  ok: false,
  reason,
  message,
});

/**
 * Checks a signed payload's claims, in this order: form, issuer, audience, times, operation. The signature is
 * checked before (by the platform), the nonce after (so a token failing here cannot use one up).
 */
export function checkClaims(payload: unknown, options: ClaimCheckOptions): AssertionVerification {
  const parsed = wireClaimsSchema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refuse('malformed', `claim ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`);
  }
  const c = parsed.data;
  if (c.iss !== options.keyIssuer) {
    return refuse('wrong-issuer', `issuer ${c.iss} does not own key ${options.keyId}`);
  }
  if (c.aud !== options.audience) return refuse('wrong-audience', `the assertion is meant for ${c.aud}`);
  const now = options.now;
  const skew = options.clockSkewSeconds ?? CLOCK_SKEW_SECONDS;
  if (now >= c.exp + skew) return refuse('expired', `the assertion expired at ${c.exp}`);
  if (c.iat > now + skew || (c.nbf !== undefined && c.nbf > now + skew)) {
    return refuse('not-yet-valid', `the assertion is issued in the future (${c.iat})`);
  }
  const maxLifetime = options.maxLifetimeSeconds ?? MAX_LIFETIME_SECONDS;
  if (c.exp - c.iat > maxLifetime) {
    return refuse('lifetime-too-long', `the assertion lives ${c.exp - c.iat} s (at most ${maxLifetime} s)`);
  }
  const bound = { method: c.htm, path: c.htp, queryDigest: c.htq };
  if (options.operation && !sameOperation(bound, options.operation)) {
    return refuse(
      'wrong-operation',
      `the assertion was issued for ${bound.method} ${bound.path} with another query, not for ${options.operation.method} ${options.operation.path}`,
    );
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
      operation: bound,
      ...(c.extensions?.ihe_iua?.subject_name ? { subjectName: c.extensions.ihe_iua.subject_name } : {}),
      ...(c.extensions?.ihe_iua?.home_community_id
        ? { homeCommunityId: c.extensions.ihe_iua.home_community_id }
        : {}),
    },
  };
}

const sameOperation = (a: BoundOperation, b: BoundOperation) =>
  a.method === b.method && a.path === b.path && a.queryDigest === b.queryDigest;
