import { FACILITY_TYPES, PROFESSIONS } from '@hie/contract';
import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HubError, type HubRoutes, requireOffice, requirePrincipal, sendCsv } from '../http.js';
import { auditAdmin, pagingSchema } from './common.js';
import { decodeCsv } from './csv.js';
import {
  createFacility,
  facilityCreateSchema,
  facilityNotFound,
  facilityPatchSchema,
  getFacility,
  issueFeedToken,
  listDirectoryFacilities,
  listFacilities,
  updateFacility,
} from './facilities.js';
import { exportFacilitiesCsv, importFacilitiesCsv } from './facilities-csv.js';
import {
  confirmGatewayChange,
  gatewayChangeSchema,
  listGatewayChanges,
  proposeGatewayChange,
  rejectGatewayChange,
} from './gateway-change.js';
import {
  adminScopeOf,
  createUser,
  getUser,
  listUsers,
  membershipsBodySchema,
  setMemberships,
  updateUser,
  userCreateSchema,
  userInScope,
  userNotFound,
  userPatchSchema,
} from './users.js';
import { exportUsersCsv, importUsersCsv } from './users-csv.js';

const ADMIN = ['directory-admin'];
const DIRECTORY = ['directory'];
const oidParams = z.object({ oid: z.string().min(1).max(200) });
const idParams = z.object({ id: z.string().min(1).max(100) });
const importQuery = z.object({ dryRun: z.stringbool().default(false) });

/** The CSV body of an import: bytes (so Shift_JIS survives), decoded by the declared or detected charset. */
function csvText(request: FastifyRequest): string {
  if (!Buffer.isBuffer(request.body) || request.body.length === 0) {
    throw new HubError(400, 'csv-empty', 'send the CSV as the body (Content-Type: text/csv)');
  }
  return decodeCsv(request.body, request.headers['content-type']);
}

/**
 * The directory (HPD model): facilities and users for the network office and facility
 * administrators, CSV import/export, gateway feed tokens, and look-ups for every logged-in user.
 */
