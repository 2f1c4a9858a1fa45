import { createHash, webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import * as asn1js from 'asn1js';

/**
 * What an HPKI certificate says about its holder, read once from its DER: names, serial, validity,
 * policies, key usage and the hcRole (HPKI-OID.md §1). The TLS layer has already checked the chain,
 * validity and revocation; this is what our own checks (checks.ts) and the binding (bindings.ts) use.
 */
export interface CardCertificate {
  /** RFC 4514 form, e.g. `CN=YAMADA TARO, O=…, C=JP`. */
  subject: string;
  issuer: string;
  /** The certificate's serial number, lower-case hex without leading zeros. */
  serial: string;
  /** The subject's `serialNumber` attribute (2.5.4.5): the holder's id at the CA, kept across renewals. */
  holderId: string | null;
  notBefore: string;
  notAfter: string;
  policies: readonly string[];
  /** keyUsage bits by name (digitalSignature, nonRepudiation, …); empty when the extension is absent. */
  keyUsage: readonly string[];
  extendedKeyUsage: readonly string[];
  /** The hcRole string ("Medical Doctor"), or null for a card issued without one. */
  hcRole: string | null;
  sha256: string;
  pem: string;
}

/** id-hcpki-at-healthcareactor (ISO 17090): the attribute inside subjectDirectoryAttributes. */
export const HC_ACTOR_ATTRIBUTE = '1.0.17090.0.1';
/** The national coding scheme of hcRole: {jp mhlw jhpki hcRole national-coding-scheme version}. */
export const HC_ROLE_SCHEME = '1.2.392.100495.1.6.1.1';
const SUBJECT_DIRECTORY_ATTRIBUTES = '2.5.29.9';
const SUBJECT_SERIAL_NUMBER = '2.5.4.5';

let x509: typeof X509 | undefined;
/** @peculiar/x509, loaded on first use: it needs the reflect-metadata polyfill before it. */
export async function loadX509(): Promise<typeof X509> {
  if (x509) return x509;
  await import('reflect-metadata');
  const loaded = await import('@peculiar/x509');
  loaded.cryptoProvider.set(webcrypto as unknown as Parameters<typeof loaded.cryptoProvider.set>[0]);
  x509 = loaded;
  return loaded;
}

const KEY_USAGE_BITS: readonly [number, string][] = [
  [1, 'digitalSignature'],
  [2, 'nonRepudiation'],
  [4, 'keyEncipherment'],
  [8, 'dataEncipherment'],
  [16, 'keyAgreement'],
  [32, 'keyCertSign'],
  [64, 'cRLSign'],
];

/** Reads a certificate (DER or PEM). Throws on anything that is not one X.509 certificate. */
export async function readCardCertificate(input: Uint8Array | string): Promise<CardCertificate> {
  const lib = await loadX509();
  const cert = new lib.X509Certificate(typeof input === 'string' ? input : new Uint8Array(input));
  const raw = new Uint8Array(cert.rawData);
  const policies = cert.getExtension(lib.CertificatePolicyExtension)?.policies ?? [];
  const usage = cert.getExtension(lib.KeyUsagesExtension)?.usages ?? 0;
  const eku = cert.getExtension(lib.ExtendedKeyUsageExtension)?.usages ?? [];
  const sda = cert.getExtension(SUBJECT_DIRECTORY_ATTRIBUTES);
  const holder = cert.subjectName.getField(SUBJECT_SERIAL_NUMBER)[0] ?? null;
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    serial: normaliseSerial(cert.serialNumber),
    holderId: holder,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    policies: [...policies],
    keyUsage: KEY_USAGE_BITS.filter(([bit]) => (usage & bit) !== 0).map(([, name]) => name),
    extendedKeyUsage: eku.map(String),
    hcRole: sda ? hcRoleOf(new Uint8Array(sda.value)) : null,
    sha256: createHash('sha256').update(raw).digest('hex'),
    pem: cert.toString('pem'),
  };
}

/** A serial as the binding stores it: lower-case hex, no leading zeros, no separators. */
export function normaliseSerial(serial: string): string {
  const hex = serial
    .replace(/[\s:]/g, '')
    .toLowerCase()
    .replace(/^0+(?=.)/, '');
  if (!/^[0-9a-f]+$/.test(hex)) throw new Error(`not a hexadecimal serial number: ${serial}`);
  return hex;
}

/**
 * The hcRole inside a subjectDirectoryAttributes value: the `[2]` free-text string of the CodedData
 * whose scheme is HC_ROLE_SCHEME, in the HC actor attribute. Real cards wrap the HCActor in one more
 * SET than ISO 17090 shows (HPKI-OID.md), so the walk looks for the scheme OID and its sibling `[2]`
 * string at any depth below the attribute rather than at fixed positions. Null when absent.
 */
export function hcRoleOf(value: Uint8Array): string | null {
  const parsed = asn1js.fromBER(value);
  if (parsed.offset === -1) throw new Error('subjectDirectoryAttributes is not DER');
  const attributes = children(parsed.result);
  for (const attribute of attributes) {
    const [type, values] = children(attribute);
    if (!(type instanceof asn1js.ObjectIdentifier) || type.valueBlock.toString() !== HC_ACTOR_ATTRIBUTE)
      continue;
    if (!values) continue;
    const role = roleBelow(values);
    if (role !== null) return role;
  }
  return null;
}

function roleBelow(node: asn1js.AsnType): string | null {
  const kids = children(node);
  const hasScheme = kids.some(
    (k) =>
      explicitOid(k) === HC_ROLE_SCHEME ||
      (k instanceof asn1js.ObjectIdentifier && k.valueBlock.toString() === HC_ROLE_SCHEME),
  );
  if (hasScheme) {
    for (const k of kids) {
      if (k.idBlock.tagClass === 3 && k.idBlock.tagNumber === 2) {
        const text = stringOf(k);
        if (text !== null) return text;
      }
    }
  }
  for (const k of kids) {
    const found = roleBelow(k);
    if (found !== null) return found;
  }
  return null;
}

/** `[0] OID` (explicitly tagged, as on real cards) → the OID's dotted form. */
function explicitOid(node: asn1js.AsnType): string | null {
  if (node.idBlock.tagClass !== 3 || node.idBlock.tagNumber !== 0) return null;
  const [inner] = children(node);
  return inner instanceof asn1js.ObjectIdentifier ? inner.valueBlock.toString() : null;
}

/** The text of `[2] UTF8String` (explicit) or of an implicitly tagged string. */
function stringOf(node: asn1js.AsnType): string | null {
  const [inner] = children(node);
  if (inner && 'valueBlock' in inner && typeof (inner.valueBlock as { value?: unknown }).value === 'string') {
    return (inner.valueBlock as { value: string }).value;
  }
  const hex = (node.valueBlock as { valueHexView?: Uint8Array }).valueHexView;
  return hex && hex.length > 0 && !node.idBlock.isConstructed ? new TextDecoder().decode(hex) : null;
}

function children(node: asn1js.AsnType): asn1js.AsnType[] {
  const value = (node.valueBlock as { value?: unknown }).value;
  return Array.isArray(value) ? (value as asn1js.AsnType[]) : [];
}
