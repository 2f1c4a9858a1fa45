import { createHash } from 'node:crypto';
import { FACILITY_TYPES, type FacilityType, PROFESSIONS, type Profession } from '@hie/contract';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { auditHub } from '../audit-record.js';
import { type HubDeps, HubError } from '../http.js';
import { kanaKey, kanjiKey } from '../mpi/normalize.js';
import { isKanaName } from './identities.js';
import { callingFacility } from './node.js';

/**
 * mCSD Find Matching Care Services (ITI-90), read-only, at the hub's FHIR base: the same directory HPD
 * (ITI-58) publishes — facilities as Organization and Location (the mCSD "facility" pair), users as
 * Practitioner, memberships as PractitionerRole. Every facility system may read it (it is the network's
 * shared directory); no contact data of persons, no login ids, no facility-admin roles are published.
 * Searches are strict: an unknown parameter or modifier is refused (400 not-supported), never ignored.
 * The directory is a few thousand entries at prefecture scale: searched in memory, as hpd.ts does.
 */
const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const REPRESENTATION = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';
/** JP Core's system for the 10-digit 医療機関コード. */
const INSTITUTION_CODE = 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no';
const URI = 'urn:ietf:rfc:3986';
const HCROLE = 'urn:oid:1.2.392.100495.1.6.1.1';
/** mCSD's mark of an Organization and a Location that together are a facility. */
const MCSD_FACILITY = {
  system: 'https://profiles.ihe.net/ITI/mCSD/CodeSystem/IHE.mCSD.Organization.Location.Types',
  code: 'facility',
  display: 'Facility',
};
const PAGE = 50;

type ResourceType = 'Organization' | 'Location' | 'Practitioner' | 'PractitionerRole';
const RESOURCE_TYPES: readonly ResourceType[] = [
  'Organization',
  'Location',
  'Practitioner',
  'PractitionerRole',
];

interface Resource {
  resourceType: ResourceType;
  id: string;
  meta: { lastUpdated: string };
  [element: string]: unknown;
}
interface Token {
  system?: string;
  code: string;
}
/** A resource with the values its search parameters look at (what FHIRPath would select). */
interface Indexed {
  resource: Resource;
  strings: Record<string, string[]>;
  tokens: Record<string, Token[]>;
  /** `Type/id` of what it references, by parameter. */
  refs: Record<string, string[]>;
}

/** The search parameters of each type (besides `_id` and `_lastUpdated`); references name their target. */
const PARAMS: Record<
  ResourceType,
  { strings: readonly string[]; tokens: readonly string[]; refs: Record<string, ResourceType> }
> = {
  Organization: {
    strings: ['name'],
    tokens: ['identifier', 'active', 'type'],
    refs: { partof: 'Organization' },
  },
  Location: {
    strings: ['name'],
    tokens: ['identifier', 'status', 'type'],
    refs: { organization: 'Organization', partof: 'Location' },
  },
  Practitioner: { strings: ['name', 'family', 'given'], tokens: ['identifier', 'active'], refs: {} },
  PractitionerRole: {
    strings: [],
    tokens: ['identifier', 'active', 'role'],
    refs: { organization: 'Organization', practitioner: 'Practitioner', location: 'Location' },
  },
};
const CONTROL = new Set(['_count', '_offset', '_include', '_revinclude', '_format']);