export const directoryRoutes: HubRoutes = async (parent, deps) => {
  // A child scope, so the CSV body parser is ours alone.
  await parent.register(async (scope) => {
    scope.addContentTypeParser(
      ['text/csv', 'application/csv'],
      { parseAs: 'buffer' },
      (_request, body, done) => done(null, body),
    );
    const app = scope.withTypeProvider<ZodTypeProvider>();

    // ── Facilities (network office) ──────────────────────────────────────────────────────────────
    app.get(
      '/admin/facilities',
      {
        schema: {
          tags: ADMIN,
          summary: 'List facilities (office)',
          querystring: z.object({
            q: z.string().max(100).optional(),
            type: z.string().max(40).optional(),
            status: z.enum(['active', 'suspended', 'withdrawn']).optional(),
            role: z.enum(['views', 'discloses']).optional(),
            ...pagingSchema,
          }),
        },
      },
      async (request) => {
        requireOffice(request);
        return listFacilities(deps.store, request.query);
      },
    );

    app.post(
      '/admin/facilities',
      {
        schema: {
          tags: ADMIN,
          summary: 'Register a facility (office); warns on a suspicious check digit',
          body: facilityCreateSchema,
        },
      },
      async (request, reply) => {
        const actor = requireOffice(request);
        reply.status(201);
        return createFacility(deps, request.body, actor);
      },
    );

    app.get(
      '/admin/facilities.csv',
      { schema: { tags: ADMIN, summary: 'Export facilities as CSV (UTF-8 with BOM, Japanese headers)' } },
      async (request, reply) => {
        const actor = requireOffice(request);
        const csv = await exportFacilitiesCsv(deps.store);
        await auditAdmin(deps, actor, [
          { action: 'R', operation: 'facilities-export', entity: 'Organization' },
        ]);
        return sendCsv(reply, 'facilities.csv', csv);
      },
    );

    app.post(
      '/admin/facilities/import',
      {
        schema: {
          tags: ADMIN,
          summary:
            'Import facilities from CSV (UTF-8 or Shift_JIS; all rows or none; ?dryRun=true checks only)',
          querystring: importQuery,
        },
      },
      async (request) => {
        const actor = requireOffice(request);
        return importFacilitiesCsv(deps, csvText(request), { dryRun: request.query.dryRun, actor });
      },
    );

    app.get(
      '/admin/facilities/:oid',
      {
        schema: {
          tags: ADMIN,
          summary: 'One facility (office, or that facility’s administrator)',
          params: oidParams,
        },
      },
      async (request) => {
        const principal = requirePrincipal(request);
        const own = principal.facilityRole === 'admin' && principal.facilityOid === request.params.oid;
        if (!own) requireOffice(request);
        const facility = await getFacility(deps.store, request.params.oid);
        if (!facility) throw facilityNotFound();
        return facility;
      },
    );

    app.patch(
      '/admin/facilities/:oid',
      {
        schema: {
          tags: ADMIN,
          summary: 'Change a facility (office); the OID never changes',
          params: oidParams,
          body: facilityPatchSchema,
        },
      },
      async (request) => {
        const actor = requireOffice(request);
        return updateFacility(deps, request.params.oid, request.body, actor);
      },
    );

    // ── The facility's gateway: URL and pinned TLS key, changed by two people ──────────────────
    app.get(
      '/admin/facilities/:oid/gateway-changes',
      {
        schema: {
          tags: ADMIN,
          summary: 'Proposed gateway changes (office, or that facility’s administrator)',
          params: oidParams,
        },
      },
      async (request) => ({
        changes: await listGatewayChanges(deps, request.params.oid, requirePrincipal(request)),
      }),
    );

    app.post(
      '/admin/facilities/:oid/gateway-changes',
      {
        schema: {
          tags: ADMIN,
          summary:
            'Propose a new gateway URL and TLS pin (office or the facility’s administrator); the other side confirms',
          params: oidParams,
          body: gatewayChangeSchema,
        },
      },
      async (request, reply) => {
        reply.status(201);
        return proposeGatewayChange(deps, request.params.oid, request.body, requirePrincipal(request));
      },
    );

    for (const [verb, decide] of [
      ['confirm', confirmGatewayChange],
      ['reject', rejectGatewayChange],
    ] as const) {
      app.post(
        `/admin/facilities/:oid/gateway-changes/:id/${verb}`,
        {
          schema: {
            tags: ADMIN,
            summary:
              verb === 'confirm'
                ? 'Confirm and apply a proposed gateway change (the other side than the proposer)'
                : 'Reject (other side) or withdraw (proposer’s side) a proposed gateway change',
            params: oidParams.extend(idParams.shape),
          },
        },
        async (request) => decide(deps, request.params.oid, request.params.id, requirePrincipal(request)),
      );
    }

    app.post(
      '/admin/facilities/:oid/feed-token',
      {
        schema: {
          tags: ADMIN,
          summary: 'Issue a new gateway feed token (shown once; replaces the old one)',
          params: oidParams,
        },
      },
      async (request, reply) => {
        const actor = requireOffice(request);
        reply.status(201);
        return issueFeedToken(deps, request.params.oid, actor);
      },
    );

    // ── Users (office: all; facility administrator: users of their facility) ────────────────────
    app.get(
      '/admin/users',
      {
        schema: {
          tags: ADMIN,
          summary: 'List users (office: all; facility administrator: own facility)',
          querystring: z.object({
            q: z.string().max(100).optional(),
            profession: z.string().max(40).optional(),
            status: z.enum(['active', 'suspended', 'retired']).optional(),
            facilityOid: z.string().max(200).optional(),
            ...pagingSchema,
          }),
        },
      },
      async (request) => {
        const scope = adminScopeOf(requirePrincipal(request));
        return listUsers(deps.store, scope, request.query);
      },
    );

    app.post(
      '/admin/users',
      {
        schema: {
          tags: ADMIN,
          summary:
            'Register a user with memberships and an initial password (generated and returned once if absent)',
          body: userCreateSchema,
        },
      },
      async (request, reply) => {
        const actor = requirePrincipal(request);
        adminScopeOf(actor);
        const created = await createUser(deps, request.body, actor);
        reply.status(201);
        return created;
      },
    );

    app.get(
      '/admin/users.csv',
      { schema: { tags: ADMIN, summary: 'Export users as CSV (UTF-8 with BOM); never credentials' } },
      async (request, reply) => {
        const actor = requirePrincipal(request);
        const csv = await exportUsersCsv(deps.store, actor);
        await auditAdmin(deps, actor, [{ action: 'R', operation: 'users-export', entity: 'Practitioner' }]);
        return sendCsv(reply, 'users.csv', csv);
      },
    );

    app.post(
      '/admin/users/import',
      {
        schema: {
          tags: ADMIN,
          summary: 'Import users from CSV keyed by login ID (all rows or none; ?dryRun=true checks only)',
          querystring: importQuery,
        },
      },
      async (request) => {
        const actor = requirePrincipal(request);
        adminScopeOf(actor);
        return importUsersCsv(deps, csvText(request), { dryRun: request.query.dryRun, actor });
      },
    );

    app.get(
      '/admin/users/:id',
      {
        schema: {
          tags: ADMIN,
          summary: 'One user (404 outside the administrator’s facility)',
          params: idParams,
        },
      },
      async (request) => {
        const scope = adminScopeOf(requirePrincipal(request));
        const user = userInScope(await getUser(deps.store, request.params.id), scope);
        if (!user) throw userNotFound();
        return user;
      },
    );

    app.patch(
      '/admin/users/:id',
      {
        schema: {
          tags: ADMIN,
          summary: 'Change a user’s names, profession, e-mail or status',
          params: idParams,
          body: userPatchSchema,
        },
      },
      async (request) => {
        const actor = requirePrincipal(request);
        adminScopeOf(actor);
        return { user: await updateUser(deps, request.params.id, request.body, actor) };
      },
    );

    app.put(
      '/admin/users/:id/memberships',
      {
        schema: {
          tags: ADMIN,
          summary: 'Replace memberships (facility administrator: only their facility’s)',
          params: idParams,
          body: membershipsBodySchema,
        },
      },
      async (request) => {
        const actor = requirePrincipal(request);
        adminScopeOf(actor);
        return { user: await setMemberships(deps, request.params.id, request.body.memberships, actor) };
      },
    );

    // ── Look-ups for every logged-in user ─────────────────────────────────────────────────────────
    app.get(
      '/directory/facilities',
      {
        schema: {
          tags: DIRECTORY,
          summary: 'Active facilities (for the consent screen and pickers)',
          querystring: z.object({ role: z.enum(['views', 'discloses']).optional() }),
        },
      },
      async (request) => {
        requirePrincipal(request);
        return { facilities: await listDirectoryFacilities(deps.store, request.query.role) };
      },
    );

    app.get(
      '/directory/professions',
      { schema: { tags: DIRECTORY, summary: 'Professions with labels' } },
      async (request) => {
        requirePrincipal(request);
        return {
          professions: Object.entries(PROFESSIONS).map(([code, p]) => ({
            code,
            ja: p.ja,
            en: p.en,
            hcRole: p.hcRole,
            licensed: p.licensed,
          })),
        };
      },
    );

    app.get(
      '/directory/facility-types',
      { schema: { tags: DIRECTORY, summary: 'Facility types with labels' } },
      async (request) => {
        requirePrincipal(request);
        return {
          facilityTypes: Object.entries(FACILITY_TYPES).map(([code, t]) => ({ code, ja: t.ja, en: t.en })),
        };
      },
    );
  });
};
