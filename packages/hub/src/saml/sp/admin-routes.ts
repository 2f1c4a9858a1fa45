import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { agentOf, auditHub } from '../../audit-record.js';
import { revokeSessions } from '../../auth/session.js';
import { administeredUser } from '../../directory/credential-admin.js';
import { assertFacilitiesExist } from '../../directory/user-access.js';
import { HubError, type HubPrincipal, type HubRoutes, requireOffice, requirePrincipal } from '../../http.js';
import { addLink, jitFacilities, linkById, listLinks, revokeLink, setJitFacilities } from './links.js';
import type { SamlSp } from './routes.js';

const tags = ['auth', 'admin'];
const idParams = z.object({ id: z.string().min(1).max(128) });
const linkBody = z.object({ idp: z.string().min(1).max(1024), subject: z.string().trim().min(1).max(256) });
const jitBody = z.object({
  idp: z.string().min(1).max(1024),
  facilities: z.array(z.string().regex(/^\d+(\.\d+)+$/)).max(1000),
});

/**
 * Administration of the hub as SAML SP (saml/README.md): which users of a trusted IdP are which
 * directory users (the office for anyone, a facility administrator for users wholly of their facility,
 * as for a card binding), and — the office only — for which facilities an IdP may create users at their
 * first login. Registered on every hub, with or without IdPs configured (an unknown IdP is refused).
 */
export function samlSpAdminRoutes(sp: SamlSp | null): HubRoutes {
  return (app, deps) => {
    const trusted = (idp: string) => {
      if (!sp?.identityProviders.has(idp))
        throw new HubError(404, 'saml-unknown-idp', `${idp} is not an identity provider this network trusts`);
    };
    const audit = (
      request: FastifyRequest,
      principal: HubPrincipal,
      action: string,
      entity: string,
      detail = {},
    ) =>
      auditHub(deps, [
        {
          type: 'admin',
          action: action === 'saml-link' ? 'C' : 'U',
          outcome: '0',
          agent: agentOf(principal, request.ip),
          entities: [entity],
          detail: { action, ...detail },
        },
      ]);

    app.get(
      '/admin/saml/identity-providers',
      {
        schema: {
          tags,
          summary: 'The IdPs the hub trusts as SP, and the facilities each may create users for',
        },
      },
      async (request) => {
        const principal = requirePrincipal(request);
        if (!principal.office && principal.facilityRole !== 'admin')
          throw new HubError(403, 'forbidden', 'administrators only / 管理者のみ');
        const idps = [...(sp?.identityProviders.values() ?? [])];
        return {
          sp: sp ? { entityId: sp.identity.entityId, acsUrl: sp.identity.acsUrl } : null,
          identityProviders: await Promise.all(
            idps.map(async (idp) => {
              const jit = await jitFacilities(deps.store, idp.entityId);
              return {
                entityId: idp.entityId,
                name: idp.name,
                subjectAttribute: idp.subjectAttribute,
                allowUnsolicited: idp.allowUnsolicited,
                // A facility administrator learns only whether their own facility is open to it.
                jitFacilities: principal.office ? jit : jit.filter((f) => f === principal.facilityOid),
              };
            }),
          ),
        };
      },
    );

    app.put(
      '/admin/saml/identity-providers/jit',
      {
        schema: {
          tags,
          summary:
            'Set the facilities whose users an IdP may create at their first login (office; [] = none)',
          body: jitBody,
        },
      },
      async (request) => {
        const principal = requireOffice(request);
        const body = request.body as z.infer<typeof jitBody>;
        trusted(body.idp);
        await assertFacilitiesExist(deps.store.db, body.facilities);
        const before = await jitFacilities(deps.store, body.idp);
        await setJitFacilities(deps.store, body.idp, body.facilities, principal.userId, deps.now());
        const after = await jitFacilities(deps.store, body.idp);
        await audit(request, principal, 'saml-jit', `saml-idp/${body.idp}`, {
          idp: body.idp,
          before: before.join(','),
          after: after.join(','),
        });
        return { idp: body.idp, jitFacilities: after };
      },
    );

    app.get(
      '/admin/users/:id/saml-links',
      { schema: { tags, summary: 'A user’s links to trusted IdPs', params: idParams } },
      async (request) => {
        const principal = requirePrincipal(request);
        const userId = await administeredUser(deps, principal, (request.params as { id: string }).id);
        return { links: await listLinks(deps.store, [userId]) };
      },
    );

    app.post(
      '/admin/users/:id/saml-links',
      {
        schema: {
          tags,
          summary: 'Link a trusted IdP’s user (its NameID, or the configured attribute) to this user',
          params: idParams,
          body: linkBody,
        },
      },
      async (request, reply) => {
        const principal = requirePrincipal(request);
        const userId = await administeredUser(deps, principal, (request.params as { id: string }).id);
        const body = request.body as z.infer<typeof linkBody>;
        trusted(body.idp);
        const link = await addLink(deps.store, {
          idp: body.idp,
          subject: body.subject,
          userId,
          origin: 'admin',
          by: principal.userId,
          now: deps.now(),
        });
        await audit(request, principal, 'saml-link', `hub_saml_link/${link.id}`, {
          userId,
          idp: body.idp,
          subject: body.subject,
        });
        return reply.status(201).send({ link });
      },
    );

    app.post(
      '/admin/saml/links/:id/revoke',
      {
        schema: {
          tags,
          summary: 'Revoke a link to a trusted IdP (the user’s sessions end)',
          params: idParams,
        },
      },
      async (request) => {
        const principal = requirePrincipal(request);
        const link = await linkById(deps.store, (request.params as { id: string }).id);
        const gone = () => new HubError(404, 'not-found', 'no such link / 連携がありません');
        if (!link) throw gone();
        await administeredUser(deps, principal, link.userId).catch((e: unknown) => {
          throw e instanceof HubError && e.status === 404 ? gone() : e;
        });
        if (link.status !== 'active')
          throw new HubError(409, 'saml-link-state', 'this link is already revoked / この連携は解除済みです');
        await revokeLink(deps.store, link.id, principal.userId, deps.now());
        const revokedSessions = await revokeSessions(deps, { userId: link.userId });
        await audit(request, principal, 'saml-unlink', `hub_saml_link/${link.id}`, {
          userId: link.userId,
          idp: link.idp,
          revokedSessions: String(revokedSessions),
        });
        return { link: { ...link, status: 'revoked' as const } };
      },
    );
  };
}
