import type { FastifyInstance } from 'fastify';
import { auditDisclosure } from './audit-record.js';
import { authenticate, requireSamePatient } from './auth.js';
import { serveBinary } from './binary.js';
import { pageLinks, searchsetBody } from './bundle.js';
import { capabilityStatement, SERVED_TYPES } from './capability.js';
import { type ContextOf, fhirBase, notFound, reference, requestUrl } from './context.js';
import { FHIR_JSON, GatewayError } from './outcome.js';
import { parseEverything, parseSearch, type QueryString } from './search-params.js';

type Params = { type: string; id: string };

/**
 * The FHIR R4 subset. Each data route is one explicit pipeline: authenticate (assertion →
 * repository carrying the access rule) → check the named patient → query through the repository →
 * audit what is returned → answer.
 *
 * Not-found rule: a resource of another patient, or of a category this request may not see, answers
 * 404 exactly like an id that does not exist — a 403 there would confirm that the record exists,
 * which is itself a disclosure (e.g. that a patient had a psychiatry visit).
 */
export function registerFhirRoutes(app: FastifyInstance, ctxOf: ContextOf): void {
  app.get('/fhir/metadata', async (request, reply) => {
    const ctx = ctxOf(request);
    reply.type(FHIR_JSON).send(capabilityStatement(ctx.facility, fhirBase(ctx, request)));
  });

  app.get<{ Params: Pick<Params, 'id'>; Querystring: QueryString }>(
    '/fhir/Patient/:id/$everything',
    async (request, reply) => {
      const ctx = ctxOf(request);
      const repository = await authenticate(ctx, request, { type: 'everything', action: 'E' });
      requireSamePatient(repository.access, request.params.id);
      const query = parseEverything(request.query);
      const page = await repository.search(query);
      await auditDisclosure(ctx, request, page.rows.map(reference));
      const links = pageLinks(requestUrl(ctx, request), page.total, query.count, query.offset);
      reply.type(FHIR_JSON).send(searchsetBody(page, links, fhirBase(ctx, request)));
    },
  );

  app.get<{ Params: Pick<Params, 'id'> }>('/fhir/Binary/:id', async (request, reply) => {
    const ctx = ctxOf(request);
    const repository = await authenticate(ctx, request, { type: 'read', action: 'R' });
    await serveBinary(ctx, request, reply, repository);
  });

  app.get<{ Params: Params }>('/fhir/:type/:id', async (request, reply) => {
    const ctx = ctxOf(request);
    const repository = await authenticate(ctx, request, { type: 'read', action: 'R' });
    const { type, id } = request.params;
    requireServed(type);
    if (type === 'Patient') requireSamePatient(repository.access, id);
    const outcome = await repository.read(type, id);
    if (!outcome.found) throw notFound(ctx, request, outcome.why);
    await auditDisclosure(ctx, request, [reference(outcome.row)]);
    const modified = new Date(outcome.row.last_updated);
    reply.type(FHIR_JSON).header('etag', `W/"${outcome.row.version_id}"`);
    if (!Number.isNaN(modified.getTime())) reply.header('last-modified', modified.toUTCString());
    reply.send(outcome.row.json);
  });

  app.get<{ Params: Pick<Params, 'type'>; Querystring: QueryString }>(
    '/fhir/:type',
    async (request, reply) => {
      const ctx = ctxOf(request);
      const repository = await authenticate(ctx, request, { type: 'search', action: 'E' });
      requireServed(request.params.type);
      const { query, patient } = parseSearch(request.params.type, request.query);
      requireSamePatient(repository.access, patient);
      const page = await repository.search(query);
      await auditDisclosure(ctx, request, page.rows.map(reference));
      const links = pageLinks(requestUrl(ctx, request), page.total, query.count, query.offset);
      reply.type(FHIR_JSON).send(searchsetBody(page, links, fhirBase(ctx, request)));
    },
  );
}

function requireServed(type: string): void {
  if (!SERVED_TYPES.includes(type)) throw new GatewayError('unsupported-type', `${type} is not served`);
}
