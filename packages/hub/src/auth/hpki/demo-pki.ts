import { randomBytes, randomInt, webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import * as asn1js from 'asn1js';
import { HC_ACTOR_ATTRIBUTE, HC_ROLE_SCHEME, loadX509 } from './card.js';
import { HPKI_AUTH_POLICY } from './trust.js';

/**
 * A test PKI shaped like HPKI (HPKI-OID.md §1), for tests, the browser test and the demo (never a
 * production trust anchor): a root like
 * "MHLW HPKI Root CA V2", an authentication CA under it (CA policy …1.5.1.2.3.1), and cards with the
 * end-entity profile — RSA-2048/SHA-256, certificatePolicies (critical), keyUsage digitalSignature,
 * EKU clientAuth, the subject's serialNumber, and hcRole inside subjectDirectoryAttributes encoded
 * byte for byte as on MEDIS cards. A second, unrelated root stands for "a CA we do not trust".
 */
export const HPKI_AUTH_CA_POLICY = '1.2.392.100495.1.5.1.2.3.1';
export const HPKI_SIGNING_POLICY = '1.2.392.100495.1.5.1.1.0.1';

const ALGORITHM = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const;
const DAY = 86_400_000;

export interface CardOptions {
  /** Romaji name in CN. */
  name?: string;
  /** The holder id (subject serialNumber). */
  holderId?: string;
  /** hcRole string; null for a card without one. Default "Medical Doctor". */
  role?: string | null;
  policy?: string;
  /** auth (digitalSignature) or signing (nonRepudiation only, as the 署名用 certificate). */
  usage?: 'auth' | 'signing';
  notBefore?: Date;
  notAfter?: Date;
  /** Issued by a CA the network does not trust. */
  untrusted?: boolean;
}

export interface TestCard {
  certPem: string;
  keyPem: string;
  serial: string;
}

export interface TestHpki {
  rootPem: string;
  authCaPem: string;
  /** Root + authentication CA, the bundle `hpki.anchors` takes. */
  anchorsPem: string;
  untrustedRootPem: string;
  issueCard(options?: CardOptions): Promise<TestCard>;
  /** The root's ARL and the authentication CA's CRL (both needed: OpenSSL checks every CA of the chain). */
  crls(options?: { revoked?: readonly string[]; thisUpdate?: Date; nextUpdate?: Date }): Promise<{
    rootCrlPem: string;
    authCaCrlPem: string;
  }>;
  /** A server certificate for the card listener (any CA: the browser is told to ignore it in tests). */
  serverTls(host?: string): Promise<{ key: string; cert: string }>;
}

/** The hcRole attribute, DER as on MEDIS cards: SEQ{ SEQ{ OID, SET{ SET{ SEQ{ [0]{ SET{ [0] OID, [2] UTF8 } } } } } } }. */
export function hcRoleExtensionValue(role: string): Uint8Array {
  const codedData = new asn1js.Set({
    value: [
      new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 0 },
        value: [new asn1js.ObjectIdentifier({ value: HC_ROLE_SCHEME })],
      }),
      new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 2 },
        value: [new asn1js.Utf8String({ value: role })],
      }),
    ],
  });
  const actor = new asn1js.Sequence({
    value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [codedData] })],
  });
  const attribute = new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: HC_ACTOR_ATTRIBUTE }),
      new asn1js.Set({ value: [new asn1js.Set({ value: [actor] })] }),
    ],
  });
  return new Uint8Array(new asn1js.Sequence({ value: [attribute] }).toBER());
}

