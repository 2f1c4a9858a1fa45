import type { FastifyInstance } from 'fastify';
import { auditHub } from '../audit-record.js';
import type { HubDeps } from '../http.js';
import {
  FHIR_JSON,
  FhirRefusal,
  fhirCaller,
  outcome,
  type Query,
  refusedWith,
  searchParams,
  searchset,
  systemAgent,
} from './fhir-common.js';
import { directory, type Indexed, RESOURCE_TYPES } from './mcsd-resources.js';
import { keyOf, search } from './mcsd-search.js';

/**
 * mCSD Find Matching Care Services (ITI-90), read-only, at the hub's FHIR base: the same directory HPD
 * (ITI-58) publishes — facilities as Organization and Location (the mCSD "facility" pair), users as
 * Practitioner, memberships as PractitionerRole (mcsd-resources.ts). Every facility system may read it
 * (it is the network's shared directory). Searches (mcsd-search.ts) are strict: an unknown parameter or
 * modifier is refused (400 not-supported), never ignored. Every search and read is audited.
 */
export async function mcsdRoutes(app: FastifyInstance, deps: HubDeps): Promise<void> {
  const audit = (facility: string, action: 'E' | 'R', entities: string[], detail: Record<string, string>) =>
    auditHub(deps, [
      {
        type: 'admin',
        action,
        outcome: '0',
        agent: systemAgent(facility),
        entities,
        detail: { operation: 'ITI-90', ...detail },
      },
    ]);

  for (const type of RESOURCE_TYPES) {
    app.get(`/fhir/${type}`, { schema: { hide: true } }, async (request, reply) => {
      const facility = await fhirCaller(deps, request, reply);
      if (!facility) return reply;
      const query = request.query as Query;
      let found: Awaited<ReturnType<typeof search>>;
      try {
        found = await search(deps, type, query);
      } catch (error) {
        return refusedWith(reply, error);
      }
      const { total, offset, count, page, included } = found;
      const base = `${request.protocol}://${request.host}/fhir`;
      const entry = (x: Indexed, mode: 'match' | 'include') => ({
        fullUrl: `${base}/${keyOf(x)}`,
        resource: x.resource,
        search: { mode },
      });
      await audit(facility, 'E', page.map(keyOf), {
        resource: type,
        query: new URLSearchParams(searchParams(query)).toString(),
        total: String(total),
      });
      const entries = [...page.map((x) => entry(x, 'match')), ...included.map((x) => entry(x, 'include'))];
      return reply
        .header('content-type', FHIR_JSON)
        .send(searchset(`${base}/${type}`, query, { offset, count, total }, entries));
    });

    app.get(`/fhir/${type}/:id`, { schema: { hide: true } }, async (request, reply) => {
      const facility = await fhirCaller(deps, request, reply);
      if (!facility) return reply;
      const { id } = request.params as { id: string };
      const found = (await directory(deps)).find(
        (x) => x.resource.resourceType === type && x.resource.id === id,
      );
      if (!found) {
        return outcome(reply, new FhirRefusal(404, 'not-found', `${type}/${id} is not in the directory`));
      }
      await audit(facility, 'R', [`${type}/${id}`], { resource: type });
      return reply.header('content-type', FHIR_JSON).send(found.resource);
    });
  }
}
