import { isProfession, PROFESSIONS } from '@hie/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { agentOf, auditHub } from '../../audit-record.js';
import { HubError, requirePrincipal } from '../../http.js';
import { activeMemberships } from '../complete.js';
import type { LoginMethod } from '../methods.js';
import { AttemptCounter } from '../rate-limit.js';
import { addBinding, boundUser } from './bindings.js';
import type { CardCertificate } from './card.js';
import { CardRefused, checkRole, verifiedCard } from './checks.js';
import type { HpkiTrust } from './trust.js';

export const HPKI = 'hpki';
const tags = ['auth'];
const loginBody = z.object({ facilityOid: z.string().min(1).max(256).optional() });

/** What the screens show of a card (never its PEM). */
export const cardSummary = (card: CardCertificate) => ({
  subject: card.subject,
  issuer: card.issuer,
  serial: card.serial,
  holderId: card.holderId,
  hcRole: card.hcRole,
  notAfter: card.notAfter,
});

/**
 * HPKI card login (auth/hpki/README.md): on the card listener only (TLS asks for the client
 * certificate there; the PIN stays in the card middleware), the card's authentication certificate —
 * verified by TLS against the HPKI anchors and CRLs, then by policy, key usage, CRL age and role — is
 * looked up in the bindings, and the bound user logs in without a TOTP code (card + PIN are the two
 * factors). Users enrol their own card after a password login on the same listener; an administrator
 * approves it.
 */
export function hpkiCard(trust: HpkiTrust): LoginMethod {
  return {
    id: HPKI,
    label: { ja: 'HPKIカード', en: 'HPKI card' },
    register(app, deps, complete) {
      // Failed card logins per address: a card is only presented by TLS, but each try costs a lookup and an audit row.
      const failures = new AttemptCounter({ max: 30, windowSeconds: 10 * 60 });

      const refuse = async (request: FastifyRequest, error: unknown, userId?: string): Promise<never> => {
        if (error instanceof CardRefused || (error instanceof HubError && error.code.startsWith('hpki-'))) {
          const card = error instanceof CardRefused ? error.certificate : null;
          const attempt = failures.hit(`ip:${request.ip}`, deps.now());
          if (attempt.allowed || attempt.first) {
            await auditHub(deps, [
              {
                type: 'login',
                action: 'E',
                outcome: '4',
                outcomeDescription: error.code,
                ...(userId ? { agent: { userId, address: request.ip } } : {}),
                detail: {
                  method: HPKI,
                  reason: error.code,
                  address: request.ip,
                  ...(card ? { subject: card.subject, issuer: card.issuer, serial: card.serial } : {}),
                  ...(card?.hcRole ? { hcRole: card.hcRole } : {}),
                  ...(error instanceof CardRefused && error.tlsError ? { tlsError: error.tlsError } : {}),
                },
              },
            ]);
          }
          if (!attempt.allowed) {
            throw new HubError(
              429,
              'rate-limited',
              'too many attempts; wait / しばらく待ってからお試しください',
              {
                retryAfterSeconds: attempt.retryAfterSeconds,
              },
            );
          }
        }
        throw error;
      };

      /** The verified card and the user it is bound to, with the role checked against the directory. */
      const cardUser = async (request: FastifyRequest) => {
        let card: CardCertificate;
        try {
          card = await verifiedCard(request, trust);
        } catch (e) {
          return refuse(request, e);
        }
        const userId = await boundUser(deps.store, card);
        if (!userId) {
          return refuse(
            request,
            new CardRefused(
              'hpki-not-bound',
              'this card is not registered for any user: log in with ID and password and enrol it / このカードは未登録です',
              card,
            ),
          );
        }
        const user = await deps.store.db
          .selectFrom('hub_user')
          .select(['profession', 'status'])
          .where('id', '=', userId)
          .executeTakeFirst();
        if (!user || !isProfession(user.profession)) {
          return refuse(
            request,
            new CardRefused('hpki-not-bound', 'this card’s user no longer exists', card),
            userId,
          );
        }
        try {
          checkRole(card, user.profession, trust.config.roles);
        } catch (e) {
          return refuse(request, e, userId);
        }
        return { card, userId };
      };

      app.get(
        '/auth/hpki/card',
        {
          schema: {
            tags,
            summary: 'The HPKI card presented on this connection: verified? bound? (card listener)',
          },
        },
        async (request) => {
          try {
            const { card, userId } = await cardUser(request);
            return {
              card: cardSummary(card),
              facilities: await activeMemberships(deps.store, userId),
              // With a session (the enrol screen): whether the card is already this user's.
              ...(request.principal ? { yours: request.principal.userId === userId } : {}),
            };
          } catch (e) {
            if (e instanceof CardRefused) {
              return {
                card: e.certificate ? cardSummary(e.certificate) : null,
                refusal: { code: e.code, message: e.message },
              };
            }
            throw e;
          }
        },
      );

      app.post(
        '/auth/hpki/login',
        {
          schema: {
            tags,
            summary: 'Log in with the HPKI card presented on this connection',
            body: loginBody,
          },
        },
        async (request: FastifyRequest, reply: FastifyReply) => {
          const body = request.body as z.infer<typeof loginBody>;
          const { card, userId } = await cardUser(request);
          const facilities = await activeMemberships(deps.store, userId);
          const facility = body.facilityOid
            ? facilities.find((f) => f.oid === body.facilityOid)
            : facilities.length === 1
              ? facilities[0]
              : undefined;
          if (!facility && !body.facilityOid && facilities.length > 1) {
            throw new HubError(
              400,
              'choose-facility',
              'choose the facility you act for / 所属施設を選んでください',
              {
                facilities,
              },
            );
          }
          return complete(request, reply, {
            userId,
            facilityOid: facility?.oid ?? body.facilityOid ?? '',
            method: HPKI,
            detail: {
              subject: card.subject,
              issuer: card.issuer,
              serial: card.serial,
              ...(card.hcRole ? { hcRole: card.hcRole } : {}),
            },
          });
        },
      );

      app.post(
        '/auth/hpki/enrol',
        {
          schema: {
            tags,
            summary:
              'Ask to bind the HPKI card presented on this connection to me (an administrator approves)',
          },
        },
        async (request) => {
          const principal = requirePrincipal(request);
          let card: CardCertificate;
          try {
            card = await verifiedCard(request, trust);
            checkRole(card, principal.profession, trust.config.roles);
          } catch (e) {
            return refuse(request, e, principal.userId);
          }
          const binding = await addBinding(deps.store, {
            userId: principal.userId,
            kind: 'certificate',
            issuer: card.issuer,
            matchValue: card.serial,
            card,
            status: 'pending',
            by: principal.userId,
            now: deps.now(),
          });
          await auditHub(deps, [
            {
              type: 'admin',
              action: 'C',
              outcome: '0',
              agent: agentOf(principal, request.ip),
              entities: [`hub_hpki_binding/${binding.id}`],
              detail: {
                action: 'hpki-enrol',
                userId: principal.userId,
                subject: card.subject,
                issuer: card.issuer,
                serial: card.serial,
                ...(card.hcRole ? { hcRole: card.hcRole } : {}),
              },
            },
          ]);
          return { binding, profession: PROFESSIONS[principal.profession].en };
        },
      );
    },
  };
}
