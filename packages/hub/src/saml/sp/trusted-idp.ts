import { attr, children } from '@hie/platform';
import { entityRole, MD, REDIRECT_BINDING, signingCertificates } from '../metadata.js';

/** The attribute that names the subject when the NameID is not the one to match (config `subjectAttribute`). */
export const UID_ATTRIBUTE = 'urn:oid:0.9.2342.19200300.100.1.1';

/** The attribute names read by default: those our own IdP sends (saml/response.ts), XSPA/XUA where one exists. */
export const DEFAULT_ATTRIBUTES = {
  name: 'urn:oasis:names:tc:xspa:1.0:subject:subject-id',
  facility: 'urn:oasis:names:tc:xspa:1.0:subject:organization-id',
  profession: 'urn:oasis:names:tc:xacml:2.0:subject:role',
  hcRole: 'urn:oid:1.2.392.100495.1.6.1.1',
} as const;
export type AttributeNames = { [K in keyof typeof DEFAULT_ATTRIBUTES]: string };

/** An identity provider the network trusts (another network's hub, a hospital's IdP), from its metadata. */
export interface TrustedIdp {
  entityId: string;
  name: string;
  /** SingleSignOnService, HTTP-Redirect binding: where our AuthnRequest goes. */
  ssoUrl: string;
  /** Signing certificates (PEM), pinned from the metadata file: never one carried by a message. */
  signingCerts: string[];
  /** The assertion's attribute that names the user; null: the NameID. */
  subjectAttribute: string | null;
  /** Accept IdP-initiated (unsolicited) responses from it (never by default). */
  allowUnsolicited: boolean;
  /** Where it says the name, facility, profession and hcRole. */
  attributes: AttributeNames;
  /**
   * A partner network (interconnection agreement): its users may arrive with a patient (portal to
   * portal), found here by our PDQ with the traits its assertion carries.
   */
  patientLanding: boolean;
  /**
   * A partner network whose hub may query our records for its users (records into its timeline,
   * partner/README.md): calls carry an XUA assertion signed with this IdP's key.
   */
  partnerRecords: boolean;
}

export interface TrustedIdpOptions {
  name?: string;
  subjectAttribute?: string;
  allowUnsolicited?: boolean;
  attributes?: Partial<AttributeNames>;
  patientLanding?: boolean;
  partnerRecords?: boolean;
}

/** Reads an IdP's EntityDescriptor. Throws a plain Error naming what is missing. */
export function parseIdpMetadata(xml: string, options: TrustedIdpOptions = {}): TrustedIdp {
  const { entityId, role: idp } = entityRole(xml, 'IDPSSODescriptor');
  const ssoUrl = children(idp, MD, 'SingleSignOnService')
    .find((s) => attr(s, 'Binding') === REDIRECT_BINDING)
    ?.getAttribute('Location');
  if (!ssoUrl) throw new Error(`${entityId}: no SingleSignOnService with the HTTP-Redirect binding`);
  const signingCerts = signingCertificates(idp);
  if (signingCerts.length === 0) throw new Error(`${entityId}: no signing certificate`);
  return {
    entityId,
    name: options.name ?? entityId,
    ssoUrl,
    signingCerts,
    subjectAttribute: options.subjectAttribute ?? null,
    allowUnsolicited: options.allowUnsolicited ?? false,
    attributes: { ...DEFAULT_ATTRIBUTES, ...options.attributes },
    patientLanding: options.patientLanding ?? false,
    partnerRecords: options.partnerRecords ?? false,
  };
}
