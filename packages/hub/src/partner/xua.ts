import { randomBytes } from 'node:crypto';
import { attr, child, children, operationOf, parseXmlSafely, text } from '@hie/platform';
import type { Element as XmlElement } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { HubError } from '../http.js';
import type { SamlKeys } from '../saml/keys.js';
import { DS, pemOf, SAML } from '../saml/metadata.js';
import { type AssertedUser, assertionElement, sign } from '../saml/response.js';
import { type Asserted, attributesOf } from '../saml/sp/assertion.js';
import type { SamlOnce } from '../saml/sp/once.js';
import type { TrustedIdp } from '../saml/sp/trusted-idp.js';

/**
 * XUA between hubs (partner/README.md): the user and purpose of use of a call from one network's hub
 * to another's, as a SAML 2.0 assertion signed by the calling hub's SAML key — the key the partner
 * already pinned from our IdP metadata — sent as `Authorization: Bearer <base64url(assertion)>`
 * (the SAML bearer token of IUA ITI-72 / RFC 7522's encoding). Like the gateways' access assertion it
 * is good for one call: bound to the request (method, path, query digest), a minute long, used once.
 */
export const OPERATION_ATTRIBUTE = 'urn:hie:xua:operation';
/** Lifetime of an XUA assertion: one call, made at once. */
export const XUA_LIFETIME_SECONDS = 60;
const MAX_TOKEN_BYTES = 64 * 1024;
const SKEW_MS = 30_000;
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';

/** `GET /xc/fhir/Patient <digest of the query>`: what one XUA assertion is good for. */
export function operationBinding(method: string, path: string, search: string): string {
  const op = operationOf(method, path, search);
  return `${op.method} ${op.path} ${op.queryDigest}`;
}

export interface XuaCall {
  /** Our IdP's entity id (the partner trusts it by our metadata). */
  issuer: string;
  /** The partner's SP entity id. */
  audience: string;
  /** The partner's endpoint root (the bearer Recipient). */
  recipient: string;
  user: AssertedUser;
  /** The request it is for. */
  method: string;
  url: URL;
  now: Date;
}

/** A signed XUA assertion for one call, base64url for the Authorization header. */
export function xuaToken(keys: SamlKeys, call: XuaCall): string {
  const path = call.url.pathname;
  const assertion = assertionElement({
    issuer: call.issuer,
    audience: call.audience,
    recipient: call.recipient,
    inResponseTo: null,
    user: call.user,
    sessionIndex: `_${randomBytes(8).toString('hex')}`,
    now: call.now,
    lifetimeSeconds: XUA_LIFETIME_SECONDS,
    extraAttributes: { [OPERATION_ATTRIBUTE]: [operationBinding(call.method, path, call.url.search)] },
  });
  return Buffer.from(sign(keys, assertion.xml, assertion.id, 'Assertion'), 'utf8').toString('base64url');
}

/** Who may call us with XUA: the trusted IdPs marked as partners whose records we answer. */
export interface XuaTrust {
  /** Our SP entity id: the Audience every assertion must name. */
  audience: string;
  /** Our endpoint root: the bearer Recipient. */
  recipient: string;
  identityProviders: ReadonlyMap<string, TrustedIdp>;
  once: SamlOnce;
}

/** A refused XUA call: 401 without a token, 400 for one that is not a SAML assertion, else 403. */
export class XuaRefused extends HubError {
  constructor(
    code: string,
    message: string,
    readonly idp: string | null = null,
  ) {
    super(code === 'xua-missing' ? 401 : code === 'xua-invalid' ? 400 : 403, code, message);
  }
}

const refused = (code: string, message: string, idp: string | null = null) =>
  new XuaRefused(code, message, idp);