export async function createTestHpki(now = new Date()): Promise<TestHpki> {
  const x509 = await loadX509();
  const keys = () =>
    webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']) as Promise<webcrypto.CryptoKeyPair>;
  const keyPem = async (key: webcrypto.CryptoKey) =>
    x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
  // Random positive serials, as CAs issue them (a card's serial never repeats across test PKIs).
  const nextSerial = () => (0x10 + randomInt(0x60)).toString(16) + randomBytes(7).toString('hex');
  const caExtensions = async (publicKey: webcrypto.CryptoKey, policy?: string) => [
    new x509.BasicConstraintsExtension(true, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
    ...(policy ? [new x509.CertificatePolicyExtension([policy], true)] : []),
  ];
  const rootName = 'C=JP, O=Ministry of Health\\, Labour and Welfare (test), OU=HPKI Root CA V2 (test)';
  const rootKeys = await keys();
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: rootName,
    notBefore: new Date(now.getTime() - 365 * DAY),
    notAfter: new Date(now.getTime() + 20 * 365 * DAY),
    keys: rootKeys,
    signingAlgorithm: ALGORITHM,
    extensions: await caExtensions(rootKeys.publicKey),
  });
  const caKeys = await keys();
  const authCa = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: 'C=JP, O=MEDIS (test), OU=HPKI-01-MedisAuthCA2-forAuthentication-forIndividual (test)',
    issuer: root.subject,
    notBefore: new Date(now.getTime() - 365 * DAY),
    notAfter: new Date(now.getTime() + 10 * 365 * DAY),
    publicKey: caKeys.publicKey,
    signingKey: rootKeys.privateKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      ...(await caExtensions(caKeys.publicKey, HPKI_AUTH_CA_POLICY)),
      await x509.AuthorityKeyIdentifierExtension.create(root, false),
    ],
  });
  const otherKeys = await keys();
  const otherRoot = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'C=JP, O=Somebody else, CN=Untrusted test CA',
    notBefore: new Date(now.getTime() - 365 * DAY),
    notAfter: new Date(now.getTime() + 20 * 365 * DAY),
    keys: otherKeys,
    signingAlgorithm: ALGORITHM,
    extensions: await caExtensions(otherKeys.publicKey),
  });

  return {
    rootPem: root.toString('pem'),
    authCaPem: authCa.toString('pem'),
    anchorsPem: `${root.toString('pem')}\n${authCa.toString('pem')}\n`,
    untrustedRootPem: otherRoot.toString('pem'),

    async issueCard(options: CardOptions = {}): Promise<TestCard> {
      const cardKeys = await keys();
      const serial = nextSerial();
      const issuer = options.untrusted ? otherRoot : authCa;
      const usage =
        options.usage === 'signing' ? x509.KeyUsageFlags.nonRepudiation : x509.KeyUsageFlags.digitalSignature;
      const role = options.role === undefined ? 'Medical Doctor' : options.role;
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: serial,
        subject: `C=JP, CN=${options.name ?? 'YAMADA TARO'}, 2.5.4.5=${options.holderId ?? `H${serial}`}`,
        issuer: issuer.subject,
        notBefore: options.notBefore ?? new Date(now.getTime() - DAY),
        notAfter: options.notAfter ?? new Date(now.getTime() + 3 * 365 * DAY),
        publicKey: cardKeys.publicKey,
        signingKey: options.untrusted ? otherKeys.privateKey : caKeys.privateKey,
        signingAlgorithm: ALGORITHM,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(usage, true),
          new x509.CertificatePolicyExtension(
            [options.policy ?? (options.usage === 'signing' ? HPKI_SIGNING_POLICY : HPKI_AUTH_POLICY)],
            true,
          ),
          ...(options.usage === 'signing'
            ? []
            : [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])]),
          ...(role ? [new x509.Extension('2.5.29.9', false, hcRoleExtensionValue(role))] : []),
          await x509.AuthorityKeyIdentifierExtension.create(issuer, false),
        ],
      });
      return { certPem: cert.toString('pem'), keyPem: await keyPem(cardKeys.privateKey), serial };
    },

    async crls(options = {}) {
      const thisUpdate = options.thisUpdate ?? new Date(now.getTime() - 3_600_000);
      const nextUpdate = options.nextUpdate ?? new Date(thisUpdate.getTime() + 2 * DAY);
      const rootCrl = await x509.X509CrlGenerator.create({
        issuer: root.subject,
        thisUpdate,
        nextUpdate,
        signingKey: rootKeys.privateKey,
        signingAlgorithm: ALGORITHM,
        entries: [],
      });
      const caCrl = await x509.X509CrlGenerator.create({
        issuer: authCa.subject,
        thisUpdate,
        nextUpdate,
        signingKey: caKeys.privateKey,
        signingAlgorithm: ALGORITHM,
        entries: (options.revoked ?? []).map((serialNumber) => ({
          serialNumber,
          revocationDate: new Date(thisUpdate.getTime() - 60_000),
        })),
      });
      const pem = (crl: X509.X509Crl) => x509.PemConverter.encode(crl.rawData, 'X509 CRL');
      return { rootCrlPem: pem(rootCrl), authCaCrlPem: pem(caCrl) };
    },

    async serverTls(host = '127.0.0.1') {
      const serverKeys = await keys();
      const cert = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: nextSerial(),
        name: `CN=${host}`,
        notBefore: new Date(now.getTime() - DAY),
        notAfter: new Date(now.getTime() + 365 * DAY),
        keys: serverKeys,
        signingAlgorithm: ALGORITHM,
        extensions: [
          new x509.SubjectAlternativeNameExtension([
            /^\d+\.\d+\.\d+\.\d+$/.test(host) ? { type: 'ip', value: host } : { type: 'dns', value: host },
          ]),
        ],
      });
      return { key: await keyPem(serverKeys.privateKey), cert: cert.toString('pem') };
    },
  };
}
