import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { publicTenant, TenantError, type TenantInput, tenantSettingsSchema } from '../tenants/registry.js';
import { createSender, linkLabCentre, listSenders, revokeSender } from '../tenants/senders.js';
import { tenantRoot } from './contexts.js';
import { bearer, type IntakeContext } from './intake-context.js';
import { IntakeError } from './intake-errors.js';
import { recentIntakes } from './intake-routes.js';
import { tenantStatus } from './status.js';

/**
 * The network office's API (`/admin/…`, the repository's admin token): create a tenant from the
 * directory's facility, suspend it, issue and revoke sender credentials, link a lab centre to the
 * clinics it serves, and read each tenant's status. Every call is audited, refused ones too.
 */
export function registerOfficeRoutes(
  app: FastifyInstance,
  ctx: IntakeContext,
  publicUrl: (r: FastifyRequest) => string,
): void {
  const admin = async <T>(request: FastifyRequest, what: string, work: () => Promise<T>): Promise<T> => {
    try {
      requireAdmin(ctx, request);
      const result = await work();
      await ctx.audit.append(officeAudit(request, what));
      return result;
    } catch (e) {
      const error = asIntakeError(e);
      await ctx.audit.append(officeAudit(request, what, error));
      throw error;
    }
  };

  app.get('/admin/tenants', (request) =>
    admin(request, 'tenant-list', async () => ({
      tenants: ctx.tenants
        .list()
        .map((t) => ({ ...publicTenant(t), url: `${publicUrl(request)}${tenantRoot(t.oid)}` })),
    })),
  );

  app.post('/admin/tenants', (request) =>
    admin(request, 'tenant-create', async () => {
      const tenant = await ctx.tenants.create(request.body as TenantInput);
      await ctx.onTenantsChanged?.();
      return { tenant: publicTenant(tenant), url: `${publicUrl(request)}${tenantRoot(tenant.oid)}` };
    }),
  );

  const patchBody = z
    .object({
      name: z.string().trim().min(1).max(200).optional(),
      status: z.enum(['active', 'suspended']).optional(),
      settings: tenantSettingsSchema.optional(),
    })
    .strict();
  app.patch<{ Params: { oid: string } }>('/admin/tenants/:oid', (request) =>
    admin(request, 'tenant-update', async () => {
      const patch = patchBody.safeParse(request.body);
      if (!patch.success) throw new IntakeError('tenant-invalid', z.prettifyError(patch.error));
      const tenant = await ctx.tenants.update(request.params.oid, patch.data);
      await ctx.onTenantsChanged?.();
      return { tenant: publicTenant(tenant) };
    }),
  );

  app.get<{ Params: { oid: string } }>('/admin/tenants/:oid/status', (request) =>
    admin(request, 'tenant-status', async () => {
      const tenant = ctx.tenants.get(request.params.oid);
      if (!tenant) throw new IntakeError('tenant-unknown');
      return {
        tenant: publicTenant(tenant),
        ...(await tenantStatus(ctx, tenant.oid)),
        intakes: await recentIntakes(ctx, tenant.oid, 20),
        senders: await listSenders(ctx.base, tenant.oid),
      };
    }),
  );

  const senderBody = z.object({ name: z.string().trim().min(1).max(200) }).strict();
  app.post<{ Params: { oid: string } }>('/admin/tenants/:oid/senders', (request) =>
    admin(request, 'sender-create', async () => {
      if (!ctx.tenants.get(request.params.oid)) throw new IntakeError('tenant-unknown');
      const body = senderBody.safeParse(request.body);
      if (!body.success) throw new IntakeError('bad-request', 'expected {"name": "…"}');
      return createSender(ctx.base, { kind: 'tenant', tenant: request.params.oid, name: body.data.name });
    }),
  );

  const labBody = z
    .object({ name: z.string().trim().min(1).max(200), facilityCode: z.string().trim().min(1).max(64) })
    .strict();
  app.post('/admin/lab-centres', (request) =>
    admin(request, 'lab-centre-create', async () => {
      const body = labBody.safeParse(request.body);
      if (!body.success) throw new IntakeError('bad-request', 'expected {"name": "…", "facilityCode": "…"}');
      return createSender(ctx.base, { kind: 'lab-centre', ...body.data });
    }),
  );

  app.post<{ Params: { id: string } }>('/admin/lab-centres/:id/links', (request) =>
    admin(request, 'lab-centre-link', async () => {
      const tenant = (request.body as { tenant?: unknown } | undefined)?.tenant;
      if (typeof tenant !== 'string' || !ctx.tenants.get(tenant)) throw new IntakeError('tenant-unknown');
      await linkLabCentre(ctx.base, request.params.id, tenant);
      return { linked: { labCentre: request.params.id, tenant } };
    }),
  );

  app.delete<{ Params: { id: string } }>('/admin/senders/:id', (request) =>
    admin(request, 'sender-revoke', async () => ({
      revoked: await revokeSender(ctx.base, request.params.id),
    })),
  );
}

function requireAdmin(ctx: IntakeContext, request: FastifyRequest): void {
  if (!ctx.adminToken) throw new IntakeError('admin-disabled');
  const digest = (s: string) => createHash('sha256').update(s).digest();
  if (!timingSafeEqual(digest(bearer(request) ?? ''), digest(ctx.adminToken)))
    throw new IntakeError('admin-forbidden');
}

function asIntakeError(e: unknown): IntakeError {
  if (e instanceof IntakeError) return e;
  if (e instanceof TenantError) return new IntakeError(e.code, e.message);
  return new IntakeError('internal', (e as Error).message);
}

function officeAudit(request: FastifyRequest, what: string, error?: IntakeError) {
  const oid = (request.params as { oid?: string } | undefined)?.oid;
  return {
    type: 'admin',
    action:
      request.method === 'GET'
        ? ('R' as const)
        : request.method === 'DELETE'
          ? ('D' as const)
          : ('U' as const),
    outcome: error ? (error.status >= 500 ? ('8' as const) : ('4' as const)) : ('0' as const),
    ...(error ? { outcomeDescription: `${error.code}: ${error.message}` } : {}),
    agent: { userId: 'repository-admin', address: request.ip },
    source: oid ?? 'repository',
    detail: {
      request: `${request.method} ${request.url}`,
      operation: what,
      status: String(error?.status ?? 200),
    },
  };
}
