import { attr, child, children, parseXmlSafely, text } from '@hie/platform';
import { SAML as NodeSaml, type Profile, ValidateInResponseTo } from '@node-saml/node-saml';
import type { Element as XmlElement } from '@xmldom/xmldom';
import { HubError } from '../../http.js';
import type { SamlKeys } from '../keys.js';
import { SAML, SAMLP } from '../metadata.js';
import type { SamlOnce } from './once.js';
import type { TrustedIdp } from './trusted-idp.js';

/** A refused SAML Response or request, with the stable code the audit and the page show. */
export class SamlRefused extends HubError {
  constructor(
    code: string,
    message: string,
    readonly idp: string | null = null,
  ) {
    super(code === 'saml-no-response' || code === 'saml-bad-response' ? 400 : 403, code, message);
  }
}

/** The hub as SP: its entity id, its ACS (the Recipient and Destination every assertion must name), its key. */
export interface SpIdentity {
  entityId: string;
  acsUrl: string;
  keys: SamlKeys;
}

/** What a verified assertion says: the IdP, the subject we match on, the attributes. */
export interface Asserted {
  idp: TrustedIdp;
  /** The NameID, or the value of the IdP's `subjectAttribute`. */
  subject: string;
  nameId: string;
  assertionId: string;
  sessionIndex: string | null;
  attributes: Record<string, string[]>;
  /** The AuthnRequest it answers (node-saml checked we sent it, to this IdP); null: unsolicited. */
  inResponseTo?: string | null;
}

/** How long an AuthnRequest we sent may be answered. */
export const REQUEST_TTL_MS = 10 * 60_000;
const MAX_RESPONSE_BYTES = 256 * 1024;

/** node-saml's verdicts → our codes (its messages are not an API: unknown ones stay `saml-invalid`). */
function refusalOf(error: unknown, idp: string): SamlRefused {
  const m = error instanceof Error ? error.message : String(error);
  const code = /signature/i.test(m)
    ? 'saml-bad-signature'
    : /expired|not yet valid|NotBefore|NotOnOrAfter|too old/i.test(m)
      ? 'saml-expired'
      : /audience/i.test(m)
        ? 'saml-wrong-audience'
        : /InResponseTo/i.test(m)
          ? 'saml-unknown-request'
          : /issuer/i.test(m)
            ? 'saml-unknown-idp'
            : /status/i.test(m)
              ? 'saml-idp-refused'
              : 'saml-invalid';
  return new SamlRefused(code, `the identity provider’s answer was not accepted: ${m}`, idp);
}

/** node-saml configured for one trusted IdP: its pinned certificates, our audience, its own request IDs. */
export function samlFor(sp: SpIdentity, idp: TrustedIdp, once: SamlOnce): NodeSaml {
  return new NodeSaml({
    issuer: sp.entityId,
    audience: sp.entityId,
    callbackUrl: sp.acsUrl,
    entryPoint: idp.ssoUrl,
    idpIssuer: idp.entityId,
    idpCert: idp.signingCerts,
    privateKey: sp.keys.keyPem,
    signatureAlgorithm: 'sha256',
    digestAlgorithm: 'sha256',
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    acceptedClockSkewMs: 30_000,
    maxAssertionAgeMs: 10 * 60_000,
    identifierFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
    disableRequestedAuthnContext: true,
    validateInResponseTo: idp.allowUnsolicited ? ValidateInResponseTo.ifPresent : ValidateInResponseTo.always,
    requestIdExpirationPeriodMs: REQUEST_TTL_MS,
    // Request IDs per IdP: an answer from another IdP cannot use this one's request.
    cacheProvider: once.requestCache(REQUEST_TTL_MS, idp.entityId),
  });
}

/**
 * Verifies an HTTP-POST SAMLResponse (saml/README.md, "The hub as SP"): read with our hostile-XML
 * guards first (size, DOCTYPE/entities, depth); the IdP found by its Issuer among the trusted ones;
 * then node-saml with that IdP's pinned certificates only (assertion signature, audience, times,
 * InResponseTo of a request we sent to that IdP); then ours on the assertion node-saml verified —
 * never on another copy in the message: its Issuer, the bearer Recipient = our ACS, the Response's
 * Destination, and its ID used once.
 */
