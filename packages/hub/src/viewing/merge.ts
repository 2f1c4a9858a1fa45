/** A FHIR resource as a gateway returned it (the hub passes it on without reshaping it). */
export interface FhirResource {
  resourceType: string;
  id: string;
  [field: string]: unknown;
}

/** One resource from one gateway, tagged with the facility it came from. */
export interface SourcedResource {
  facilityOid: string;
  facilityName: string;
  /** The patient's local id at that facility. */
  localId: string;
  /** The clinically relevant date (診療日) as the resource states it, when it has one. */
  date: string | null;
  resource: FhirResource;
  /** A partner network's record: the network's name (its facility is the partner's). */
  network?: string;
}

/**
 * The date a resource is about, read from the first field it has of those fhir-jp writes, in the
 * order the gateway's index uses them (event date before period start, then what was recorded).
 * Only for ordering across facilities: each gateway already answers its own records newest first.
 */
export function careDate(resource: FhirResource): string | null {
  for (const field of DATE_FIELDS) {
    const value = resource[field];
    if (typeof value === 'string' && value !== '') return value;
  }
  const period = (resource.period ?? resource.effectivePeriod ?? resource.occurrencePeriod) as
    | { start?: unknown; end?: unknown }
    | undefined;
  if (typeof period?.start === 'string') return period.start;
  if (typeof period?.end === 'string') return period.end;
  const collected = (resource.collection as { collectedDateTime?: unknown } | undefined)?.collectedDateTime;
  if (typeof collected === 'string') return collected;
  if (typeof resource.receivedTime === 'string') return resource.receivedTime;
  return null;
}

const DATE_FIELDS = [
  'effectiveDateTime',
  'occurrenceDateTime',
  'authoredOn',
  'onsetDateTime',
  'recordedDate',
  'issued',
  'started',
  'collectedDateTime',
  'date',
  'birthDate',
] as const;

/**
 * Comparable key of an ISO date or date-time: its UTC instant when it has a time and zone, else the
 * text itself (a day `2024-05-01` sorts before any time of that day written with `T`).
 */
function sortKey(date: string | null): string {
  if (date === null) return '';
  // Fast path: fhir-jp writes Japanese local times with +09:00, already JST wall time.
  if (date.length === 25 && date.endsWith('+09:00')) return date.slice(0, 19);
  if (date.length > 10 && /[zZ]|[+-]\d\d:\d\d$/.test(date)) {
    const ms = Date.parse(date);
    if (!Number.isNaN(ms)) {
      // Shift to JST wall time so day-only values of the same day still compare sensibly.
      return new Date(ms + 9 * 3600_000).toISOString().slice(0, 19);
    }
  }
  return date;
}

/**
 * Merges per-facility lists, each already newest first, into one newest-first list (undated last).
 * A k-way merge: every facility's own order is kept even where our date reading differs from its index.
 */
export function mergeNewestFirst(
  lists: ReadonlyArray<readonly SourcedResource[]>,
  limit = Number.POSITIVE_INFINITY,
): SourcedResource[] {
  const heads = lists.map(() => 0);
  // The key of each list's head, computed once per element as the merge reaches it.
  const headKeys = lists.map((list) => (list.length > 0 ? sortKey(list[0]?.date ?? null) : ''));
  const out: SourcedResource[] = [];
  const total = Math.min(
    limit,
    lists.reduce((n, list) => n + list.length, 0),
  );
  while (out.length < total) {
    let best = -1;
    let bestKey = '';
    for (let i = 0; i < lists.length; i++) {
      const at = heads[i] ?? 0;
      const list = lists[i];
      if (!list || at >= list.length) continue;
      const key = headKeys[i] ?? '';
      // Newest first; undated ('' key) only when nothing dated is left; ties keep facility order.
      if (best === -1 || key > bestKey) {
        best = i;
        bestKey = key;
      }
    }
    const list = lists[best];
    const at = heads[best] ?? 0;
    const next = list?.[at];
    if (!next) break;
    out.push(next);
    heads[best] = at + 1;
    headKeys[best] = sortKey(list?.[at + 1]?.date ?? null);
  }
  return out;
}

/** A source for `mergeStreams`: what it has fetched, and whether (and how) to get more. */
export interface MergeStream {
  readonly entries: readonly SourcedResource[];
  hasMore(): boolean;
  /** Appends up to `count` more entries (or gives up: then hasMore() is false). */
  more(count: number): Promise<void>;
}

/**
 * `mergeNewestFirst` over streams fetched on demand: when a stream runs out during the merge while it
 * has more, it is asked for more before the merge goes on — so the first `limit` entries are exactly
 * those of merging everything.
 */
export async function mergeStreams(
  streams: readonly MergeStream[],
  limit = Number.POSITIVE_INFINITY,
): Promise<SourcedResource[]> {
  const heads = streams.map(() => 0);
  const headKeys: (string | undefined)[] = streams.map(() => undefined);
  const out: SourcedResource[] = [];
  while (out.length < limit) {
    const dry = streams.filter((s, i) => (heads[i] ?? 0) >= s.entries.length && s.hasMore());
    if (dry.length > 0) await Promise.all(dry.map((s) => s.more(limit - out.length)));
    let best = -1;
    let bestKey = '';
    for (let i = 0; i < streams.length; i++) {
      const entry = streams[i]?.entries[heads[i] ?? 0];
      if (!entry) continue;
      const key = headKeys[i] ?? sortKey(entry.date);
      headKeys[i] = key;
      if (best === -1 || key > bestKey) {
        best = i;
        bestKey = key;
      }
    }
    const next = streams[best]?.entries[heads[best] ?? 0];
    if (!next) break;
    out.push(next);
    heads[best] = (heads[best] ?? 0) + 1;
    headKeys[best] = undefined;
  }
  return out;
}