/** A search the directory does not answer: an unknown parameter (not-supported) or a bad value (invalid). */
class SearchError extends Error {
  constructor(
    readonly code: 'not-supported' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

const splitName = (whole: string) => {
  const [family = '', ...given] = whole.trim().split(/[\s\u3000]+/);
  return { family, given };
};
const humanName = (whole: string, representation: 'IDE' | 'SYL') => {
  const { family, given } = splitName(whole);
  return {
    extension: [{ url: REPRESENTATION, valueCode: representation }],
    use: 'official',
    text: whole,
    ...(family ? { family } : {}),
    ...(given.length > 0 ? { given } : {}),
  };
};
/** A kana reading as an alias, marked SYL as JP Core marks kana names. */
const kanaAlias = (kana: string | null) =>
  kana ? { alias: [kana], _alias: [{ extension: [{ url: REPRESENTATION, valueCode: 'SYL' }] }] } : {};
const bool = (b: boolean): Token[] => [{ code: String(b) }];
const codings = (list: readonly { system: string; code: string }[]): Token[] =>
  list.map((c) => ({ system: c.system, code: c.code }));
/** Stable id of a membership (user ids and OIDs together can exceed FHIR's 64 characters). */
export const roleId = (userId: string, facilityOid: string) =>
  createHash('sha256').update(`${userId}\n${facilityOid}`).digest('hex').slice(0, 32);

/** The directory as indexed FHIR resources, in a stable order (facilities by OID, users by id). */
async function directory(deps: HubDeps): Promise<Indexed[]> {
  const db = deps.store.db;
  const facilities = await db
    .selectFrom('hub_facility')
    .select(['oid', 'code', 'name', 'name_kana', 'type', 'address', 'status', 'updated_at'])
    .orderBy('oid')
    .execute();
  const users = await db
    .selectFrom('hub_user')
    .select(['id', 'name', 'name_kana', 'profession', 'status', 'updated_at'])
    .orderBy('id')
    .execute();
  const memberships = await db
    .selectFrom('hub_membership')
    .select(['user_id', 'facility_oid', 'created_at'])
    .orderBy('user_id')
    .orderBy('facility_oid')
    .execute();
  const out: Indexed[] = [];
  const facilityActive = new Map(facilities.map((f) => [f.oid, f.status === 'active']));
  for (const f of facilities) {
    const identifier = [
      ...(f.code ? [{ system: INSTITUTION_CODE, value: f.code }] : []),
      { system: URI, value: `urn:oid:${f.oid}` },
    ];
    const ids = identifier.map((i) => ({ system: i.system, code: i.value }));
    const names = [f.name, ...(f.name_kana ? [f.name_kana] : [])];
    const kind = FACILITY_TYPES[f.type as FacilityType];
    const type = [
      MCSD_FACILITY,
      { system: 'urn:hie:facility-type', code: f.type, display: kind?.ja ?? f.type },
    ];
    const address = f.address ? [{ use: 'work', type: 'physical', text: f.address, country: 'JP' }] : [];
    const meta = { lastUpdated: f.updated_at };
    out.push({
      resource: {
        resourceType: 'Organization',
        id: f.oid,
        meta,
        identifier,
        active: f.status === 'active',
        type: [{ coding: type, text: kind?.ja ?? f.type }],
        name: f.name,
        ...kanaAlias(f.name_kana),
        ...(address.length > 0 ? { address } : {}),
      },
      strings: { name: names },
      tokens: {
        _id: [{ code: f.oid }],
        identifier: ids,
        active: bool(f.status === 'active'),
        type: codings(type),
      },
      refs: { partof: [] },
    });
    const status = f.status === 'active' ? 'active' : f.status === 'suspended' ? 'suspended' : 'inactive';
    out.push({
      resource: {
        resourceType: 'Location',
        id: f.oid,
        meta,
        identifier,
        status,
        name: f.name,
        ...kanaAlias(f.name_kana),
        mode: 'instance',
        type: [{ coding: [MCSD_FACILITY] }],
        physicalType: {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/location-physical-type',
              code: 'bu',
              display: 'Building',
            },
          ],
        },
        ...(address[0] ? { address: address[0] } : {}),
        managingOrganization: { reference: `Organization/${f.oid}`, display: f.name },
      },
      strings: { name: names },
      tokens: {
        _id: [{ code: f.oid }],
        identifier: ids,
        status: [{ code: status }],
        type: codings([MCSD_FACILITY]),
      },
      refs: { organization: [`Organization/${f.oid}`], partof: [] },
    });
  }
  const userActive = new Map<string, boolean>();
  const professionOf = new Map<string, string>();
  for (const u of users) {
    const profession = PROFESSIONS[u.profession as Profession];
    const names = [u.name, ...(u.name_kana ? [u.name_kana] : [])].map(splitName);
    userActive.set(u.id, u.status === 'active');
    professionOf.set(u.id, u.profession);
    out.push({
      resource: {
        resourceType: 'Practitioner',
        id: u.id,
        meta: { lastUpdated: u.updated_at },
        identifier: [{ system: 'urn:hie:user', value: u.id }],
        active: u.status === 'active',
        name: [humanName(u.name, 'IDE'), ...(u.name_kana ? [humanName(u.name_kana, 'SYL')] : [])],
        ...(profession?.licensed && profession.hcRole
          ? {
              qualification: [
                {
                  code: {
                    coding: [{ system: HCROLE, code: profession.hcRole, display: profession.ja }],
                    text: profession.ja,
                  },
                },
              ],
            }
          : {}),
      },
      strings: {
        name: [
          u.name,
          ...(u.name_kana ? [u.name_kana] : []),
          ...names.flatMap((n) => [n.family, ...n.given]),
        ],
        family: names.map((n) => n.family),
        given: names.flatMap((n) => n.given),
      },
      tokens: {
        _id: [{ code: u.id }],
        identifier: [{ system: 'urn:hie:user', code: u.id }],
        active: bool(u.status === 'active'),
      },
      refs: {},
    });
  }
  for (const m of memberships) {
    const id = roleId(m.user_id, m.facility_oid);
    const profession = professionOf.get(m.user_id) ?? '';
    const spec = PROFESSIONS[profession as Profession];
    const coding = [
      { system: 'urn:hie:profession', code: profession, display: spec?.ja ?? profession },
      ...(spec?.hcRole ? [{ system: HCROLE, code: spec.hcRole, display: spec.ja }] : []),
    ];
    const active = (userActive.get(m.user_id) ?? false) && (facilityActive.get(m.facility_oid) ?? false);
    out.push({
      resource: {
        resourceType: 'PractitionerRole',
        id,
        meta: { lastUpdated: m.created_at },
        active,
        practitioner: { reference: `Practitioner/${m.user_id}` },
        organization: { reference: `Organization/${m.facility_oid}` },
        location: [{ reference: `Location/${m.facility_oid}` }],
        code: [{ coding, text: spec?.ja ?? profession }],
      },
      strings: {},
      tokens: { _id: [{ code: id }], identifier: [], active: bool(active), role: codings(coding) },
      refs: {
        organization: [`Organization/${m.facility_oid}`],
        practitioner: [`Practitioner/${m.user_id}`],
        location: [`Location/${m.facility_oid}`],
      },
    });
  }
  return out;
}

