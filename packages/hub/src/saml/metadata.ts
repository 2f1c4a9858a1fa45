import { attr, children, el, parseXmlSafely } from '@hie/platform';
import type { Element as XmlElement } from '@xmldom/xmldom';
import { certBody } from './keys.js';

export const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
export const DS = 'http://www.w3.org/2000/09/xmldsig#';
export const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
export const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
export const POST_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
export const REDIRECT_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

/** A service provider the network trusts, from its metadata (registered by the office). */
export interface ServiceProvider {
  entityId: string;
  /** HTTP-POST AssertionConsumerService locations; the first is the default. */
  acs: { location: string; index: number; isDefault: boolean }[];
  /** SingleLogoutService (HTTP-Redirect) location, if any. */
  slo: string | null;
  /** Signing certificates (PEM), pinned from the metadata: never taken from a message. */
  signingCerts: string[];
  authnRequestsSigned: boolean;
  name: string;
  /** Its page to open from the portal (RelayState of IdP-initiated sign-on), if configured. */
  landing: string | null;
  /**
   * A partner network with an interconnection agreement: the facilities whose users may open a
   * patient there (portal to portal); null: no patient ever crosses to it.
   */
  crossingFacilities: string[] | null;
  /**
   * The partner hub's URL where those facilities' timelines also fetch the partner's records of the
   * patient (partner/README.md); null: portal to portal only.
   */
  recordsUrl: string | null;
}

/**
 * An EntityDescriptor's entity id and its role element (SPSSODescriptor or IDPSSODescriptor), read
 * with the hostile-XML guards. Throws a plain Error naming what is missing.
 */
export function entityRole(
  xml: string,
  role: 'SPSSODescriptor' | 'IDPSSODescriptor',
): { entityId: string; role: XmlElement } {
  const root = parseXmlSafely(xml).documentElement as XmlElement;
  if (root.namespaceURI !== MD || root.localName !== 'EntityDescriptor')
    throw new Error('not a SAML 2.0 EntityDescriptor');
  const entityId = attr(root, 'entityID');
  if (!entityId) throw new Error('EntityDescriptor has no entityID');
  const element = children(root, MD, role)[0];
  if (!element) throw new Error(`${entityId}: no ${role}`);
  return { entityId, role: element };
}

/** The signing certificates of a role (base64 DER, as `<ds:X509Certificate>` carries them). */
export const signingCertificates = (role: XmlElement): string[] =>
  children(role, MD, 'KeyDescriptor')
    .filter((k) => (attr(k, 'use') ?? 'signing') === 'signing')
    .flatMap((k) => [...k.getElementsByTagNameNS(DS, 'X509Certificate')])
    .map((c) => (c.textContent ?? '').replace(/\s/g, ''))
    .filter((b) => b.length > 0);

/** Reads an SP's EntityDescriptor. Throws a plain Error naming what is missing. */
export function parseSpMetadata(
  xml: string,
  name?: string,
  landing?: string,
  crossingFacilities?: string[],
  recordsUrl?: string,
): ServiceProvider {
  const { entityId, role: sp } = entityRole(xml, 'SPSSODescriptor');
  const acs = children(sp, MD, 'AssertionConsumerService')
    .filter((a) => attr(a, 'Binding') === POST_BINDING && attr(a, 'Location'))
    .map((a, i) => ({
      location: attr(a, 'Location') as string,
      index: Number(attr(a, 'index') ?? i),
      isDefault: attr(a, 'isDefault') === 'true',
    }))
    .sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.index - b.index);
  if (acs.length === 0)
    throw new Error(`${entityId}: no AssertionConsumerService with the HTTP-POST binding`);
  const slo =
    children(sp, MD, 'SingleLogoutService')
      .find((s) => attr(s, 'Binding') === REDIRECT_BINDING)
      ?.getAttribute('Location') ?? null;
  const signingCerts = signingCertificates(sp).map(pemOf);
  return {
    entityId,
    acs,
    slo,
    signingCerts,
    authnRequestsSigned: attr(sp, 'AuthnRequestsSigned') === 'true',
    name: name ?? entityId,
    landing: landing ?? null,
    crossingFacilities: crossingFacilities ?? null,
    recordsUrl: crossingFacilities && recordsUrl ? recordsUrl.replace(/\/+$/, '') : null,
  };
}

/** A certificate in PEM from base64 DER (as metadata carries it). */
export const pemOf = (base64: string) =>
  `-----BEGIN CERTIFICATE-----\n${(base64.replace(/\s/g, '').match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;

/** The hub's IdP metadata: signing certificate, SSO (HTTP-Redirect), SLO (HTTP-Redirect), NameID formats. */
export function idpMetadata(options: { entityId: string; baseUrl: string; certPem: string }): string {
  const base = options.baseUrl.replace(/\/$/, '');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${el(
    'md:EntityDescriptor',
    { 'xmlns:md': MD, 'xmlns:ds': DS, entityID: options.entityId },
    el(
      'md:IDPSSODescriptor',
      {
        WantAuthnRequestsSigned: 'false',
        protocolSupportEnumeration: 'urn:oasis:names:tc:SAML:2.0:protocol',
      },
      el(
        'md:KeyDescriptor',
        { use: 'signing' },
        el('ds:KeyInfo', {}, el('ds:X509Data', {}, el('ds:X509Certificate', {}, certBody(options.certPem)))),
      ),
      el('md:SingleLogoutService', { Binding: REDIRECT_BINDING, Location: `${base}/saml/idp/slo` }),
      el('md:NameIDFormat', {}, 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent'),
      el('md:SingleSignOnService', { Binding: REDIRECT_BINDING, Location: `${base}/saml/idp/sso` }),
    ),
  )}\n`;
}
