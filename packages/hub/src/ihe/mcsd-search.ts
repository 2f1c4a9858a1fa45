import type { HubDeps } from '../http.js';
import { kanaKey, kanjiKey } from '../mpi/normalize.js';
import { FhirRefusal, listOf, type Query } from './fhir-common.js';
import { isKanaName } from './identities.js';
import { directory, type Indexed, type ResourceType, type Token } from './mcsd-resources.js';

/**
 * ITI-90's searches on the directory: one predicate per parameter, `_include` / `_revinclude`, paging.
 * Strict: an unknown parameter or modifier is refused (400 not-supported), never ignored. The directory
 * is a few thousand entries at prefecture scale: searched in memory, as hpd.ts does.
 */
const PAGE = 50;

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
const refused = (code: 'not-supported' | 'invalid', message: string) => new FhirRefusal(400, code, message);

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
    throw refused(
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
        throw refused('not-supported', `${type} search parameter not supported: ${key}`);
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
      throw refused('not-supported', `${reverse ? '_revinclude' : '_include'} not supported here: ${value}`);
    }
    return { source: source as ResourceType, param, target };
  };
  return {
    include: listOf(query._include).map((v) => parse(v, false)),
    revinclude: listOf(query._revinclude).map((v) => parse(v, true)),
  };
}

export const keyOf = (x: Indexed) => `${x.resource.resourceType}/${x.resource.id}`;

/** One page of a search: the matches, and what `_include` / `_revinclude` bring along for them. */
export async function search(deps: HubDeps, type: ResourceType, query: Query) {
  const count = Math.min(Number(listOf(query._count)[0] ?? PAGE), 100);
  const offset = Number(listOf(query._offset)[0] ?? 0);
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(offset) || offset < 0) {
    throw refused('invalid', '_count: a whole number from 1 (at most 100 a page); _offset: from 0');
  }
  const format = listOf(query._format)[0];
  if (format && !['json', 'application/json', 'application/fhir+json'].includes(format)) {
    throw refused('not-supported', '_format: JSON only (application/fhir+json)');
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
