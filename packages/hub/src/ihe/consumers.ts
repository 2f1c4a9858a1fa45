import { z } from 'zod';
import { auditAdmin } from '../directory/common.js';
import { requireFacility } from '../directory/facilities.js';
import { type HubRoutes, officeFirst, requireOffice } from '../http.js';

const oidParams = z.object({ oid: z.string().min(1).max(128) });
const consumerBody = z
  .object({
    /** The facility system's PIX Consumer endpoint (SOAP 1.2). */
    endpoint: z
      .string()
      .url()
      .max(500)
      .refine((u) => /^https?:\/\//.test(u), 'http(s) only'),
    status: z.enum(['active', 'paused']).default('active'),
  })
  .strict();

/**
 * The office's side of ITI-46 (`/api/v1/admin/…`): which facility systems are told of changes to their
 * patients' regional ids, where, and how delivery goes (told, last attempt, last error, waiting until).
 */
export const iheAdminRoutes: HubRoutes = (app, deps) => {
  const tags = ['ihe'];

  app.get(
    '/admin/pix-consumers',
    {
      preValidation: officeFirst,
      schema: { tags, summary: 'PIX Consumers (ITI-46) and their delivery status (office)' },
    },
    async (request) => {
      requireOffice(request);
      const rows = await deps.store.db
        .selectFrom('hub_pix_consumer')
        .selectAll()
        .orderBy('facility_oid')
        .execute();
      return {
        consumers: rows.map((r) => ({
          facilityOid: r.facility_oid,
          endpoint: r.endpoint,
          status: r.status,
          delivered: Number(r.delivered),
          failures: Number(r.failures),
          lastAttemptAt: r.last_attempt_at,
          lastError: r.last_error,
          retryAt: r.retry_at,
          updatedAt: r.updated_at,
        })),
      };
    },
  );

  app.put(
    '/admin/facilities/:oid/pix-consumer',
    {
      preValidation: officeFirst,
      schema: {
        tags,
        summary: 'Register or change a facility system’s PIX Consumer endpoint (office)',
        params: oidParams,
        body: consumerBody,
      },
    },
    async (request) => {
      const principal = requireOffice(request);
      const { oid } = request.params as { oid: string };
      const body = request.body as z.output<typeof consumerBody>;
      await requireFacility(deps, oid);
      const at = deps.now().toISOString();
      // A new consumer starts from now: it is told of changes from its registration on.
      const start = await deps.store.db
        .selectFrom('mpi_history')
        .select((eb) => eb.fn.max('id').as('id'))
        .where('facility_oid', '=', oid)
        .executeTakeFirst();
      await deps.store.db
        .insertInto('hub_pix_consumer')
        .values({
          facility_oid: oid,
          endpoint: body.endpoint,
          status: body.status,
          cursor: (start?.id as string | null) ?? '',
          delivered: 0,
          failures: 0,
          last_attempt_at: null,
          last_error: null,
          retry_at: null,
          updated_at: at,
          updated_by: principal.userId,
        })
        .onConflict((oc) =>
          oc.column('facility_oid').doUpdateSet({
            endpoint: body.endpoint,
            status: body.status,
            failures: 0,
            retry_at: null,
            updated_at: at,
            updated_by: principal.userId,
          }),
        )
        .execute();
      await auditAdmin(deps, principal, [
        { action: 'U', entity: `Organization/${oid}`, operation: 'pix-consumer', changes: body },
      ]);
      return { ok: true };
    },
  );
};
