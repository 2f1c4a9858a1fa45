import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { requireAdmin } from './auth.js';
import type { ContextOf, GatewayContext } from './context.js';
import { GatewayError } from './outcome.js';

/** Counting 1 M rows takes a moment: the gauges are refreshed at most this often. */
const GAUGE_TTL_MS = 15_000;

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * /health: open, no patient data. /metrics: from this host (a local Prometheus agent) or with the local
 * admin token — its counts (patients, resources, traffic) are the facility's business (issue 10).
 */
export function registerOpsRoutes(app: FastifyInstance, ctxOf: ContextOf): void {
  app.get('/health', async (request) => {
    const ctx = ctxOf(request);
    try {
      await sql`select 1`.execute(ctx.store.db);
    } catch (e) {
      throw new GatewayError('unavailable', (e as Error).message);
    }
    return { status: 'ok', db: 'ok', engine: ctx.store.engine, facility: ctx.facility.oid };
  });

  let gauges: { resources: number | null; patients: number | null; at: number } | undefined;
  app.get('/metrics', async (request, reply) => {
    const ctx = ctxOf(request);
    if (!LOOPBACK.has(request.ip)) requireAdmin(ctx, request);
    if (!gauges || Date.now() - gauges.at > GAUGE_TTL_MS) {
      gauges = { ...(await countProjection(ctx)), at: Date.now() };
    }
    reply.type('text/plain; version=0.0.4; charset=utf-8').send(ctx.metrics.render(gauges));
  });
}

async function countProjection(
  ctx: GatewayContext,
): Promise<{ resources: number | null; patients: number | null }> {
  try {
    const [resources, patients] = await Promise.all([
      ctx.store.db
        .selectFrom('gw_resource')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst(),
      ctx.store.db
        .selectFrom('gw_patient')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst(),
    ]);
    return { resources: Number(resources?.n ?? 0), patients: Number(patients?.n ?? 0) };
  } catch {
    return { resources: null, patients: null };
  }
}