/** Name matching: kana by reading (hiragana = katakana, half-width = full), else NFKC and case folded. */
const nameKey = (s: string) => (isKanaName(s) ? kanaKey(s) : kanjiKey(s).toLowerCase());

function stringMatch(candidates: readonly string[], value: string, modifier: string): boolean {
  if (modifier === 'exact') return candidates.some((c) => c === value);
  const wanted = nameKey(value);
  return candidates.some((c) =>
    modifier === 'contains' ? nameKey(c).includes(wanted) : nameKey(c).startsWith(wanted),
  );
}

function tokenMatch(tokens: readonly Token[], value: string): boolean {
  const bar = value.indexOf('|');
  if (bar < 0) return tokens.some((t) => t.code === value);
  const system = value.slice(0, bar);
  const code = value.slice(bar + 1);
  return tokens.some((t) =>
    system === '' ? !t.system && t.code === code : t.system === system && (code === '' || t.code === code),
  );
}

function referenceMatch(refs: readonly string[], value: string, target: ResourceType): boolean {
  const parts = value.split('/').filter((p) => p !== '');
  const id = parts.at(-1) ?? '';
  const type = parts.at(-2);
  if (type && type !== target) return false;
  return refs.includes(`${target}/${id}`);
}

/** `_lastUpdated` with ge/gt/le/lt/eq on a date or an instant: the value's range [from, to). */
function dateMatch(value: string): (at: string) => boolean {
  const prefix = /^(eq|ge|gt|le|lt)/.exec(value)?.[1] ?? 'eq';
  const date = value.slice(prefix === 'eq' && !value.startsWith('eq') ? 0 : 2);
  const partial = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(date);
  let from: number;
  let to: number;
  if (partial) {
    const [, y, m, d] = partial;
    from = Date.UTC(Number(y), m ? Number(m) - 1 : 0, d ? Number(d) : 1);
    const end = new Date(from);
    if (d) end.setUTCDate(end.getUTCDate() + 1);
    else if (m) end.setUTCMonth(end.getUTCMonth() + 1);
    else end.setUTCFullYear(end.getUTCFullYear() + 1);
    to = end.getTime();
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(date)) {
    from = Date.parse(date);
    to = from + 1;
  } else {
    throw new SearchError(
      'invalid',
      `_lastUpdated: a date or an instant with a zone, prefix eq/ge/gt/le/lt (${value})`,
    );
  }
  return (at) => {
    const t = Date.parse(at);
    if (prefix === 'ge') return t >= from;
    if (prefix === 'gt') return t >= to;
    if (prefix === 'le') return t < to;
    if (prefix === 'lt') return t < from;
    return t >= from && t < to;
  };
}

