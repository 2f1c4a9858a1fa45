import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { agentOf, auditHub } from '../audit-record.js';
import { assertFacilitiesExist } from '../directory/user-access.js';
import { HubError, type HubPrincipal, type HubRoutes, requireOffice } from '../http.js';
import type { SamlIdp } from '../saml/idp-routes.js';
import type { ServiceProvider } from '../saml/metadata.js';
import type { SamlSp } from '../saml/sp/routes.js';
import type { TrustedIdp } from '../saml/sp/trusted-idp.js';
import {
  type IdpOptions,
  idpOf,
  listRegisteredPartners,
  removeRegistration,
  type SpOptions,
  saveRegistration,
  spOf,
} from './registry.js';
import { PARTNER_URL_RULE, partnerUrlAllowed } from './wire.js';

const tags = ['auth', 'admin'];
const OID = /^\d+(\.\d+)+$/;
/** Metadata is pasted or uploaded as text: the hub never fetches a URL it is given (no SSRF). */
const metadata = z
  .string()
  .min(100)
  .max(256 * 1024);
const httpUrl = z
  .string()
  .url()
  .max(1024)
  .refine((u) => /^https?:\/\//.test(u), 'http(s) URL');
const spBody = z.object({
  metadata,
  name: z.string().trim().min(1).max(100),
  landing: httpUrl.nullish(),
  facilities: z.array(z.string().regex(OID)).max(1000).nullish(),
  records: httpUrl.refine(partnerUrlAllowed, PARTNER_URL_RULE).nullish(),
});
const idpBody = z.object({
  metadata,
  name: z.string().trim().min(1).max(100),
  allowUnsolicited: z.boolean().default(false),
  patientLanding: z.boolean().default(false),
  partnerRecords: z.boolean().default(false),
  subjectAttribute: z.string().min(1).max(256).nullish(),
});
const idParams = z.object({ id: z.string().uuid() });

/**
 * The office registers the network's SAML partners from its screen (partner/README.md § Registering):
 * service providers (another network's portal with the interconnection agreement: which of our
 * facilities may cross, and the partner hub whose records their timelines show) and identity providers
 * (another network's hub, a hospital's IdP: unsolicited sign-ons, patient landing, XUA record queries),
 * each by its metadata as text. Effective at once in this process, kept in the store for every start;
 * the config file's partners are listed and read-only. Office only; every change audited.
 */
export function partnerAdminRoutes(idp: SamlIdp | null, sp: SamlSp | null): HubRoutes {
  return (app, deps) => {
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
          action: action === 'saml-partner-remove' ? 'D' : 'U',
          outcome: '0',
          agent: agentOf(principal, request.ip),
          entities: [entity],
          detail: { action, ...detail },
        },
      ]);
    /** Refuses an entity the config file defines: the office's screen does not override the operator's file. */
    const notConfigured = async (role: 'sp' | 'idp', entityId: string) => {
      const live = role === 'sp' ? idp?.serviceProviders : sp?.identityProviders;
      const registered = (await listRegisteredPartners(deps.store)).some(
        (p) => p.role === role && p.entityId === entityId,
      );
      if (live?.has(entityId) && !registered)
        throw new HubError(
          409,
          'saml-partner-configured',
          `${entityId} is defined in the hub's configuration file: change it there / 設定ファイルで定義された連携先です`,
        );
    };
    const invalid = (e: unknown) =>
      new HubError(
        400,
        'saml-metadata-invalid',
        `the metadata cannot be used: ${e instanceof Error ? e.message : String(e)}`,
      );

    /** Parses the metadata, refuses the config's entities, saves, puts it live, audits: 201 new, 200 updated. */
    const register = async <T extends { entityId: string }>(
      request: FastifyRequest,
      reply: FastifyReply,
      principal: HubPrincipal,
      role: 'sp' | 'idp',
      metadata: string,
      options: SpOptions | IdpOptions,
      live: Map<string, T>,
      parse: () => T,
      detail: Record<string, string>,
    ) => {
      let parsed: T;
      try {
        parsed = parse();
      } catch (e) {
        throw invalid(e);
      }
      await notConfigured(role, parsed.entityId);
      const saved = await saveRegistration(
        deps.store,
        { role, entityId: parsed.entityId, name: options.name, metadata, options },
        principal.userId,
        deps.now(),
      );
      live.set(parsed.entityId, parsed);
      await audit(request, principal, `saml-partner-${role}`, `saml-${role}/${parsed.entityId}`, {
        name: options.name,
        ...detail,
        created: String(saved.created),
      });
      return reply.status(saved.created ? 201 : 200).send({ id: saved.id, entityId: parsed.entityId });
    };

    app.get(
      '/admin/saml/partners',
      { schema: { tags, summary: 'The SAML partners: from the config file and registered by the office' } },
      async (request) => {
        requireOffice(request);
        const registered = await listRegisteredPartners(deps.store);
        const byEntity = (role: 'sp' | 'idp', entityId: string) =>
          registered.find((r) => r.role === role && r.entityId === entityId);
        return {
          enabled: { serviceProviders: idp !== null, identityProviders: sp !== null },
          serviceProviders: [...(idp?.serviceProviders.values() ?? [])].map((s) => {
            const row = byEntity('sp', s.entityId);
            return {
              entityId: s.entityId,
              name: s.name,
              source: row ? 'office' : 'config',
              id: row?.id ?? null,
              acs: s.acs[0]?.location ?? null,
              landing: s.landing,
              facilities: s.crossingFacilities ?? [],
              records: s.recordsUrl,
              updatedAt: row?.updatedAt ?? null,
            };
          }),
          identityProviders: [...(sp?.identityProviders.values() ?? [])].map((i) => {
            const row = byEntity('idp', i.entityId);
            return {
              entityId: i.entityId,
              name: i.name,
              source: row ? 'office' : 'config',
              id: row?.id ?? null,
              ssoUrl: i.ssoUrl,
              allowUnsolicited: i.allowUnsolicited,
              patientLanding: i.patientLanding,
              partnerRecords: i.partnerRecords,
              updatedAt: row?.updatedAt ?? null,
            };
          }),
        };
      },
    );

    app.post(
      '/admin/saml/partners/service-providers',
      {
        schema: {
          tags,
          summary:
            'Register (or update) a service provider by its metadata: a partner network with its agreement',
          body: spBody,
        },
      },
      async (request, reply) => {
        const principal = requireOffice(request);
        if (!idp) throw new HubError(409, 'saml-not-configured', 'the hub is not a SAML IdP (config `saml`)');
        const body = request.body as z.infer<typeof spBody>;
        const options: SpOptions = {
          name: body.name,
          landing: body.landing ?? null,
          facilities: body.facilities ?? null,
          records: body.records ?? null,
        };
        if (options.records && !options.facilities?.length)
          throw new HubError(
            400,
            'invalid-request',
            'records need the agreement’s facilities / 対象施設を指定してください',
            {
              field: 'facilities',
            },
          );
        await assertFacilitiesExist(deps.store.db, options.facilities ?? []);
        const map = idp.serviceProviders as Map<string, ServiceProvider>;
        return register(
          request,
          reply,
          principal,
          'sp',
          body.metadata,
          options,
          map,
          () => spOf(body.metadata, options),
          {
            facilities: (options.facilities ?? []).join(','),
            records: options.records ?? '',
          },
        );
      },
    );

    app.post(
      '/admin/saml/partners/identity-providers',
      {
        schema: {
          tags,
          summary:
            'Register (or update) an identity provider by its metadata: another network’s hub, a hospital’s IdP',
          body: idpBody,
        },
      },
      async (request, reply) => {
        const principal = requireOffice(request);
        if (!sp) throw new HubError(409, 'saml-not-configured', 'the hub is not a SAML SP (config `saml`)');
        const body = request.body as z.infer<typeof idpBody>;
        const options = {
          name: body.name,
          allowUnsolicited: body.allowUnsolicited,
          patientLanding: body.patientLanding,
          partnerRecords: body.partnerRecords,
          subjectAttribute: body.subjectAttribute ?? null,
        };
        const map = sp.identityProviders as Map<string, TrustedIdp>;
        return register(
          request,
          reply,
          principal,
          'idp',
          body.metadata,
          options,
          map,
          () => idpOf(body.metadata, options),
          {
            allowUnsolicited: String(body.allowUnsolicited),
            patientLanding: String(body.patientLanding),
            partnerRecords: String(body.partnerRecords),
          },
        );
      },
    );

    app.delete(
      '/admin/saml/partners/:id',
      {
        schema: {
          tags,
          summary: 'Remove a partner the office registered (effective at once)',
          params: idParams,
        },
      },
      async (request) => {
        const principal = requireOffice(request);
        const { id } = request.params as z.infer<typeof idParams>;
        const removed = await removeRegistration(deps.store, id, principal.userId, deps.now());
        if (!removed) throw new HubError(404, 'not-found', 'no such partner / 連携先がありません');
        if (removed.role === 'sp')
          (idp?.serviceProviders as Map<string, unknown> | undefined)?.delete(removed.entityId);
        else (sp?.identityProviders as Map<string, unknown> | undefined)?.delete(removed.entityId);
        await audit(request, principal, 'saml-partner-remove', `saml-${removed.role}/${removed.entityId}`, {
          role: removed.role,
        });
        return { removed: removed.entityId };
      },
    );
  };
}
