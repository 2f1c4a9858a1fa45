import type { FastifyInstance } from 'fastify';
import { auditHub } from '../audit-record.js';
import type { HubDeps } from '../http.js';
import { type PdqQuery, searchPersons } from '../mpi/pdq.js';
import {
  FHIR_JSON,
  FhirRefusal,
  FROM_GENDER,
  fhirCaller,
  oidOf,
  outcome,
  ownPatient,
  patientOf,
  searchset,
  systemAgent,
} from './fhir-common.js';
import { idQuery, knownDomains, nameQuery, personAsked, visibleIds } from './identities.js';
import { mcsdRoutes } from './mcsd.js';
import { pixmFeedRoutes } from './pixm-feed.js';
import { hubOids } from './v3.js';

/**
 * PIXm (ITI-83) and PDQm (ITI-78) at the hub's FHIR base `/fhir`, on the same index and the same rule as
 * the V3 transactions: a facility's system (its feed token) learns the regional id and its own ids of its
 * own patients, and finds only them. Patient.id is the regional id; identifiers are `urn:oid:<domain>`;
 * names carry kanji (IDE) and kana (SYL) as JP Core does. JSON only (`application/fhir+json`).
 */
const PAGE = 50;

export async function iheFhirRoutes(app: FastifyInstance, deps: HubDeps): Promise<void> {
  await mcsdRoutes(app, deps); // ITI-90 mCSD (mcsd.ts)
  await pixmFeedRoutes(app, deps); // ITI-104 PIXm feed (pixm-feed.ts)
  const regional = () => hubOids(deps.settings).regionalId;

  // ITI-83 PIXm Query.
  app.get('/fhir/Patient/$ihe-pix', { schema: { hide: true } }, async (request, reply) => {
    const facility = await fhirCaller(deps, request, reply);
    if (!facility) return reply;
    const query = request.query as Record<string, string | string[] | undefined>;
    const source = typeof query.sourceIdentifier === 'string' ? query.sourceIdentifier : '';
    const targets = ([] as string[]).concat(query.targetSystem ?? []);
    const [system = '', value = ''] = source.split('|');
    const domain = oidOf(system);
    const domains = await knownDomains(deps);
    if (!domain || !value || !domains.has(domain)) {
      return outcome(
        reply,
        new FhirRefusal(400, 'code-invalid', 'sourceIdentifier Assigning Authority not found'),
      );
    }
    const targetDomains = targets.map(oidOf);
    if (targetDomains.some((d) => !d || !domains.has(d)))
      return outcome(reply, new FhirRefusal(403, 'code-invalid', 'targetSystem not found'));
    const personId = await personAsked(deps, facility, { root: domain, extension: value });
    if (!personId)
      return outcome(
        reply,
        new FhirRefusal(404, 'not-found', 'sourceIdentifier Patient Identifier not found'),
      );
    const ids = (await visibleIds(deps, facility, personId))
      .map((ii) => ({ system: `urn:oid:${ii.root}`, value: ii.extension ?? '' }))
      .filter(
        (id) =>
          !(id.system === system && id.value === value) &&
          (targets.length === 0 || targets.includes(id.system)),
      );
    await auditHub(deps, [
      {
        type: 'mpi',
        action: 'E',
        outcome: '0',
        agent: systemAgent(facility),
        patient: { personId },
        entities: ids.map((id) => `${id.system}|${id.value}`),
        detail: { operation: 'ITI-83', asked: source },
      },
    ]);
    return reply.header('content-type', FHIR_JSON).send({
      resourceType: 'Parameters',
      parameter: [
        { name: 'targetId', valueReference: { reference: `Patient/${personId}` } },
        ...ids.map((id) => ({ name: 'targetIdentifier', valueIdentifier: id })),
      ],
    });
  });

  // ITI-78 PDQm: search and read.
  app.get('/fhir/Patient', { schema: { hide: true } }, async (request, reply) => {
    const facility = await fhirCaller(deps, request, reply);
    if (!facility) return reply;
    const q = request.query as Record<string, string | undefined>;
    const parsed = pdqOf(q, facility, deps.settings);
    if ('error' in parsed) return outcome(reply, new FhirRefusal(400, 'invalid', parsed.error));
    if (Object.keys(parsed).length === 0) {
      const needed = 'give at least family, given, birthdate, gender, identifier or _id';
      return outcome(reply, new FhirRefusal(400, 'required', needed));
    }
    const count = Math.min(Math.max(Number(q._count ?? PAGE) || PAGE, 1), 100);
    const offset = Math.max(Number(q._offset ?? 0) || 0, 0);
    const result = await searchPersons(deps.store, parsed, {
      recordFilter: (eb) => eb('mpi_record.facility_oid', '=', facility),
      limit: count,
      offset,
    });
    await auditHub(deps, [
      {
        type: 'mpi',
        action: 'E',
        outcome: '0',
        agent: systemAgent(facility),
        entities: result.persons.map((p) => p.personId),
        detail: { operation: 'ITI-78', query: JSON.stringify(parsed), total: String(result.total) },
      },
    ]);
    const base = `${request.protocol}://${request.host}/fhir/Patient`;
    const entry = result.persons.map((p) => ({
      fullUrl: `${base}/${p.personId}`,
      resource: patientOf(p, facility, regional()),
      search: { mode: 'match' },
    }));
    return reply
      .header('content-type', FHIR_JSON)
      .send(searchset(base, q, { offset, count, total: result.total }, entry));
  });

  app.get('/fhir/Patient/:id', { schema: { hide: true } }, async (request, reply) => {
    const facility = await fhirCaller(deps, request, reply);
    if (!facility) return reply;
    const { id } = request.params as { id: string };
    const person = await ownPatient(deps, facility, id);
    if (!person) {
      const unknown = `Patient/${id} is not one of this facility’s patients`;
      return outcome(reply, new FhirRefusal(404, 'not-found', unknown));
    }
    await auditHub(deps, [
      {
        type: 'mpi',
        action: 'R',
        outcome: '0',
        agent: systemAgent(facility),
        patient: { personId: person.personId },
        entities: [`Patient/${person.personId}`],
        detail: { operation: 'ITI-78' },
      },
    ]);
    return reply.header('content-type', FHIR_JSON).send(patientOf(person, facility, regional()));
  });
}

function pdqOf(
  q: Record<string, string | undefined>,
  facility: string,
  settings: HubDeps['settings'],
): PdqQuery | { error: string } {
  const query: PdqQuery = {};
  const family = q.family?.trim() ?? '';
  const given = q.given?.trim() ?? '';
  if (given && !family) return { error: 'given needs family (names are searched from the family name)' };
  Object.assign(query, nameQuery(family, given));
  if (q.birthdate) {
    const day = q.birthdate.replace(/^eq/, '');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return { error: 'birthdate: YYYY-MM-DD (eq only)' };
    query.birthDate = day;
  }
  if (q.gender) {
    const sex = FROM_GENDER[q.gender];
    if (!sex) return { error: 'gender: male, female, other or unknown' };
    query.sex = sex;
  }
  if (q._id) query.personId = q._id;
  if (q.identifier) {
    const [system = '', value = ''] = q.identifier.split('|');
    const byId = idQuery(settings, facility, { root: oidOf(system) ?? '', extension: value });
    if (!byId) return { error: 'identifier: this facility’s ids or the regional id (urn:oid:…|value)' };
    Object.assign(query, byId);
  }
  return query;
}
