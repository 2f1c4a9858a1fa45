import { isProfession } from '@hie/contract';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { agentOf, auditHub } from '../audit-record.js';
import {
  addBinding,
  bindingById,
  bindingsOfUser,
  bindingsToReview,
  decideBinding,
} from '../auth/hpki/bindings.js';
import { type CardCertificate, normaliseSerial, readCardCertificate } from '../auth/hpki/card.js';
import { CardRefused, checkRole, defaultRoleMap } from '../auth/hpki/checks.js';
import type { HpkiTrust } from '../auth/hpki/trust.js';
import { revokeSessions } from '../auth/session.js';
import {
  type HubDeps,
  HubError,
  type HubPrincipal,
  type HubRoutes,
  requireOffice,
  requirePrincipal,
} from '../http.js';
import { administeredUser } from './credential-admin.js';
import { adminScopeOf } from './user-access.js';

const tags = ['auth', 'admin'];
const DEFAULT_ROLES = defaultRoleMap();
const userParams = z.object({ id: z.string().min(1).max(128) });
const statusQuery = z.object({ status: z.enum(['pending', 'active', 'revoked']).default('pending') });
const bindBody = z.union([
  z.object({ certificatePem: z.string().min(1).max(20_000) }),
  z.object({ issuer: z.string().min(1).max(1024), serial: z.string().min(1).max(128) }),
  z.object({ issuer: z.string().min(1).max(1024), holderId: z.string().min(1).max(128) }),
]);

/**
 * Administration of HPKI card bindings (hub/src/auth/hpki/README.md), on every listener: the office for anyone,
 * a facility administrator for users wholly of their facility (a card is a way into every facility the
 * person belongs to, like a password reset). `trust` is the card listener's, or null when HPKI login is
 * not configured (bindings can still be prepared).
 */
