import type { Selectable } from 'kysely';
import { z } from 'zod';
import { auditAdmin } from '../directory/common.js';
import { requireFacility } from '../directory/facilities.js';
import { type HubDeps, type HubRoutes, officeFirst, requireOffice } from '../http.js';
import type { HubHpdSubscriberTable, HubPixConsumerTable } from '../store/ihe-tables.js';

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

const subscriberBody = z
  .object({
    /** The system's ITI-59 endpoint (a gateway's is `<its URL>/ihe/hpd-feed`). */
    endpoint: z
      .string()
      .url()
      .max(500)
      .refine((u) => /^https?:\/\//.test(u), 'http(s) only'),
    status: z.enum(['active', 'paused']).default('active'),
    /** Hand the system a new feed token with its next delivery (the old one works until it took it). */
    issueFeedToken: z.boolean().default(false),
    /** Send the whole directory again (a new system at the endpoint, or one that lost its store). */
    resend: z.boolean().default(false),
  })
  .strict();

/**
 * The office's side of ITI-46 and ITI-59 (`/api/v1/admin/…`): which facility systems are told of changes to their
 * patients' regional ids, where, and how delivery goes (told, last attempt, last error, waiting until);
 * which systems the directory is pushed to, and how far each has got.
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
        consumers: rows.map(deliveryOf),
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

  app.get(
    '/admin/hpd-subscribers',
    {
      preValidation: officeFirst,
      schema: {
        tags,
        summary: 'Systems the directory is pushed to (ITI-59) and their delivery status (office)',
      },
    },
    async (request) => {
      requireOffice(request);
      const rows = await deps.store.db
        .selectFrom('hub_hpd_subscriber')
        .selectAll()
        .orderBy('facility_oid')
        .execute();
      return {
        subscribers: rows.map((r) => ({
          ...deliveryOf(r),
          pending: Number(r.pending),
          feedTokenPending: r.issue_feed_token === 1,
          lastSuccessAt: r.last_success_at,
        })),
      };
    },
  );

  app.put(
    '/admin/facilities/:oid/hpd-subscriber',
    {
      preValidation: officeFirst,
      schema: {
        tags,
        summary: 'Push the directory to a facility system (ITI-59): its endpoint, paused or not (office)',
        params: oidParams,
        body: subscriberBody,
      },
    },
    async (request) => {
      const principal = requireOffice(request);
      const { oid } = request.params as { oid: string };
      const body = request.body as z.output<typeof subscriberBody>;
      await requireFacility(deps, oid);
      await subscribeToDirectory(deps, oid, body, principal.userId);
      await auditAdmin(deps, principal, [
        { action: 'U', entity: `Organization/${oid}`, operation: 'hpd-subscriber', changes: body },
      ]);
      return { ok: true };
    },
  );
};

/** How sending to one system goes, as the office sees it (ITI-46 consumers, ITI-59 subscribers). */
function deliveryOf(r: Selectable<HubPixConsumerTable | HubHpdSubscriberTable>) {
  return {
    facilityOid: r.facility_oid,
    endpoint: r.endpoint,
    status: r.status,
    delivered: Number(r.delivered),
    failures: Number(r.failures),
    lastAttemptAt: r.last_attempt_at,
    lastError: r.last_error,
    retryAt: r.retry_at,
    updatedAt: r.updated_at,
  };
}

/**
 * Subscribes a facility's system to the directory push (ITI-59), or changes its subscription; with
 * `resend`, it gets the whole tree again (another system at the endpoint, or one that lost its store).
 */
export async function subscribeToDirectory(
  deps: Pick<HubDeps, 'store' | 'now'>,
  oid: string,
  body: { endpoint: string; status?: 'active' | 'paused'; issueFeedToken?: boolean; resend?: boolean },
  by: string,
): Promise<void> {
  const at = deps.now().toISOString();
  const token = body.issueFeedToken ? 1 : 0;
  const status = body.status ?? 'active';
  await deps.store.db
    .insertInto('hub_hpd_subscriber')
    .values({
      facility_oid: oid,
      endpoint: body.endpoint,
      status,
      pending: 0,
      delivered: 0,
      failures: 0,
      last_attempt_at: null,
      last_success_at: null,
      last_error: null,
      retry_at: null,
      issue_feed_token: token,
      synced_version: null,
      updated_at: at,
      updated_by: by,
    })
    .onConflict((oc) =>
      oc.column('facility_oid').doUpdateSet({
        endpoint: body.endpoint,
        status,
        failures: 0,
        retry_at: null,
        ...(token ? { issue_feed_token: 1 } : {}),
        synced_version: null,
        updated_at: at,
        updated_by: by,
      }),
    )
    .execute();
  if (body.resend) await deps.store.db.deleteFrom('hub_hpd_sent').where('facility_oid', '=', oid).execute();
}