/**
 * Verifies the XUA assertion of one call (partner/README.md § XUA): hostile-XML guards; a saml:Assertion
 * issued by a partner IdP; exactly one enveloped signature, RSA-SHA256 over SHA-256 digests, its one
 * Reference on the assertion's own ID, checked with that IdP's **pinned** certificates only (a
 * certificate in the message is never used); then everything is read from **the signed bytes** (never
 * the document around them): Issuer, Audience = us, bearer Recipient = our endpoint, NotBefore /
 * NotOnOrAfter with 30 s of skew and at most a few minutes long, the operation = this request, and
 * the assertion's ID used once (shared by every hub process).
 */
export async function verifyXua(
  authorization: string | undefined,
  trust: XuaTrust,
  request: { method: string; path: string; search: string },
): Promise<Asserted> {
  const match = /^(?:Bearer|SAML)\s+([A-Za-z0-9_-]+={0,2})$/.exec(authorization ?? '');
  if (!match?.[1]) throw refused('xua-missing', 'an XUA assertion is required (Authorization: Bearer …)');
  return verifyXuaAssertion(Buffer.from(match[1], 'base64url'), trust, request);
}

/**
 * The same checks on an assertion's bytes. `request` null: a SOAP call (XCPD), where the standard XUA
 * assertion (in WS-Security) names no request — then it must not carry our request binding either
 * (an assertion made for one FHIR call is good for nothing else), and no bearer Recipient is required.
 */
