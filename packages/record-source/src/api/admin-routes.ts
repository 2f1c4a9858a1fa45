import { CATEGORIES, disclosureBodySchema } from '@hie/contract';
import type { FastifyInstance } from 'fastify';
import { checkDisclosure, type DisclosureSnapshot } from '../access/index.js';
import { auditDisclosure } from './audit-record.js';
import { requireAdmin } from './auth.js';
import type { ContextOf } from './context.js';
import { GatewayError } from './outcome.js';

const disclosureBody = disclosureBodySchema;

const view = (s: DisclosureSnapshot) => ({
  categories: s.settings.categories,
  source: s.source,
  updatedAt: s.updatedAt,
  known: CATEGORIES,
});

/**
 * The facility's disclosure settings (what this gateway discloses at all, whatever the hub asks for).
 * Authorised by the local admin token (see requireAdmin for why not a hub assertion); every change,
 * and every refused attempt, is audited with the settings before and after.
 */
export function registerAdminRoutes(app: FastifyInstance, ctxOf: ContextOf): void {
  app.get('/admin/disclosure', async (request) => {
    const ctx = ctxOf(request);
    requireAdmin(ctx, request);
    return view(await ctx.disclosure.current());
  });

  app.put('/admin/disclosure', async (request) => {
    const ctx = ctxOf(request);
    ctx.requests.set(request, { type: 'admin', action: 'U' });
    requireAdmin(ctx, request);
    const body = disclosureBody.safeParse(request.body);
    if (!body.success) throw new GatewayError('bad-request', 'expected {"categories": ["…", …]}');
    const checked = checkDisclosure(body.data);
    if (!checked.ok) throw new GatewayError('bad-parameter', checked.message);
    const before = await ctx.disclosure.current();
    const after = await ctx.disclosure.replace(checked.settings);
    const state = ctx.requests.get(request);
    if (state) {
      state.detail = {
        disclosureBefore: before.settings.categories.join(','),
        disclosureAfter: after.settings.categories.join(','),
      };
    }
    await auditDisclosure(ctx, request, []);
    return view(after);
  });
}
