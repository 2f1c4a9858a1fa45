import { createVerify } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { attr, child, parseXmlSafely, text, XmlRefusal } from '@hie/platform';
import type { Element as XmlElement } from '@xmldom/xmldom';
import { HubError } from '../http.js';
import { SAML, SAMLP, type ServiceProvider } from './metadata.js';

/** What the hub keeps of an SP's AuthnRequest (HTTP-Redirect binding). */
export interface AuthnRequest {
  id: string;
  sp: ServiceProvider;
  /** The AssertionConsumerService to answer: one of the SP's metadata, never a URL the request invents. */
  acs: string;
  relayState: string | null;
}

const SIG_ALGORITHMS: Record<string, string> = {
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': 'RSA-SHA256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': 'RSA-SHA512',
};
const MAX_REQUEST = 16 * 1024;
const SKEW_MS = 5 * 60_000;

export const samlRefused = (code: string, message: string) => new HubError(400, code, message);

/** The raw (still URL-encoded) value of a query parameter: the signature covers these octets. */
function rawParam(query: string, name: string): string | null {
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq) === name) return part.slice(eq + 1);
  }
  return null;
}

interface RedirectMessage {
  root: XmlElement;
  id: string;
  sp: ServiceProvider;
  relayState: string | null;
}

/**
 * Decodes and checks a request sent with the HTTP-Redirect binding (SAML Bindings §3.4): inflated
 * within a bound, parsed without DOCTYPE, of the expected kind, issued by a registered SP, recent, and —
 * where `mustSign`, the SP's metadata says it signs, or a signature is there — the signature over the
 * query octets verified with the SP's pinned certificate (never one from the message).
 */
function readRedirect(
  rawQuery: string,
  localName: 'AuthnRequest' | 'LogoutRequest' | 'LogoutResponse',
  lookup: (entityId: string) => ServiceProvider | null,
  now: Date,
  mustSign: boolean,
): RedirectMessage {
  const param = localName === 'LogoutResponse' ? 'SAMLResponse' : 'SAMLRequest';
  const encoded = rawParam(rawQuery, param);
  if (!encoded) throw samlRefused('saml-no-request', `no ${param}`);
  let xml: string;
  try {
    const deflated = Buffer.from(decodeURIComponent(encoded.replace(/\+/g, '%20')), 'base64');
    xml = inflateRawSync(deflated, { maxOutputLength: MAX_REQUEST }).toString('utf8');
  } catch {
    throw samlRefused(
      'saml-bad-request',
      'SAMLRequest is not a deflated, base64-encoded message (or over 16 KB)',
    );
  }
  let root: XmlElement;
  try {
    root = parseXmlSafely(xml).documentElement as XmlElement;
  } catch (e) {
    throw samlRefused('saml-bad-request', e instanceof XmlRefusal ? e.message : 'not XML');
  }
  if (root.namespaceURI !== SAMLP || root.localName !== localName)
    throw samlRefused('saml-bad-request', `not a ${localName}`);
  const id = attr(root, 'ID');
  const issuer = text(child(root, SAML, 'Issuer'));
  const instant = Date.parse(attr(root, 'IssueInstant') ?? '');
  if (!id || !issuer) throw samlRefused('saml-bad-request', `${localName} without ID or Issuer`);
  if (!Number.isFinite(instant) || Math.abs(now.getTime() - instant) > SKEW_MS)
    throw samlRefused('saml-stale-request', `the ${localName} is not recent (IssueInstant)`);
  const sp = lookup(issuer);
  if (!sp)
    throw new HubError(403, 'saml-unknown-sp', `${issuer} is not a service provider this network trusts`);
  const signature = rawParam(rawQuery, 'Signature');
  if (mustSign || sp.authnRequestsSigned || signature) {
    const sigAlg = rawParam(rawQuery, 'SigAlg');
    const algorithm = sigAlg ? SIG_ALGORITHMS[decodeURIComponent(sigAlg)] : undefined;
    if (!signature || !sigAlg || !algorithm)
      throw new HubError(
        403,
        'saml-unsigned',
        'a signed request is required: signature or algorithm missing (rsa-sha256)',
      );
    const relay = rawParam(rawQuery, 'RelayState');
    const signed = `${param}=${encoded}${relay !== null ? `&RelayState=${relay}` : ''}&SigAlg=${sigAlg}`;
    const bytes = Buffer.from(decodeURIComponent(signature), 'base64');
    const valid = sp.signingCerts.some((cert) => {
      try {
        return createVerify(algorithm).update(signed).verify(cert, bytes);
      } catch {
        return false;
      }
    });
    if (!valid)
      throw new HubError(
        403,
        'saml-bad-signature',
        'the request’s signature does not verify with the SP’s certificate',
      );
  }
  const relayRaw = rawParam(rawQuery, 'RelayState');
  const relayState = relayRaw === null ? null : decodeURIComponent(relayRaw.replace(/\+/g, '%20'));
  if (relayState !== null && relayState.length > 512)
    throw samlRefused('saml-bad-request', 'RelayState over 512 characters');
  return { root, id, sp, relayState };
}

/** An SP's AuthnRequest (HTTP-Redirect): checked as above, its ACS one of the SP's metadata. */
export function readRedirectAuthnRequest(
  rawQuery: string,
  lookup: (entityId: string) => ServiceProvider | null,
  now: Date,
): AuthnRequest {
  const { root, id, sp, relayState } = readRedirect(rawQuery, 'AuthnRequest', lookup, now, false);
  const asked = attr(root, 'AssertionConsumerServiceURL');
  const index = attr(root, 'AssertionConsumerServiceIndex');
  const acs = asked
    ? sp.acs.find((a) => a.location === asked)?.location
    : index !== null
      ? sp.acs.find((a) => a.index === Number(index))?.location
      : sp.acs[0]?.location;
  if (!acs)
    throw new HubError(403, 'saml-bad-acs', 'the AssertionConsumerService is not one of the SP’s metadata');
  return { id, sp, acs, relayState };
}

/** An SP's LogoutRequest (HTTP-Redirect): always signed (SAML Profiles §4.4.3.1); the NameID it ends. */
export function readRedirectLogoutRequest(
  rawQuery: string,
  lookup: (entityId: string) => ServiceProvider | null,
  now: Date,
): {
  id: string;
  sp: ServiceProvider;
  nameId: string | null;
  sessionIndex: string | null;
  relayState: string | null;
} {
  const { root, id, sp, relayState } = readRedirect(rawQuery, 'LogoutRequest', lookup, now, true);
  return {
    id,
    sp,
    nameId: text(child(root, SAML, 'NameID')),
    sessionIndex: text(child(root, SAMLP, 'SessionIndex')),
    relayState,
  };
}

/** An SP's LogoutResponse (HTTP-Redirect) in a logout chain: always signed; what it answers. */
export function readRedirectLogoutResponse(
  rawQuery: string,
  lookup: (entityId: string) => ServiceProvider | null,
  now: Date,
): { sp: ServiceProvider; inResponseTo: string | null; relayState: string | null } {
  const { root, sp, relayState } = readRedirect(rawQuery, 'LogoutResponse', lookup, now, true);
  return { sp, inResponseTo: attr(root, 'InResponseTo'), relayState };
}