export function hpkiAdminRoutes(trust: HpkiTrust | null, publicUrl: string | null): HubRoutes {
  return (app, deps) => {
    const audit = (
      request: FastifyRequest,
      principal: HubPrincipal,
      action: string,
      bindingId: string,
      extra = {},
    ) =>
      auditHub(deps, [
        {
          type: 'admin',
          action: action === 'hpki-bind' ? 'C' : 'U',
          outcome: '0',
          agent: agentOf(principal, request.ip),
          entities: [`hub_hpki_binding/${bindingId}`],
          detail: { action, ...extra },
        },
      ]);

    app.get(
      '/admin/hpki/bindings',
      {
        schema: {
          tags,
          summary: 'HPKI card bindings to review (pending by default), in my scope',
          querystring: statusQuery,
        },
      },
      async (request) => {
        const principal = requirePrincipal(request);
        const { status } = request.query as z.infer<typeof statusQuery>;
        return { bindings: await bindingsToReview(deps.store, status, adminScopeOf(principal)) };
      },
    );

    app.get(
      '/admin/users/:id/hpki-bindings',
      { schema: { tags, summary: 'A user’s HPKI card bindings', params: userParams } },
      async (request) => {
        const principal = requirePrincipal(request);
        const userId = await administeredUser(deps, principal, (request.params as { id: string }).id);
        return { bindings: await bindingsOfUser(deps.store, userId) };
      },
    );

    app.post(
      '/admin/users/:id/hpki-bindings',
      {
        schema: {
          tags,
          summary:
            'Bind an HPKI card to a user: its certificate (PEM), or issuer + serial, or issuer + holder id',
          params: userParams,
          body: bindBody,
        },
      },
      async (request, reply) => {
        const principal = requirePrincipal(request);
        const userId = await administeredUser(deps, principal, (request.params as { id: string }).id);
        const body = request.body as z.infer<typeof bindBody>;
        let card: CardCertificate | null = null;
        if ('certificatePem' in body) {
          try {
            card = await readCardCertificate(body.certificatePem);
          } catch {
            throw new HubError(
              400,
              'hpki-certificate-unreadable',
              'not an X.509 certificate (PEM) / 証明書を読めません',
            );
          }
          const profession = await professionOf(deps, userId);
          try {
            checkRole(card, profession, trust?.config.roles ?? DEFAULT_ROLES);
          } catch (e) {
            if (e instanceof CardRefused) throw new HubError(400, e.code, e.message);
            throw e;
          }
        }
        const kind = 'holderId' in body ? 'holder' : 'certificate';
        const matchValue = card
          ? card.serial
          : 'holderId' in body
            ? body.holderId.trim()
            : serialOrRefuse('serial' in body ? body.serial : '');
        const binding = await addBinding(deps.store, {
          userId,
          kind,
          issuer: card?.issuer ?? ('issuer' in body ? body.issuer.trim() : ''),
          matchValue,
          card,
          status: 'active',
          by: principal.userId,
          now: deps.now(),
        });
        await audit(request, principal, 'hpki-bind', binding.id, {
          userId,
          kind,
          issuer: binding.issuer,
          matchValue,
        });
        return reply.status(201).send({ binding });
      },
    );

    for (const [verb, to] of [
      ['approve', 'active'],
      ['revoke', 'revoked'],
    ] as const) {
      app.post(
        `/admin/hpki/bindings/:id/${verb}`,
        {
          schema: {
            tags,
            summary: `${verb === 'approve' ? 'Approve' : 'Revoke'} an HPKI card binding`,
            params: userParams,
          },
        },
        async (request) => {
          const principal = requirePrincipal(request);
          const binding = await bindingById(deps.store, (request.params as { id: string }).id);
          if (!binding) throw new HubError(404, 'not-found', 'no such binding / 登録がありません');
          await administeredUser(deps, principal, binding.userId).catch((e: unknown) => {
            throw e instanceof HubError && e.status === 404
              ? new HubError(404, 'not-found', 'no such binding / 登録がありません')
              : e;
          });
          if (to === 'active' && binding.userId === principal.userId) {
            throw new HubError(
              403,
              'hpki-self-approval',
              'another administrator must approve your own card / ご自身のカードは他の管理者が承認します',
            );
          }
          const decided = await decideBinding(deps.store, binding.id, to, principal.userId, deps.now());
          if (!decided) {
            throw new HubError(
              409,
              'hpki-binding-state',
              `this binding is ${binding.status} / この登録は処理済みです`,
            );
          }
          // A revoked card must not keep a session it opened: the user's sessions end (they log in again).
          const revokedSessions =
            to === 'revoked' ? await revokeSessions(deps, { userId: binding.userId }) : 0;
          await audit(request, principal, `hpki-${verb}`, binding.id, {
            userId: binding.userId,
            ...(to === 'revoked' ? { revokedSessions: String(revokedSessions) } : {}),
          });
          return { binding: decided };
        },
      );
    }

    app.get(
      '/admin/hpki/trust',
      {
        schema: {
          tags,
          summary: 'The card listener’s trust: anchors, CRLs (age, staleness), refresh errors (office)',
        },
      },
      async (request) => {
        requireOffice(request);
        if (!trust) return { configured: false };
        const loaded = trust.loaded;
        return {
          configured: true,
          publicUrl,
          loadedAt: loaded.loadedAt,
          anchors: loaded.anchors.length,
          crls: trust.statusNow(),
          errors: loaded.errors,
          crlMaxAgeHours: trust.config.crlMaxAgeHours,
        };
      },
    );
  };
}

async function professionOf(deps: HubDeps, userId: string) {
  const row = await deps.store.db
    .selectFrom('hub_user')
    .select('profession')
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!row || !isProfession(row.profession))
    throw new HubError(404, 'not-found', 'no such user / 利用者が見つかりません');
  return row.profession;
}

function serialOrRefuse(serial: string): string {
  try {
    return normaliseSerial(serial);
  } catch {
    throw new HubError(
      400,
      'hpki-serial',
      'the serial number must be hexadecimal / シリアル番号は16進数で入力してください',
    );
  }
}