export async function verifyResponse(
  encoded: string | undefined,
  sp: SpIdentity,
  trusted: ReadonlyMap<string, TrustedIdp>,
  once: SamlOnce,
): Promise<Asserted> {
  if (!encoded) throw new SamlRefused('saml-no-response', 'no SAMLResponse in the form');
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length === 0 || bytes.length > MAX_RESPONSE_BYTES)
    throw new SamlRefused('saml-bad-response', 'SAMLResponse is empty or too large');
  let root: XmlElement;
  try {
    root = parseXmlSafely(bytes).documentElement as XmlElement;
  } catch (e) {
    throw new SamlRefused(
      'saml-bad-response',
      `SAMLResponse is not acceptable XML: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  if (root.namespaceURI !== SAMLP || root.localName !== 'Response')
    throw new SamlRefused('saml-bad-response', 'not a SAML 2.0 Response');
  const issuer = text(child(root, SAML, 'Issuer'))?.trim() ?? null;
  const idp = issuer ? trusted.get(issuer) : undefined;
  if (!issuer || !idp)
    throw new SamlRefused(
      'saml-unknown-idp',
      `${issuer ?? '(no Issuer)'} is not an identity provider this network trusts`,
    );
  const destination = attr(root, 'Destination');
  if (destination !== null && destination !== sp.acsUrl)
    throw new SamlRefused(
      'saml-wrong-recipient',
      `the Response is for ${destination}, not this hub`,
      idp.entityId,
    );

  let profile: Profile | null;
  try {
    ({ profile } = await samlFor(sp, idp, once).validatePostResponseAsync({ SAMLResponse: encoded }));
  } catch (e) {
    throw refusalOf(e, idp.entityId);
  }
  if (!profile?.getAssertionXml) throw new SamlRefused('saml-invalid', 'no assertion', idp.entityId);

  // The assertion node-saml verified, read again on its own: what we check and use is what was signed.
  const assertion = parseXmlSafely(profile.getAssertionXml()).documentElement as XmlElement;
  if (text(child(assertion, SAML, 'Issuer'))?.trim() !== idp.entityId)
    throw new SamlRefused(
      'saml-unknown-idp',
      'the assertion is not issued by the Response’s IdP',
      idp.entityId,
    );
  const confirmations = children(child(assertion, SAML, 'Subject'), SAML, 'SubjectConfirmation').filter(
    (c) => attr(c, 'Method') === 'urn:oasis:names:tc:SAML:2.0:cm:bearer',
  );
  if (!confirmations.some((c) => attr(child(c, SAML, 'SubjectConfirmationData'), 'Recipient') === sp.acsUrl))
    throw new SamlRefused(
      'saml-wrong-recipient',
      'the assertion’s bearer Recipient is not this hub’s ACS',
      idp.entityId,
    );
  const assertionId = attr(assertion, 'ID');
  if (!assertionId) throw new SamlRefused('saml-invalid', 'the assertion has no ID', idp.entityId);
  const until = attr(child(assertion, SAML, 'Conditions'), 'NotOnOrAfter');
  const keepUntil = new Date(
    Math.max(once.now().getTime() + REQUEST_TTL_MS, until ? Date.parse(until) + 60_000 : 0),
  );
  if (!(await once.claim(`assertion:${idp.entityId}:${assertionId}`, 'used', keepUntil)))
    throw new SamlRefused('saml-replay', 'this assertion was already used', idp.entityId);

  const attributes = attributesOf(assertion);
  const nameId = profile.nameID ?? '';
  const subject = idp.subjectAttribute ? (attributes[idp.subjectAttribute]?.[0] ?? '') : nameId;
  if (!subject)
    throw new SamlRefused(
      'saml-no-subject',
      `the assertion names no user (${idp.subjectAttribute ?? 'NameID'})`,
      idp.entityId,
    );
  return {
    idp,
    subject,
    nameId,
    assertionId,
    sessionIndex: profile.sessionIndex ?? null,
    attributes,
    // From the signed assertion's bearer confirmation (node-saml matched it to a request we sent).
    inResponseTo:
      confirmations
        .map((c) => attr(child(c, SAML, 'SubjectConfirmationData'), 'InResponseTo'))
        .find((v) => v !== null) ?? null,
  };
}

/** The AttributeStatements' values by attribute Name. */
export function attributesOf(assertion: XmlElement): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const statement of children(assertion, SAML, 'AttributeStatement')) {
    for (const a of children(statement, SAML, 'Attribute')) {
      const name = attr(a, 'Name');
      if (!name) continue;
      const values = children(a, SAML, 'AttributeValue').map((v) => (v.textContent ?? '').trim());
      out[name] = [...(out[name] ?? []), ...values.filter((v) => v.length > 0)];
    }
  }
  return out;
}