type Query = Record<string, string | string[] | undefined>;
const listOf = (v: string | string[] | undefined) => ([] as string[]).concat(v ?? []);

/** One predicate per parameter (repeats AND, commas OR); unknown parameters and modifiers refused. */
function predicateOf(type: ResourceType, query: Query): (x: Indexed) => boolean {
  const spec = PARAMS[type];
  const tests: Array<(x: Indexed) => boolean> = [];
  for (const [key, raw] of Object.entries(query)) {
    const [name = '', modifier = ''] = key.split(':', 2);
    if (CONTROL.has(name) && !modifier) continue;
    for (const value of listOf(raw)) {
      const ors = value.split(',');
      if (name === '_lastUpdated' && !modifier) {
        const at = dateMatch(value);
        tests.push((x) => at(x.resource.meta.lastUpdated));
      } else if (spec.strings.includes(name) && ['', 'contains', 'exact'].includes(modifier)) {
        tests.push((x) => ors.some((v) => stringMatch(x.strings[name] ?? [], v, modifier)));
      } else if ((name === '_id' || spec.tokens.includes(name)) && !modifier) {
        tests.push((x) => ors.some((v) => tokenMatch(x.tokens[name] ?? [], v)));
      } else if (Object.hasOwn(spec.refs, name) && !modifier) {
        const target = spec.refs[name] as ResourceType;
        tests.push((x) => ors.some((v) => referenceMatch(x.refs[name] ?? [], v, target)));
      } else {
        throw new SearchError('not-supported', `${type} search parameter not supported: ${key}`);
      }
    }
  }
  return (x) => tests.every((t) => t(x));
}

/** `_include` / `_revinclude` as (source type, reference parameter), checked against the searched type. */
function inclusions(type: ResourceType, query: Query) {
  const parse = (value: string, reverse: boolean) => {
    const [source = '', param = ''] = value.split(':');
    const target = PARAMS[source as ResourceType]?.refs[param];
    if (!target || (reverse ? target !== type : source !== type)) {
      throw new SearchError(
        'not-supported',
        `${reverse ? '_revinclude' : '_include'} not supported here: ${value}`,
      );
    }
    return { source: source as ResourceType, param, target };
  };
  return {
    include: listOf(query._include).map((v) => parse(v, false)),
    revinclude: listOf(query._revinclude).map((v) => parse(v, true)),
  };
}

const keyOf = (x: Indexed) => `${x.resource.resourceType}/${x.resource.id}`;

