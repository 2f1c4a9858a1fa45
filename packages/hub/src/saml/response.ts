import { randomBytes } from 'node:crypto';
import { el, t } from '@hie/platform';
import { SignedXml } from 'xml-crypto';
import type { SamlKeys } from './keys.js';
import { SAML, SAMLP } from './metadata.js';

const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const BASIC = 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri';

/** A new SAML ID: an NCName (starts with a letter), 160 random bits. */
export const samlId = () => `_${randomBytes(20).toString('hex')}`;

/** What the assertion says of the user: the XSPA/XUA attribute names where there is one. */
export interface AssertedUser {
  userId: string;
  name: string;
  profession: string;
  hcRole: string | null;
  facilityOid: string;
  facilityName: string;
  purposeOfUse: string;
}

/** Attribute name → values; names are URIs (NameFormat uri) so every SP reads the same thing. */
export function userAttributes(user: AssertedUser): Record<string, string[]> {
  return {
    'urn:oasis:names:tc:xspa:1.0:subject:subject-id': [user.name],
    'urn:oasis:names:tc:xspa:1.0:subject:organization-id': [`urn:oid:${user.facilityOid}`],
    'urn:oasis:names:tc:xspa:1.0:subject:organization': [user.facilityName],
    'urn:oasis:names:tc:xacml:2.0:subject:role': [user.profession],
    'urn:oasis:names:tc:xspa:1.0:subject:purposeofuse': [user.purposeOfUse],
    'urn:oid:1.2.392.100495.1.6.1.1': user.hcRole ? [user.hcRole] : [],
    'urn:oid:0.9.2342.19200300.100.1.1': [user.userId],
  };
}

/**
 * The patient a user crosses to a partner network with (portal to portal, saml/README.md): our
 * regional id as the XACML resource-id, and the identity traits the partner's PDQ needs.
 */
export const PATIENT_ATTRIBUTES = {
  id: 'urn:oasis:names:tc:xacml:2.0:resource:resource-id',
  nameKana: 'urn:hie:patient:name-kana',
  nameKanji: 'urn:hie:patient:name',
  birthDate: 'urn:hie:patient:birth-date',
  sex: 'urn:hie:patient:sex',
} as const;

/** What an assertion says, for SSO (in a Response) or on its own (XUA, partner/xua-token.ts). */
export interface AssertionOptions {
  issuer: string;
  audience: string;
  /** The bearer SubjectConfirmation's Recipient (the ACS, or the partner's endpoint). */
  recipient: string;
  inResponseTo: string | null;
  user: AssertedUser;
  sessionIndex: string;
  now: Date;
  /** Lifetime of the assertion (bearer): short, the SP consumes it at once. */
  lifetimeSeconds?: number;
  /** More attributes (the patient context of a crossing), signed with the rest. */
  extraAttributes?: Record<string, string[]>;
}

export interface ResponseOptions extends Omit<AssertionOptions, 'recipient'> {
  destination: string;
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * An unsigned saml:Assertion (its ID returned for the signature): the persistent NameID, a bearer
 * SubjectConfirmation bound to the recipient (and the request, when answering one), the
 * AudienceRestriction, NotOnOrAfter a few minutes ahead, and the user's attributes.
 */
export function assertionElement(o: AssertionOptions): { xml: string; id: string } {
  const now = iso(o.now);
  const until = iso(new Date(o.now.getTime() + (o.lifetimeSeconds ?? 300) * 1000));
  const notBefore = iso(new Date(o.now.getTime() - 30_000));
  const id = samlId();
  const attributes = Object.entries({ ...userAttributes(o.user), ...o.extraAttributes })
    .filter(([, values]) => values.length > 0)
    .map(([name, values]) =>
      el(
        'saml:Attribute',
        { Name: name, NameFormat: BASIC },
        ...values.map((v) =>
          el(
            'saml:AttributeValue',
            {
              'xmlns:xs': 'http://www.w3.org/2001/XMLSchema',
              'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
              'xsi:type': 'xs:string',
            },
            t(v),
          ),
        ),
      ),
    );
  const xml = el(
    'saml:Assertion',
    { 'xmlns:saml': SAML, ID: id, Version: '2.0', IssueInstant: now },
    el('saml:Issuer', {}, t(o.issuer)),
    el(
      'saml:Subject',
      {},
      el(
        'saml:NameID',
        {
          Format: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
          NameQualifier: o.issuer,
          SPNameQualifier: o.audience,
        },
        t(o.user.userId),
      ),
      el(
        'saml:SubjectConfirmation',
        { Method: 'urn:oasis:names:tc:SAML:2.0:cm:bearer' },
        el('saml:SubjectConfirmationData', {
          NotOnOrAfter: until,
          Recipient: o.recipient,
          InResponseTo: o.inResponseTo,
        }),
      ),
    ),
    el(
      'saml:Conditions',
      { NotBefore: notBefore, NotOnOrAfter: until },
      el('saml:AudienceRestriction', {}, el('saml:Audience', {}, t(o.audience))),
    ),
    el(
      'saml:AuthnStatement',
      { AuthnInstant: now, SessionIndex: o.sessionIndex },
      el(
        'saml:AuthnContext',
        {},
        el(
          'saml:AuthnContextClassRef',
          {},
          'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport',
        ),
      ),
    ),
    el('saml:AttributeStatement', {}, ...attributes),
  );
  return { xml, id };
}

/**
 * A signed SAML 2.0 Response for the Web Browser SSO profile: the Assertion signed (enveloped,
 * exclusive c14n, RSA-SHA256, the Reference on its ID) and then the Response itself, so an SP that
 * checks either finds a signature; bearer SubjectConfirmation bound to the ACS and the request,
 * AudienceRestriction to the SP, NotOnOrAfter a few minutes ahead.
 */
export function signedResponse(keys: SamlKeys, o: ResponseOptions): string {
  const assertion = assertionElement({ ...o, recipient: o.destination });
  const responseId = samlId();
  const response = el(
    'samlp:Response',
    {
      'xmlns:samlp': SAMLP,
      'xmlns:saml': SAML,
      ID: responseId,
      Version: '2.0',
      IssueInstant: iso(o.now),
      Destination: o.destination,
      InResponseTo: o.inResponseTo,
    },
    el('saml:Issuer', {}, t(o.issuer)),
    el('samlp:Status', {}, el('samlp:StatusCode', { Value: 'urn:oasis:names:tc:SAML:2.0:status:Success' })),
    assertion.xml,
  );
  const assertionSigned = sign(keys, response, assertion.id, 'Assertion');
  return sign(keys, assertionSigned, responseId, 'Response');
}

/** Enveloped signature of the element with this ID, placed right after its Issuer (as the schema wants). */
export function sign(keys: SamlKeys, xml: string, id: string, localName: string): string {
  const signer = new SignedXml({
    privateKey: keys.keyPem,
    publicCert: keys.certPem,
    signatureAlgorithm: RSA_SHA256,
    canonicalizationAlgorithm: EXC_C14N,
  });
  signer.addReference({
    xpath: `//*[local-name(.)='${localName}' and @ID='${id}']`,
    transforms: [ENVELOPED, EXC_C14N],
    digestAlgorithm: SHA256,
  });
  signer.computeSignature(xml, {
    prefix: 'ds',
    location: {
      reference: `//*[local-name(.)='${localName}' and @ID='${id}']/*[local-name(.)='Issuer']`,
      action: 'after',
    },
  });
  return signer.getSignedXml();
}
