import { z } from 'zod';
import type { HubDeps, HubRoutes } from '../http.js';
import { HubError, requireOffice } from '../http.js';
import { auditAdmin } from './common.js';
import { facilityNotFound, issueFeedToken } from './facilities.js';

const TAGS = ['directory'];
const params = z.object({ oid: z.string().min(1).max(128) });
/** The repository's tenant kinds, from the directory's facility types. */
const KIND_OF: Readonly<Record<string, string>> = {
  clinic: 'clinic',
  dental: 'clinic',
  pharmacy: 'pharmacy',
  hospital: 'hospital',
  'visiting-nursing': 'clinic',
};

/**
 * The office's link to the small-facility repository (issue 13): register a facility of the directory
 * as a tenant (one screen: its code, name and kind are the directory's), read the tenant's status, set
 * its ORCA connection, issue a sender credential. Registering also issues the facility's feed token
 * (handed to the repository, never shown) and points the facility's record server at the tenant's URL.
 * Every call is the office's and is audited.
 */
export const repositoryLinkRoutes: HubRoutes = async (app, deps) => {
  const base = `/admin/facilities/:oid/repository`;

  app.get(
    base,
    {
      schema: {
        tags: TAGS,
        summary: 'The facility’s tenant in the repository: counts, last ORCA pull, intakes, senders',
        params,
      },
    },
    async (request) => {
      requireOffice(request);
      const { oid } = request.params as z.infer<typeof params>;
      const link = linked(deps);
      const answer = await call(deps, link, 'GET', `/admin/tenants/${encodeURIComponent(oid)}/status`);
      if (answer.status === 404) return { registered: false, repositoryUrl: link.url };
      if (answer.status >= 400) throw repositoryRefused(answer);
      return { registered: true, repositoryUrl: link.url, ...(answer.body as object) };
    },
  );

  app.post(
    base,
    { schema: { tags: TAGS, summary: 'Register the facility as a tenant of the repository', params } },
    async (request, reply) => {
      const office = requireOffice(request);
      const { oid } = request.params as z.infer<typeof params>;
      const link = linked(deps);
      const facility = await deps.store.db
        .selectFrom('hub_facility')
        .select(['oid', 'code', 'name', 'type', 'gateway_url'])
        .where('oid', '=', oid)
        .executeTakeFirst();
      if (!facility) throw facilityNotFound();
      if (!facility.code)
        throw new HubError(
          400,
          'repository-no-code',
          '医療機関コードのない施設は登録できません / the facility has no institution code',
        );
      const kind = KIND_OF[facility.type];
      if (!kind)
        throw new HubError(
          400,
          'repository-kind',
          `a ${facility.type} does not publish through the repository`,
        );
      if (facility.gateway_url)
        throw new HubError(
          409,
          'repository-has-gateway',
          'この施設には記録の提供元が登録済みです（変更は2名で） / the facility already has a record server: change it by proposal and confirmation',
        );
      const created = await call(deps, link, 'POST', '/admin/tenants', {
        oid,
        institutionCode: facility.code,
        name: facility.name,
        kind,
      });
      if (created.status >= 400) throw repositoryRefused(created);
      const url = String((created.body as { url: string }).url);
      const { token } = await issueFeedToken(deps, oid, office);
      const fed = await call(deps, link, 'PATCH', `/admin/tenants/${encodeURIComponent(oid)}`, {
        settings: { feedToken: token },
      });
      if (fed.status >= 400) throw repositoryRefused(fed);
      await deps.store.db
        .updateTable('hub_facility')
        .set({ gateway_url: url, discloses: 1, updated_at: deps.now().toISOString() })
        .where('oid', '=', oid)
        .execute();
      await auditAdmin(deps, office, [
        {
          action: 'U',
          operation: 'facility-repository-tenant',
          entity: `Organization/${oid}`,
          changes: { gatewayUrl: url },
        },
      ]);
      return reply.status(201).send({ registered: true, url });
    },
  );

  const orcaBody = z
    .object({
      url: z.string().url(),
      username: z.string().min(1).max(100),
      password: z.string().min(1).max(200),
      everyMinutes: z.number().int().min(1).max(1440).default(15),
    })
    .strict();
  app.put(
    `${base}/orca`,
    {
      schema: {
        tags: TAGS,
        summary: 'Set the tenant’s ORCA connection (the password is never shown again)',
        params,
        body: orcaBody,
      },
    },
    async (request) => {
      const office = requireOffice(request);
      const { oid } = request.params as z.infer<typeof params>;
      const link = linked(deps);
      const status = await call(deps, link, 'GET', `/admin/tenants/${encodeURIComponent(oid)}/status`);
      if (status.status >= 400) throw repositoryRefused(status);
      const feed = (status.body as { tenant: { feed: boolean } }).tenant.feed;
      // The repository keeps the settings whole: the feed token must be sent again with the ORCA settings.
      const { token } = feed ? await issueFeedToken(deps, oid, office) : { token: undefined };
      const orca = { ...(request.body as z.infer<typeof orcaBody>), format: 'json' };
      const answer = await call(deps, link, 'PATCH', `/admin/tenants/${encodeURIComponent(oid)}`, {
        settings: { orca, ...(token ? { feedToken: token } : {}) },
      });
      if (answer.status >= 400) throw repositoryRefused(answer);
      await auditAdmin(deps, office, [
        {
          action: 'U',
          operation: 'facility-repository-orca',
          entity: `Organization/${oid}`,
          changes: { url: orca.url, username: orca.username },
        },
      ]);
      return { ok: true };
    },
  );

  app.post(
    `${base}/senders`,
    {
      schema: {
        tags: TAGS,
        summary: 'Issue a sender credential of the tenant (shown once)',
        params,
        body: z.object({ name: z.string().trim().min(1).max(200) }).strict(),
      },
    },
    async (request, reply) => {
      const office = requireOffice(request);
      const { oid } = request.params as z.infer<typeof params>;
      const answer = await call(
        deps,
        linked(deps),
        'POST',
        `/admin/tenants/${encodeURIComponent(oid)}/senders`,
        request.body,
      );
      if (answer.status >= 400) throw repositoryRefused(answer);
      await auditAdmin(deps, office, [
        { action: 'C', operation: 'facility-repository-sender', entity: `Organization/${oid}` },
      ]);
      return reply.status(201).send(answer.body);
    },
  );
};

function linked(deps: HubDeps): { url: string; adminToken: string } {
  const link = deps.settings.repository;
  if (!link)
    throw new HubError(
      409,
      'repository-not-linked',
      'リポジトリが設定されていません / no repository is linked to this hub',
    );
  return { url: link.url.replace(/\/+$/, ''), adminToken: link.adminToken };
}

async function call(
  deps: HubDeps,
  link: { url: string; adminToken: string },
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  try {
    const response = await deps.fetch(`${link.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${link.adminToken}`,
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(Math.max(deps.settings.gatewayTimeoutMs, 5000)),
    });
    return { status: response.status, body: await response.json().catch(() => ({})) };
  } catch (e) {
    throw new HubError(
      502,
      'repository-unreachable',
      `リポジトリに接続できません / the repository is unreachable: ${(e as Error).message}`,
    );
  }
}

function repositoryRefused(answer: { status: number; body: unknown }): HubError {
  const error = (answer.body as { error?: { code?: string; message?: string } }).error;
  return new HubError(
    answer.status >= 500 ? 502 : answer.status,
    `repository-${error?.code ?? 'refused'}`,
    error?.message ?? `the repository answered ${answer.status}`,
  );
}