/** One page of a search: the matches, and what `_include` / `_revinclude` bring along for them. */
async function search(deps: HubDeps, type: ResourceType, query: Query) {
  const count = Math.min(Number(listOf(query._count)[0] ?? PAGE), 100);
  const offset = Number(listOf(query._offset)[0] ?? 0);
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(offset) || offset < 0) {
    throw new SearchError('invalid', '_count: a whole number from 1 (at most 100 a page); _offset: from 0');
  }
  const format = listOf(query._format)[0];
  if (format && !['json', 'application/json', 'application/fhir+json'].includes(format)) {
    throw new SearchError('not-supported', '_format: JSON only (application/fhir+json)');
  }
  const predicate = predicateOf(type, query);
  const { include, revinclude } = inclusions(type, query);
  const all = await directory(deps);
  const byKey = new Map(all.map((x) => [keyOf(x), x]));
  const matches = all.filter((x) => x.resource.resourceType === type && predicate(x));
  const page = matches.slice(offset, offset + count);
  const included = new Map<string, Indexed>();
  for (const { param } of include) {
    for (const ref of page.flatMap((x) => x.refs[param] ?? [])) {
      const hit = byKey.get(ref);
      if (hit) included.set(ref, hit);
    }
  }
  const shown = new Set(page.map(keyOf));
  for (const { source, param } of revinclude) {
    for (const x of all) {
      if (x.resource.resourceType === source && (x.refs[param] ?? []).some((r) => shown.has(r)))
        included.set(keyOf(x), x);
    }
  }
  return { total: matches.length, offset, count, page, included: [...included.values()] };
}

const outcome = (reply: FastifyReply, status: number, code: string, diagnostics: string) =>
  reply
    .status(status)
    .header('content-type', FHIR_JSON)
    .send({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] });

export async function mcsdRoutes(app: FastifyInstance, deps: HubDeps): Promise<void> {
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
  const audit = (facility: string, action: 'E' | 'R', entities: string[], detail: Record<string, string>) =>
    auditHub(deps, [
      {
        type: 'admin',
        action,
        outcome: '0',
        agent: { userId: `ihe:${facility}`, facilityOid: facility },
        entities,
        detail: { operation: 'ITI-90', ...detail },
      },
    ]);

  for (const type of RESOURCE_TYPES) {
    app.get(`/fhir/${type}`, { schema: { hide: true } }, async (request, reply) => {
      const facility = await caller(request, reply);
      if (!facility) return reply;
      const query = request.query as Query;
      let found: Awaited<ReturnType<typeof search>>;
      try {
        found = await search(deps, type, query);
      } catch (error) {
        if (error instanceof SearchError) return outcome(reply, 400, error.code, error.message);
        throw error;
      }
      const { total, offset, count, page, included } = found;
      const base = `${request.protocol}://${request.host}/fhir`;
      const params = Object.entries(query)
        .filter(([k]) => k !== '_offset')
        .flatMap(([k, v]) => listOf(v).map((x): [string, string] => [k, x]));
      const link = (at: number) =>
        `${base}/${type}?${new URLSearchParams([...params, ['_offset', String(at)]]).toString()}`;
      const entry = (x: Indexed, mode: 'match' | 'include') => ({
        fullUrl: `${base}/${keyOf(x)}`,
        resource: x.resource,
        search: { mode },
      });
      await audit(facility, 'E', page.map(keyOf), {
        resource: type,
        query: new URLSearchParams(params).toString(),
        total: String(total),
      });
      return reply.header('content-type', FHIR_JSON).send({
        resourceType: 'Bundle',
        type: 'searchset',
        total,
        link: [
          { relation: 'self', url: link(offset) },
          ...(offset + count < total ? [{ relation: 'next', url: link(offset + count) }] : []),
        ],
        entry: [...page.map((x) => entry(x, 'match')), ...included.map((x) => entry(x, 'include'))],
      });
    });

    app.get(`/fhir/${type}/:id`, { schema: { hide: true } }, async (request, reply) => {
      const facility = await caller(request, reply);
      if (!facility) return reply;
      const { id } = request.params as { id: string };
      const found = (await directory(deps)).find(
        (x) => x.resource.resourceType === type && x.resource.id === id,
      );
      if (!found) return outcome(reply, 404, 'not-found', `${type}/${id} is not in the directory`);
      await audit(facility, 'R', [`${type}/${id}`], { resource: type });
      return reply.header('content-type', FHIR_JSON).send(found.resource);
    });
  }
}