export async function verifyXuaAssertion(
  bytes: Buffer,
  trust: XuaTrust,
  request: { method: string; path: string; search: string } | null,
): Promise<Asserted> {
  if (bytes.length === 0 || bytes.length > MAX_TOKEN_BYTES)
    throw refused('xua-invalid', 'the XUA assertion is empty or too large');
  let root: XmlElement;
  try {
    root = parseXmlSafely(bytes).documentElement as XmlElement;
  } catch (e) {
    throw refused('xua-invalid', `not acceptable XML: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (root.namespaceURI !== SAML || root.localName !== 'Assertion')
    throw refused('xua-invalid', 'not a SAML 2.0 Assertion');
  const issuer = text(child(root, SAML, 'Issuer'))?.trim() ?? '';
  const idp = trust.identityProviders.get(issuer);
  if (!idp?.partnerRecords)
    throw refused('xua-unknown-issuer', `${issuer || '(no Issuer)'} is not a partner network we answer`);

  const signed = signedAssertion(root, bytes.toString('utf8'), idp);
  const now = trust.once.now().getTime();
  if (text(child(signed, SAML, 'Issuer'))?.trim() !== idp.entityId)
    throw refused('xua-unknown-issuer', 'the signed assertion names another issuer', idp.entityId);
  const conditions = child(signed, SAML, 'Conditions');
  const notBefore = Date.parse(attr(conditions, 'NotBefore') ?? attr(signed, 'IssueInstant') ?? '');
  const notAfter = Date.parse(attr(conditions, 'NotOnOrAfter') ?? '');
  if (!Number.isFinite(notBefore) || !Number.isFinite(notAfter))
    throw refused('xua-expired', 'the assertion states no validity period', idp.entityId);
  if (now + SKEW_MS < notBefore || now - SKEW_MS >= notAfter)
    throw refused('xua-expired', 'the assertion is expired or not yet valid', idp.entityId);
  if (notAfter - notBefore > 10 * 60_000)
    throw refused('xua-expired', 'the assertion is valid for too long (at most a few minutes)', idp.entityId);
  const audiences = children(conditions, SAML, 'AudienceRestriction').flatMap((r) =>
    children(r, SAML, 'Audience').map((a) => text(a)?.trim() ?? ''),
  );
  if (!audiences.includes(trust.audience))
    throw refused('xua-wrong-audience', `the assertion is not for ${trust.audience}`, idp.entityId);
  const bearer = children(child(signed, SAML, 'Subject'), SAML, 'SubjectConfirmation').filter(
    (c) => attr(c, 'Method') === 'urn:oasis:names:tc:SAML:2.0:cm:bearer',
  );
  // A bearer confirmation is required (holder-of-key or sender-vouches would need proof we do not ask);
  // for our own FHIR calls, its Recipient is this endpoint.
  if (bearer.length === 0)
    throw refused('xua-wrong-recipient', 'the assertion has no bearer SubjectConfirmation', idp.entityId);
  if (
    request !== null &&
    !bearer.some((c) => attr(child(c, SAML, 'SubjectConfirmationData'), 'Recipient') === trust.recipient)
  )
    throw refused(
      'xua-wrong-recipient',
      'the assertion’s bearer Recipient is not this endpoint',
      idp.entityId,
    );
  const attributes = attributesOf(signed);
  const expected = request ? operationBinding(request.method, request.path, request.search) : undefined;
  if (attributes[OPERATION_ATTRIBUTE]?.[0] !== expected)
    throw refused('xua-wrong-operation', 'the assertion was made for another request', idp.entityId);
  const assertionId = attr(signed, 'ID') ?? '';
  const keepUntil = new Date(Math.max(notAfter, now) + SKEW_MS + 60_000);
  if (!(await trust.once.claim(`xua:${idp.entityId}:${assertionId}`, 'used', keepUntil)))
    throw refused('xua-replay', 'this assertion was already used', idp.entityId);
  const nameId = text(child(child(signed, SAML, 'Subject'), SAML, 'NameID'))?.trim() ?? '';
  const subject = idp.subjectAttribute ? (attributes[idp.subjectAttribute]?.[0] ?? '') : nameId;
  if (!subject) throw refused('xua-no-subject', 'the assertion names no user', idp.entityId);
  return { idp, subject, nameId, assertionId, sessionIndex: null, attributes };
}

/** The assertion as its signature covers it, checked against the IdP's pinned certificates. */
function signedAssertion(root: XmlElement, xml: string, idp: TrustedIdp): XmlElement {
  const id = attr(root, 'ID');
  const signatures = children(root, DS, 'Signature');
  if (!id || signatures.length !== 1 || root.getElementsByTagNameNS(DS, 'Signature').length !== 1)
    throw refused('xua-unsigned', 'the assertion must carry exactly one signature, its own', idp.entityId);
  const signature = signatures[0] as XmlElement;
  const method = attr(child(child(signature, DS, 'SignedInfo'), DS, 'SignatureMethod'), 'Algorithm');
  if (method !== RSA_SHA256)
    throw refused(
      'xua-bad-signature',
      `signature algorithm ${method ?? '(none)'} is not accepted`,
      idp.entityId,
    );
  for (const cert of idp.signingCerts) {
    const verifier = new SignedXml({
      publicCert: cert.startsWith('-----') ? cert : pemOf(cert),
      // Never a key the message brings with it.
      getCertFromKeyInfo: () => null,
    });
    let valid = false;
    let references: ReturnType<SignedXml['getReferences']> = [];
    let signedXml: string[] = [];
    try {
      // A signature xml-crypto cannot even read is a bad signature, not a crash.
      verifier.loadSignature(signature);
      valid = verifier.checkSignature(xml);
      references = verifier.getReferences();
      signedXml = verifier.getSignedReferences();
    } catch {
      valid = false;
    }
    if (!valid) continue;
    if (
      references.length !== 1 ||
      references[0]?.uri !== `#${id}` ||
      references[0]?.digestAlgorithm !== SHA256 ||
      signedXml.length !== 1
    )
      throw refused(
        'xua-bad-signature',
        'the signature must cover the assertion itself, by its ID',
        idp.entityId,
      );
    const signed = parseXmlSafely(signedXml[0] as string).documentElement as XmlElement;
    if (signed.namespaceURI !== SAML || signed.localName !== 'Assertion' || attr(signed, 'ID') !== id)
      throw refused(
        'xua-bad-signature',
        'the signature covers something else than the assertion',
        idp.entityId,
      );
    return signed;
  }
  throw refused(
    'xua-bad-signature',
    'the signature does not verify with the partner’s pinned key',
    idp.entityId,
  );
}

export type { Asserted };
