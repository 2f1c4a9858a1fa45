import { cabinetOpenSchema, cabinetPostInputSchema, cabinetTemplateSchema } from '@hie/contract';
import { z } from 'zod';
import {
  contentDisposition,
  FORM_CONTENT_TYPES,
  FORM_EXTENSIONS,
  type FormMediaType,
} from '../../consent/form.js';
import {
  HubError,
  type HubRoutes,
  officeFirst,
  requireOffice,
  requirePrincipal,
  sendCsv,
} from '../../http.js';
import {
  cabinetDetail,
  changeOwnMembership,
  closeCabinet,
  inviteMember,
  openCabinet,
  removeMember,
} from '../cabinets.js';
import {
  CABINET_FORM_MAX_BYTES,
  getConsentForm,
  putConsentForm,
  registerConsent,
  withdrawConsent,
} from '../consent.js';
import { cabinetDrawingRoutes } from '../drawings/routes.js';
import { CabinetEvents } from '../events.js';
import { cabinetFileRoutes } from '../files/routes.js';
import {
  groupInputSchema,
  groupNotFound,
  groupPeople,
  groupView,
  isGroupFacility,
  listGroups,
  saveGroup,
  saveGroupTemplate,
  templatesFor,
} from '../groups.js';
import { listCabinets, officeCabinets } from '../list.js';
import { cabinetGuard, loadCabinet, loadedCabinet, requireCabinet } from '../load.js';
import { notifications, unreadCount } from '../notifications.js';
import { createPost, editPost, listPosts, postVersions, postView, vitalSeries } from '../posts.js';
import { cabinetPushRoutes } from '../push/routes.js';
import { cabinetScheduleRoutes } from '../schedule/routes.js';
import { streamCabinetEvents } from '../stream.js';
import { CABINET_ATTACHMENT_KINDS } from './attachment-kinds.js';
import { type CabinetFhirType, exportCsv, exportFhir, FHIR_TYPES } from './export.js';

const TAGS = ['cabinet'];
const idParams = z.object({ id: z.string().min(1).max(64) });
const postParams = z.object({ id: z.string().min(1).max(64), postId: z.string().min(1).max(64) });
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const reasonBody = z.object({ reason: z.string().trim().min(1).max(500) }).strict();
const memberBody = z
  .object({ userId: z.string().min(1).max(64), facilityOid: z.string().min(1).max(64) })
  .strict();

/**
 * The Care Cabinet's API (README.md beside this file). Every route loads the cabinet through the one rule
 * (`requireCabinet`), which refuses and audits; the functions it calls audit what they show or change.
 */
