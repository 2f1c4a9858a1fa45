import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { auditHub } from '../audit-record.js';
import { type HubDeps, HubError } from '../http.js';
import { type PdqQuery, type PersonSummary, searchPersons } from '../mpi/pdq.js';
import { idQuery, knownDomains, nameQuery, personAsked, visibleIds } from './identities.js';
import { mcsdRoutes } from './mcsd.js';
import { callingFacility } from './node.js';
import { pixmFeedRoutes } from './pixm-feed.js';
import { hubOids } from './v3.js';

/**
 * PIXm (ITI-83) and PDQm (ITI-78) at the hub's FHIR base `/fhir`, on the same index and the same rule as
 * the V3 transactions: a facility's system (its feed token) learns the regional id and its own ids of its
 * own patients, and finds only them. Patient.id is the regional id; identifiers are `urn:oid:<domain>`;
 * names carry kanji (IDE) and kana (SYL) as JP Core does. JSON only (`application/fhir+json`).
 */
const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const REPRESENTATION = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';
const PAGE = 50;

type Issue = { severity: 'error'; code: string; diagnostics: string };
const outcome = (reply: FastifyReply, status: number, code: string, diagnostics: string) =>
  reply
    .status(status)
    .header('content-type', FHIR_JSON)
    .send({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code, diagnostics } satisfies Issue],
    });

const oidOf = (system: string) => (system.startsWith('urn:oid:') ? system.slice('urn:oid:'.length) : null);

export async function iheFhirRoutes(app: FastifyInstance, deps: HubDeps): Promise<void> {
  await mcsdRoutes(app, deps); // ITI-90 mCSD (mcsd.ts)
  await pixmFeedRoutes(app, deps); // ITI-104 PIXm feed (pixm-feed.ts)
  const regional = () => hubOids(deps.settings).regionalId;
  const caller = async (request: FastifyRequest, reply: FastifyReply): Promise<string | null> => {
    try {
      return await callingFacility(deps, request);
    } catch (error) {
      if (error instanceof HubError && error.status === 401) {
        await outcome(reply, 401, 'login', error.message);
        return null;
      }
      throw error;
    }
  };

  // ITI-83 PIXm Query.
  app.get('/fhir/Patient/$ihe-pix', { schema: { hide: true } }, async (request, reply) => {
    const facility = await caller(request, reply);
    if (!facility) return reply;
    const query = request.query as Record<string, string | string[] | undefined>;
    const source = typeof query.sourceIdentifier === 'string' ? query.sourceIdentifier : '';
    const targets = ([] as string[]).concat(query.targetSystem ?? []);
    const [system = '', value = ''] = source.split('|');
    const domain = oidOf(system);
    const domains = await knownDomains(deps);
    if (!domain || !value || !domains.has(domain)) {
      return outcome(reply, 400, 'code-invalid', 'sourceIdentifier Assigning Authority not found');
    }
    const targetDomains = targets.map(oidOf);
    if (targetDomains.some((d) => !d || !domains.has(d)))
      return outcome(reply, 403, 'code-invalid', 'targetSystem not found');
    const personId = await personAsked(deps, facility, { root: domain, extension: value });
    if (!personId) return outcome(reply, 404, 'not-found', 'sourceIdentifier Patient Identifier not found');
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
        agent: { userId: `ihe:${facility}`, facilityOid: facility },
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
    const facility = await caller(request, reply);
    if (!facility) return reply;
    const q = request.query as Record<string, string | undefined>;
    const parsed = pdqOf(q, facility, deps.settings);
    if ('error' in parsed) return outcome(reply, 400, 'invalid', parsed.error);
    if (Object.keys(parsed).length === 0) {
      return outcome(
        reply,
        400,
        'required',
        'give at least family, given, birthdate, gender, identifier or _id',
      );
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
        agent: { userId: `ihe:${facility}`, facilityOid: facility },
        entities: result.persons.map((p) => p.personId),
        detail: { operation: 'ITI-78', query: JSON.stringify(parsed), total: String(result.total) },
      },
    ]);
    const base = `${request.protocol}://${request.host}/fhir/Patient`;
    const params = new URLSearchParams(
      Object.entries(q).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== '_offset'),
    );
    const link = (at: number) =>
      `${base}?${new URLSearchParams([...params, ['_offset', String(at)]]).toString()}`;
    return reply.header('content-type', FHIR_JSON).send({
      resourceType: 'Bundle',
      type: 'searchset',
      total: result.total,
      link: [
        { relation: 'self', url: link(offset) },
        ...(offset + result.persons.length < result.total
          ? [{ relation: 'next', url: link(offset + count) }]
          : []),
      ],
      entry: result.persons.map((p) => ({
        fullUrl: `${base}/${p.personId}`,
        resource: patientOf(p, facility, regional()),
        search: { mode: 'match' },
      })),
    });
  });

  app.get('/fhir/Patient/:id', { schema: { hide: true } }, async (request, reply) => {
    const facility = await caller(request, reply);
    if (!facility) return reply;
    const { id } = request.params as { id: string };
    const result = await searchPersons(
      deps.store,
      { personId: id },
      { recordFilter: (eb) => eb('mpi_record.facility_oid', '=', facility), limit: 1, offset: 0 },
    );
    const person = result.persons[0];
    if (!person)
      return outcome(reply, 404, 'not-found', `Patient/${id} is not one of this facility’s patients`);
    await auditHub(deps, [
      {
        type: 'mpi',
        action: 'R',
        outcome: '0',
        agent: { userId: `ihe:${facility}`, facilityOid: facility },
        patient: { personId: person.personId },
        entities: [`Patient/${person.personId}`],
        detail: { operation: 'ITI-78' },
      },
    ]);
    return reply.header('content-type', FHIR_JSON).send(patientOf(person, facility, regional()));
  });
}

const GENDER: Record<string, string> = { M: 'male', F: 'female', O: 'other', U: 'unknown' };
const FROM_GENDER: Record<string, PdqQuery['sex']> = { male: 'M', female: 'F', other: 'O', unknown: 'U' };

function nameOf(whole: string, representation: 'IDE' | 'SYL') {
  const [family, ...given] = whole.split(/[\s\u3000]+/);
  return {
    extension: [{ url: REPRESENTATION, valueCode: representation }],
    use: 'official',
    text: whole,
    ...(family ? { family } : {}),
    ...(given.length > 0 ? { given } : {}),
  };
}

function patientOf(person: PersonSummary, facility: string, regional: string) {
  return {
    resourceType: 'Patient',
    id: person.personId,
    identifier: [
      { system: `urn:oid:${regional}`, value: person.personId },
      ...person.records
        .filter((r) => r.facilityOid === facility)
        .map((r) => ({ system: `urn:oid:${facility}`, value: r.localId })),
    ],
    active: true,
    name: [
      ...(person.nameKanji ? [nameOf(person.nameKanji, 'IDE')] : []),
      ...(person.nameKana ? [nameOf(person.nameKana, 'SYL')] : []),
    ],
    ...(person.sex && GENDER[person.sex] ? { gender: GENDER[person.sex] } : {}),
    ...(person.birthDate ? { birthDate: person.birthDate } : {}),
  };
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
