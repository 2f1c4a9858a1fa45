import { CATEGORIES } from '@hie/contract';
import type { DateBound, ResourceQuery } from '../access/index.js';
import { GatewayError } from './outcome.js';

export type QueryString = Record<string, string | string[] | undefined>;

export const DEFAULT_COUNT = 50;
export const MAX_COUNT = 200;
const MAX_OFFSET = 1_000_000;

/** A parsed search: the resource query plus the patient the caller named (checked against the assertion). */
export interface ParsedSearch {
  query: ResourceQuery;
  patient: string | undefined;
}

const SEARCH_PARAMS = ['patient', 'category', 'date', 'code', '_count', '_offset'];
const EVERYTHING_PARAMS = ['start', 'end', '_count', '_offset'];

/**
 * FHIR search parameters → a ResourceQuery. Unknown parameters are refused (400), not ignored: a
 * misspelt filter must not silently return more than the user asked for.
 */
export function parseSearch(resourceType: string, qs: QueryString): ParsedSearch {
  refuseUnknown(qs, SEARCH_PARAMS);
  const categories = single(qs, 'category')?.split(',');
  for (const c of categories ?? []) {
    if (!Object.hasOwn(CATEGORIES, c)) throw new GatewayError('bad-parameter', `unknown category ${c}`);
  }
  const codes = single(qs, 'code')
    ?.split(',')
    .map((token) => token.slice(token.indexOf('|') + 1))
    .filter((c) => c !== '');
  return {
    patient: single(qs, 'patient'),
    query: {
      resourceType,
      ...(categories ? { categories } : {}),
      ...(codes ? { codes } : {}),
      dateBounds: all(qs, 'date').flatMap(dateBounds),
      ...paging(qs),
    },
  };
}

/** Patient/{id}/$everything: the whole timeline, optionally between `start` and `end` (inclusive dates). */
export function parseEverything(qs: QueryString): ResourceQuery {
  refuseUnknown(qs, EVERYTHING_PARAMS);
  const start = single(qs, 'start');
  const end = single(qs, 'end');
  return {
    dateBounds: [...(start ? dateBounds(`ge${start}`) : []), ...(end ? dateBounds(`le${end}`) : [])],
    ...paging(qs),
  };
}

const DATE = /^(\d{4})(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;
// '~' sorts after every character of an ISO date-time, so `value~` is just past the whole period.
const PAST_PERIOD = '~';

/**
 * FHIR date prefixes → half-open text bounds. A value names a period (a year, month or day) and
 * stored dates are ISO text (`2024-05-01`, `2024-05-01T10:00:00+09:00`); le/gt include/exclude the
 * whole period. Only date precision is accepted: stored times are local (+09:00) text.
 */
function dateBounds(param: string): DateBound[] {
  const match = /^(eq|ge|gt|le|lt)?(.*)$/.exec(param);
  const value = match?.[2] ?? '';
  if (!DATE.test(value)) {
    throw new GatewayError('bad-parameter', `date ${param}: expected [eq|ge|gt|le|lt]YYYY[-MM[-DD]]`);
  }
  switch (match?.[1] ?? 'eq') {
    case 'ge':
      return [{ op: '>=', value }];
    case 'gt':
      return [{ op: '>=', value: value + PAST_PERIOD }];
    case 'lt':
      return [{ op: '<', value }];
    case 'le':
      return [{ op: '<', value: value + PAST_PERIOD }];
    default:
      return [
        { op: '>=', value },
        { op: '<', value: value + PAST_PERIOD },
      ];
  }
}

function paging(qs: QueryString): { count: number; offset: number } {
  return {
    count: integer(qs, '_count', DEFAULT_COUNT, MAX_COUNT),
    offset: integer(qs, '_offset', 0, MAX_OFFSET),
  };
}

function integer(qs: QueryString, name: string, fallback: number, max: number): number {
  const text = single(qs, name);
  if (text === undefined) return fallback;
  if (!/^\d{1,7}$/.test(text) || Number(text) > max) {
    throw new GatewayError('bad-parameter', `${name} must be an integer from 0 to ${max}`);
  }
  return Number(text);
}

function refuseUnknown(qs: QueryString, known: readonly string[]): void {
  const unknown = Object.keys(qs).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new GatewayError('unknown-parameter', `${unknown.join(', ')} (supported: ${known.join(', ')})`);
  }
}

function all(qs: QueryString, name: string): string[] {
  const v = qs[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function single(qs: QueryString, name: string): string | undefined {
  const values = all(qs, name);
  if (values.length > 1) throw new GatewayError('bad-parameter', `${name} given more than once`);
  if (values[0] === '') throw new GatewayError('bad-parameter', `${name} is empty`);
  return values[0];
}
