import { PROFESSION_CODES } from '@hie/contract';
import { z } from 'zod';
import { agentOf, auditHub } from '../audit-record.js';
import { HubError, type HubPrincipal, type HubRoutes, requireOffice, requirePrincipal } from '../http.js';
import {
  breakGlassSearch,
  listBreakGlass,
  MIN_REASON_LENGTH,
  reviewBreakGlass,
  startBreakGlass,
} from './break-glass.js';
import { CATEGORY_CODES, categoryLabel } from './matrix.js';
import { getDisclosure, professionPolicyView, setDisclosure, setProfessionPolicy } from './settings.js';

const category = z.enum(CATEGORY_CODES as [string, ...string[]]);
const oidParams = z.object({ oid: z.string().min(1).max(200) });

/**
 * The facility's disclosure settings may be read by its members and the office, changed by its
 * admins and the office; anyone else gets the 404 of an unknown facility.
 */
function mayTouchDisclosure(principal: HubPrincipal, oid: string, write: boolean): boolean {
  if (principal.office) return true;
  if (principal.facilityOid !== oid) return false;
  return !write || principal.facilityRole === 'admin';
}

/** The policy's API: the office's matrix, each facility's disclosure, and break-the-glass. */
export const policyRoutes: HubRoutes = (app, deps) => {
  app.get(
    '/admin/policy/professions',
    { schema: { tags: ['policy'], summary: 'The profession × category matrix (職種別閲覧範囲)' } },
    async (request) => {
      requireOffice(request);
      return professionPolicyView(deps);
    },
  );

  app.put(
    '/admin/policy/professions',
    {
      schema: {
        tags: ['policy'],
        summary: 'Replace the categories of the given professions',
        body: z.object({
          professions: z.partialRecord(z.enum(PROFESSION_CODES as [string, ...string[]]), z.array(category)),
        }),
      },
    },
    async (request) => {
      const principal = requireOffice(request);
      const { professions } = request.body as { professions: Record<string, string[]> };
      await setProfessionPolicy(deps, principal, professions);
      return professionPolicyView(deps);
    },
  );

  const disclosureView = async (oid: string) => {
    const facility = await deps.store.db
      .selectFrom('hub_facility')
      .select(['oid', 'name', 'discloses', 'status'])
      .where('oid', '=', oid)
      .executeTakeFirst();
    if (!facility) return null;
    const categories = await getDisclosure(deps, oid);
    return {
      facilityOid: facility.oid,
      name: facility.name,
      discloses: Number(facility.discloses) === 1,
      status: facility.status,
      categories,
      labels: Object.fromEntries(categories.map((c) => [c, categoryLabel(c)])),
    };
  };
  const unknownFacility = () => new HubError(404, 'not-found', 'no such facility / 該当する施設はありません');

  app.get(
    '/admin/facilities/:oid/disclosure',
    {
      schema: {
        tags: ['policy'],
        summary: "A facility's disclosure settings (開示範囲): the categories it discloses",
        params: oidParams,
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const { oid } = request.params as { oid: string };
      if (!mayTouchDisclosure(principal, oid, false)) throw unknownFacility();
      const view = await disclosureView(oid);
      if (!view) throw unknownFacility();
      return view;
    },
  );

  app.put(
    '/admin/facilities/:oid/disclosure',
    {
      schema: {
        tags: ['policy'],
        summary: "Replace a facility's disclosure settings (office or the facility's admin)",
        params: oidParams,
        body: z.object({ categories: z.array(category) }),
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const { oid } = request.params as { oid: string };
      if (!mayTouchDisclosure(principal, oid, true)) {
        if (principal.facilityOid === oid) {
          throw new HubError(
            403,
            'facility-admin-only',
            'only the facility admin may change this / 施設管理者のみ変更できます',
          );
        }
        throw unknownFacility();
      }
      if (!(await disclosureView(oid))) throw unknownFacility();
      await setDisclosure(deps, principal, oid, (request.body as { categories: string[] }).categories);
      return disclosureView(oid);
    },
  );

  app.post(
    '/break-glass/search',
    {
      schema: {
        tags: ['break-glass'],
        summary: 'Emergency search (doctors, dentists): exact kana name and birth date → minimal identities',
        body: z.object({
          kana: z.string().trim().min(1).max(100),
          birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
          sex: z.enum(['M', 'F', 'O', 'U']).optional(),
        }),
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const body = request.body as { kana: string; birthDate: string; sex?: 'M' | 'F' | 'O' | 'U' };
      return { persons: await breakGlassSearch(deps, principal, body) };
    },
  );

  app.post(
    '/patients/:personId/break-glass',
    {
      schema: {
        tags: ['break-glass'],
        summary: `Break the glass (緊急時閲覧) for one patient: reason ≥ ${MIN_REASON_LENGTH} characters; time-limited`,
        params: z.object({ personId: z.string().min(1).max(100) }),
        body: z.object({ reason: z.string().max(2000) }),
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      const { personId } = request.params as { personId: string };
      const { reason } = request.body as { reason: string };
      return reply.status(201).send(await startBreakGlass(deps, principal, personId, reason));
    },
  );

  app.get(
    '/admin/break-glass',
    {
      schema: {
        tags: ['break-glass'],
        summary: 'Break-the-glass grants for the office to review',
        querystring: z.object({
          status: z.enum(['open', 'reviewed', 'all']).default('open'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          offset: z.coerce.number().int().min(0).default(0),
        }),
      },
    },
    async (request) => {
      const principal = requireOffice(request);
      const filter = request.query as { status: 'open' | 'reviewed' | 'all'; limit: number; offset: number };
      const list = await listBreakGlass(deps, filter);
      // The list names patients and reasons: reading it is audited like any disclosure (issue 10).
      await auditHub(deps, [
        {
          type: 'break-glass',
          action: 'R',
          outcome: '0',
          agent: agentOf(principal, request.ip),
          entities: list.entries.map((e) => `BreakGlass/${e.id}`),
          detail: {
            operation: 'break-glass-list',
            status: filter.status,
            shown: String(list.entries.length),
          },
        },
      ]);
      return list;
    },
  );

  app.post(
    '/admin/break-glass/:id/review',
    {
      schema: {
        tags: ['break-glass'],
        summary: 'Record the office review of a break-the-glass grant',
        params: z.object({ id: z.string().min(1).max(100) }),
        body: z.object({ note: z.string().trim().min(1).max(2000) }),
      },
    },
    async (request) => {
      const principal = requireOffice(request);
      const { id } = request.params as { id: string };
      await reviewBreakGlass(deps, principal, id, (request.body as { note: string }).note);
      return { id, reviewStatus: 'reviewed' };
    },
  );
};
