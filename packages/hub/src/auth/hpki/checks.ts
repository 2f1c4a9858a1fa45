import type { TLSSocket } from 'node:tls';
import { PROFESSIONS, type Profession } from '@hie/contract';
import type { FastifyRequest } from 'fastify';
import { HubError } from '../../http.js';
import { type CardCertificate, readCardCertificate } from './card.js';
import type { HpkiTrust } from './trust.js';

/**
 * A refusal of a card, with the stable code the audit and the screen show. The TLS layer decides
 * chain, validity and revocation (its error is translated here); policy, key usage, CRL age and role
 * are ours.
 */
export class CardRefused extends HubError {
  constructor(
    code: string,
    message: string,
    readonly certificate: CardCertificate | null = null,
    readonly tlsError: string | null = null,
  ) {
    super(code === 'hpki-no-certificate' ? 401 : 403, code, message, tlsError ? { tlsError } : undefined);
  }
}

/** OpenSSL's verdicts on a client certificate → our codes. */
function refusalOfTlsError(error: string): { code: string; message: string } {
  if (error === 'CERT_REVOKED')
    return { code: 'hpki-revoked', message: 'this card’s certificate is revoked / 失効した証明書です' };
  if (error === 'CERT_HAS_EXPIRED' || error === 'CERT_NOT_YET_VALID')
    return {
      code: 'hpki-expired',
      message: 'this card’s certificate is not valid today / 有効期間外の証明書です',
    };
  if (error === 'INVALID_PURPOSE')
    return {
      code: 'hpki-key-usage',
      message:
        'this certificate may not be used for authentication — a signing (署名用) certificate cannot log in / 認証に使えない証明書です',
    };
  if (/CRL/.test(error))
    return {
      code: 'hpki-crl-unavailable',
      message:
        'revocation cannot be checked now (no current CRL); ask the network office / 失効情報を確認できません',
    };
  return {
    code: 'hpki-untrusted',
    message:
      'this certificate is not from an HPKI CA the network trusts / 信頼されたHPKI認証局の証明書ではありません',
  };
}

/**
 * The presented card's authentication certificate, verified: TLS said yes, and our own rules hold.
 * Throws CardRefused (with the certificate where one was read) otherwise.
 */
export async function verifiedCard(request: FastifyRequest, trust: HpkiTrust): Promise<CardCertificate> {
  const socket = request.raw.socket as Partial<TLSSocket>;
  const peer = socket.encrypted ? socket.getPeerCertificate?.() : undefined;
  if (!peer?.raw) {
    throw new CardRefused(
      'hpki-no-certificate',
      'no HPKI card was presented: insert the card and choose its authentication certificate / HPKIカードが提示されていません',
    );
  }
  const card = await readCardCertificate(peer.raw);
  if (!socket.authorized) {
    const error = String(socket.authorizationError ?? 'UNVERIFIED');
    const { code, message } = refusalOfTlsError(error);
    throw new CardRefused(code, message, card, error);
  }
  if (!card.policies.some((p) => trust.config.policies.includes(p))) {
    throw new CardRefused(
      'hpki-policy',
      'this is not an HPKI authentication certificate (policy) — a signing certificate cannot log in / 認証用証明書ではありません',
      card,
    );
  }
  if (!card.keyUsage.includes('digitalSignature')) {
    throw new CardRefused(
      'hpki-key-usage',
      'this certificate may not be used for authentication (key usage) / 認証に使えない証明書です',
      card,
    );
  }
  const crls = trust.crlsOf(card.issuer);
  if (crls.length === 0 || crls.every((c) => c.stale)) {
    throw new CardRefused(
      'hpki-crl-stale',
      'the revocation list of this card’s CA is too old; ask the network office / 失効リストが古いため確認できません',
      card,
    );
  }
  return card;
}

/**
 * The profession the card proves, checked against the one the directory holds: a card's hcRole must
 * map to exactly the user's profession; a card without hcRole (issued to non-licensed staff) proves
 * identity only, so it is accepted only for a profession that needs no licence.
 */
export function checkRole(
  card: CardCertificate,
  registered: Profession,
  roles: Readonly<Record<string, Profession>>,
): void {
  if (card.hcRole === null) {
    if (PROFESSIONS[registered].licensed) {
      throw new CardRefused(
        'hpki-role-missing',
        `this card carries no hcRole, but the account is registered as ${PROFESSIONS[registered].en} / 資格情報のないカードです`,
        card,
      );
    }
    return;
  }
  const proven = roles[card.hcRole];
  if (proven !== registered) {
    throw new CardRefused(
      'hpki-role-mismatch',
      `the card says “${card.hcRole}”, the account is registered as ${PROFESSIONS[registered].en} / カードの資格と登録された職種が一致しません`,
      card,
    );
  }
}

/** The default hcRole → profession map: PROFESSIONS' own hcRole, and the therapists' other two strings. */
export function defaultRoleMap(): Record<string, Profession> {
  const map: Record<string, Profession> = {};
  for (const [code, p] of Object.entries(PROFESSIONS)) if (p.hcRole) map[p.hcRole] = code as Profession;
  map['Occupational Therapist'] = 'therapist';
  map['Speech-Language-Hearing Therapist'] = 'therapist';
  return map;
}