export const cabinetRoutes: HubRoutes = async (app, deps) => {
  const events = new CabinetEvents();
  const cabinetDeps = { store: deps.store, now: deps.now, events, attachments: CABINET_ATTACHMENT_KINDS };
  // The rule runs before the body is validated: a stranger learns nothing from a 400.
  const guard = (need: 'read' | 'write' | 'member', what: string) => cabinetGuard(cabinetDeps, need, what);
  const contextOf = loadedCabinet;
  const full = { ...deps, events };

  app.get(
    '/cabinet-groups',
    { schema: { tags: TAGS, summary: 'The district groups of your facility (office: all)' } },
    async (request) => {
      const principal = requirePrincipal(request);
      return { groups: await listGroups(deps, principal) };
    },
  );

  app.post(
    '/cabinet-groups',
    {
      preValidation: officeFirst,
      schema: { tags: TAGS, summary: 'Register a district group (office)', body: groupInputSchema },
    },
    async (request, reply) => {
      const principal = requireOffice(request);
      return reply
        .status(201)
        .send(await saveGroup(deps, principal, request.body as z.input<typeof groupInputSchema>, 'create'));
    },
  );

  app.put(
    '/cabinet-groups/:id',
    {
      preValidation: officeFirst,
      schema: {
        tags: TAGS,
        summary: 'Change a district group (office)',
        params: idParams,
        body: groupInputSchema.omit({ id: true }),
      },
    },
    async (request) => {
      const principal = requireOffice(request);
      const { id } = request.params as { id: string };
      return saveGroup(
        deps,
        principal,
        { ...(request.body as object), id } as z.input<typeof groupInputSchema>,
        'update',
      );
    },
  );

  app.put(
    '/cabinet-groups/:id/templates/:templateId',
    {
      preValidation: officeFirst,
      schema: {
        tags: TAGS,
        summary: 'Add or replace a template of the group (office)',
        params: z.object({ id: z.string().min(1).max(64), templateId: z.string().min(1).max(61) }),
        body: cabinetTemplateSchema,
      },
    },
    async (request) => {
      const principal = requireOffice(request);
      const { id, templateId } = request.params as { id: string; templateId: string };
      const template = request.body as z.output<typeof cabinetTemplateSchema>;
      if (template.id !== templateId)
        throw new HubError(422, 'id-mismatch', 'the body’s id must match the path');
      await saveGroupTemplate(deps, principal, id, template);
      return { ok: true };
    },
  );

  app.get(
    '/cabinet-groups/:id/people',
    {
      schema: {
        tags: TAGS,
        summary: 'Staff of the group’s facilities, whom a cabinet owner may invite',
        params: idParams,
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const { id } = request.params as { id: string };
      // Someone outside the group gets the same 404 as for an unknown group.
      if (principal.office) await groupView(deps, id);
      else if (!(await isGroupFacility(deps, id, principal.facilityOid))) throw groupNotFound();
      return { people: await groupPeople(deps, id) };
    },
  );

  app.get(
    '/cabinets',
    { schema: { tags: TAGS, summary: 'Your cabinets: invited or member' } },
    async (request) => {
      const principal = requirePrincipal(request);
      if (principal.office) return { cabinets: [] };
      return { cabinets: await listCabinets(cabinetDeps, principal) };
    },
  );

  app.post(
    '/cabinets',
    {
      schema: {
        tags: TAGS,
        summary: 'Open a cabinet: the patient, the team consent, invitations',
        body: cabinetOpenSchema,
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      const id = await openCabinet(full, principal, request.body as z.input<typeof cabinetOpenSchema>);
      const context = await loadCabinet(cabinetDeps, principal, id);
      if (!context) throw new HubError(500, 'internal', 'the cabinet vanished');
      return reply.status(201).send(await cabinetDetail(cabinetDeps, principal, context));
    },
  );

  const detailOf = async (
    principal: Parameters<typeof loadCabinet>[1] & Parameters<typeof cabinetDetail>[1],
    id: string,
  ) => {
    const context = await requireCabinet(cabinetDeps, principal, id, 'member', 'detail');
    return cabinetDetail(cabinetDeps, principal, context);
  };

  app.get(
    '/cabinets/:id',
    { schema: { tags: TAGS, summary: 'One cabinet: patient, team, consent', params: idParams } },
    async (request) => {
      const principal = requirePrincipal(request);
      return detailOf(principal, (request.params as { id: string }).id);
    },
  );

  app.post(
    '/cabinets/:id/members',
    {
      preValidation: guard('write', 'member-invite'),
      schema: { tags: TAGS, summary: 'Invite a member (owner)', params: idParams, body: memberBody },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const { id } = request.params as { id: string };
      const context = contextOf(request);
      await inviteMember(cabinetDeps, principal, context, request.body as z.output<typeof memberBody>);
      return detailOf(principal, id);
    },
  );

  app.delete(
    '/cabinets/:id/members/:userId',
    {
      preValidation: guard('member', 'member-remove'),
      schema: {
        tags: TAGS,
        summary: 'Remove a member (owner): they read nothing from now on',
        params: z.object({ id: z.string().min(1).max(64), userId: z.string().min(1).max(64) }),
        querystring: z.object({ facilityOid: z.string().min(1).max(64) }),
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const { id, userId } = request.params as { id: string; userId: string };
      const { facilityOid } = request.query as { facilityOid: string };
      const context = contextOf(request);
      await removeMember(cabinetDeps, principal, context, { userId, facilityOid });
      return detailOf(principal, id);
    },
  );

  for (const change of ['accept', 'decline', 'leave'] as const) {
    app.post(
      `/cabinets/:id/${change}`,
      {
        preValidation: guard('member', `member-${change}`),
        schema: { tags: TAGS, summary: `${change} (your own membership)`, params: idParams },
      },
      async (request) => {
        const principal = requirePrincipal(request);
        const { id } = request.params as { id: string };
        const context = contextOf(request);
        await changeOwnMembership(cabinetDeps, principal, context, change);
        return change === 'accept' ? detailOf(principal, id) : { ok: true };
      },
    );
  }

  app.post(
    '/cabinets/:id/consent',
    {
      preValidation: guard('member', 'consent-register'),
      schema: {
        tags: TAGS,
        summary: 'Register the team consent anew (owner): supersedes the one before',
        params: idParams,
        body: z
          .object({
            startDate: day,
            endDate: day.nullish(),
            facilities: z.array(z.string().min(1).max(64)).max(50).default([]),
            note: z.string().max(500).nullish(),
          })
          .strict(),
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const { id } = request.params as { id: string };
      const context = contextOf(request);
      await registerConsent(
        cabinetDeps,
        principal,
        context,
        request.body as { startDate: string; facilities: string[] },
      );
      return detailOf(principal, id);
    },
  );

  /** A change of the cabinet that takes a reason (a withdrawal, closing); answers the detail as it is now. */
  const reasonRoute = (
    path: string,
    need: 'read' | 'write',
    what: string,
    summary: string,
    change: typeof withdrawConsent,
  ) =>
    app.post(
      path,
      {
        preValidation: guard(need, what),
        schema: { tags: TAGS, summary, params: idParams, body: reasonBody },
      },
      async (request) => {
        const principal = requirePrincipal(request);
        const { reason } = request.body as { reason: string };
        await change(cabinetDeps, principal, contextOf(request), reason);
        return detailOf(principal, (request.params as { id: string }).id);
      },
    );

  reasonRoute(
    '/cabinets/:id/consent/withdraw',
    'read',
    'consent-withdraw',
    'Record the patient’s withdrawal: closes the cabinet to reads at once',
    withdrawConsent,
  );

  await app.register(async (scoped) => {
    scoped.addContentTypeParser(
      [...FORM_CONTENT_TYPES],
      { parseAs: 'buffer', bodyLimit: CABINET_FORM_MAX_BYTES },
      (_request, body, done) => done(null, body),
    );
    scoped.put(
      '/cabinets/:id/consent/form',
      {
        preValidation: guard('member', 'consent-form'),
        bodyLimit: CABINET_FORM_MAX_BYTES,
        schema: {
          tags: TAGS,
          summary: 'Upload the signed team consent form (owner; PDF, PNG or JPEG ≤ 10 MB, raw bytes)',
          params: idParams,
          querystring: z.object({ fileName: z.string().min(1).max(200).optional() }),
        },
      },
      async (request) => {
        const principal = requirePrincipal(request);
        const { id } = request.params as { id: string };
        if (!Buffer.isBuffer(request.body)) {
          throw new HubError(
            415,
            'unsupported-media-type',
            'send the form as application/pdf, image/png or image/jpeg',
          );
        }
        const context = contextOf(request);
        await putConsentForm(
          cabinetDeps,
          principal,
          context,
          request.body,
          (request.query as { fileName?: string }).fileName ?? null,
        );
        return detailOf(principal, id);
      },
    );
  });

  app.get(
    '/cabinets/:id/consent/form',
    {
      preValidation: guard('read', 'consent-form'),
      schema: { tags: TAGS, summary: 'Download the signed team consent form', params: idParams },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      const { id } = request.params as { id: string };
      const context = contextOf(request);
      const form = await getConsentForm(cabinetDeps, principal, context);
      const name =
        form.fileName ?? `cabinet-consent-${id}.${FORM_EXTENSIONS[form.mediaType as FormMediaType] ?? 'bin'}`;
      return reply
        .header('content-type', form.mediaType)
        .header('content-disposition', contentDisposition(name))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'no-store')
        .send(form.bytes);
    },
  );

  reasonRoute(
    '/cabinets/:id/close',
    'write',
    'close',
    'Close the cabinet (owner): read only until the retention day',
    closeCabinet,
  );

  const listQuery = z.object({
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).optional(),
    author: z.string().max(64).optional(),
    profession: z.string().max(40).optional(),
    column: z.string().max(40).optional(),
    kind: z.enum(['soap', 'free']).optional(),
    urgent: z.enum(['1', 'true']).optional(),
    from: day.optional(),
    to: day.optional(),
    q: z.string().trim().min(1).max(100).optional(),
  });

  app.get(
    '/cabinets/:id/posts',
    {
      preValidation: guard('read', 'posts'),
      schema: {
        tags: TAGS,
        summary: 'A page of posts, newest first (marks them read)',
        params: idParams,
        querystring: listQuery,
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const query = request.query as z.output<typeof listQuery>;
      const context = contextOf(request);
      return listPosts(cabinetDeps, principal, context, { ...query, urgent: query.urgent !== undefined });
    },
  );

  app.post(
    '/cabinets/:id/posts',
    {
      preValidation: guard('write', 'post-create'),
      schema: {
        tags: TAGS,
        summary: 'Post (SOAP or free, from a template, a reply)',
        params: idParams,
        body: cabinetPostInputSchema,
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      const context = contextOf(request);
      const view = await createPost(
        cabinetDeps,
        principal,
        context,
        request.body as z.input<typeof cabinetPostInputSchema>,
      );
      return reply.status(201).send(view);
    },
  );

  app.put(
    '/cabinets/:id/posts/:postId',
    {
      preValidation: guard('write', 'post-edit'),
      schema: {
        tags: TAGS,
        summary: 'Edit your post: a new version, the old kept',
        params: postParams,
        body: cabinetPostInputSchema,
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const { postId } = request.params as { postId: string };
      const context = contextOf(request);
      await editPost(
        cabinetDeps,
        principal,
        context,
        postId,
        request.body as z.input<typeof cabinetPostInputSchema>,
      );
      return postView(cabinetDeps, principal, context, postId);
    },
  );

  app.get(
    '/cabinets/:id/posts/:postId/versions',
    {
      preValidation: guard('read', 'post-versions'),
      schema: { tags: TAGS, summary: 'Every version of a post', params: postParams },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const { postId } = request.params as { postId: string };
      const context = contextOf(request);
      return { versions: await postVersions(cabinetDeps, principal, context, postId) };
    },
  );

  app.get(
    '/cabinets/:id/templates',
    {
      preValidation: guard('read', 'templates'),
      schema: {
        tags: TAGS,
        summary: 'Templates: the network’s and the group’s, yours first',
        params: idParams,
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const context = contextOf(request);
      return { templates: await templatesFor(deps, context.cabinet.group_id, principal.profession) };
    },
  );

  app.get(
    '/cabinets/:id/vitals',
    {
      preValidation: guard('read', 'vitals'),
      schema: { tags: TAGS, summary: 'Vital-sign series from the posts’ template inputs', params: idParams },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const context = contextOf(request);
      return { series: await vitalSeries(cabinetDeps, principal, context) };
    },
  );

  app.get(
    '/cabinet-notifications',
    { schema: { tags: TAGS, summary: 'Unread posts in your cabinets' } },
    async (request) => {
      const principal = requirePrincipal(request);
      if (principal.office) return { unread: 0, items: [] };
      return notifications(cabinetDeps, principal);
    },
  );

  app.get(
    '/cabinet-notifications/count',
    {
      schema: {
        tags: TAGS,
        summary: 'How many unread posts (no patient, no content: what the menu badge polls)',
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      return { unread: principal.office ? 0 : await unreadCount(cabinetDeps, principal) };
    },
  );

  app.get(
    '/cabinet-events',
    { schema: { tags: TAGS, summary: 'Server-Sent Events: new posts and cabinet changes you may see' } },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      return streamCabinetEvents(cabinetDeps, principal, request, reply);
    },
  );

  app.get(
    '/office/cabinets',
    { schema: { tags: TAGS, summary: 'Every cabinet’s metadata (office): no patient, no content' } },
    async (request) => {
      requireOffice(request);
      return { cabinets: await officeCabinets(cabinetDeps) };
    },
  );

  app.get(
    '/cabinets/:id/export.csv',
    {
      preValidation: guard('read', 'export-csv'),
      schema: { tags: TAGS, summary: 'Every post as CSV (UTF-8 with BOM), oldest first', params: idParams },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      const { id } = request.params as { id: string };
      const context = contextOf(request);
      return sendCsv(reply, `cabinet-${id}.csv`, await exportCsv(cabinetDeps, principal, context));
    },
  );

  app.get(
    '/cabinets/:id/fhir/:type',
    {
      preValidation: guard('read', 'fhir'),
      schema: {
        tags: TAGS,
        summary:
          'The cabinet as FHIR R4: CareTeam, Communication (posts), Observation (vital signs), Appointment (a month of the schedule, ?month=YYYY-MM), DocumentReference (posted files and drawings)',
        params: z.object({ id: z.string().min(1).max(64), type: z.enum(FHIR_TYPES) }),
        querystring: z.object({
          month: z
            .string()
            .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
            .optional(),
        }),
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      const { type } = request.params as { type: CabinetFhirType };
      const context = contextOf(request);
      const bundle = await exportFhir(
        cabinetDeps,
        principal,
        context,
        type,
        `${request.protocol}://${request.hostname}${request.url}`,
        (request.query as { month?: string }).month,
      );
      return reply
        .header('content-type', 'application/fhir+json; charset=utf-8')
        .send(JSON.stringify(bundle));
    },
  );

  // Parts of the cabinet in modules of their own (files, schedule, drawings) register below.
  await cabinetScheduleRoutes(app, deps, cabinetDeps);
  await cabinetFileRoutes(app, deps, cabinetDeps);
  await cabinetDrawingRoutes(app, deps, cabinetDeps);
  await cabinetPushRoutes(app, deps, cabinetDeps);
};
