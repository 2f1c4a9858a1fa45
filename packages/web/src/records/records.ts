import type { LabTest } from '@hie/contract';
import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { RecordsAnswer, SourcedResource, SourceStatus, VisitsAnswer } from '../api/types';
import { todayInJapan } from '../lib/dates';
import { CATEGORY_TAB, type Tab } from './fhir';
import { addDays } from './medications';

/** Largest page the hub gives, and its largest offset (hub/viewing MAX_PER_SOURCE). */
const PAGE = 500;
const MAX_OFFSET = 1000;

export interface Period {
  from?: string | undefined;
  to?: string | undefined;
}

type Answer = RecordsAnswer & { truncated: boolean };

/** Narrowing the hub applies at the gateways (their FHIR search): one resource type, some codes. */
export interface RecordFilter {
  /** FHIR resource type (the labs tab reads Observations only). */
  type?: string;
  /** Codes as the gateways index them (comma = or); only with `type`. */
  code?: string;
}

/** One window (period) of a list: the first page, then the rest in parallel, up to the hub's window. */
async function fetchWindow(
  path: string,
  query: Record<string, string | number | undefined>,
  first?: RecordsAnswer,
): Promise<RecordsAnswer[]> {
  const head = first ?? (await api<RecordsAnswer>(path, { query: { ...query, offset: 0 } }));
  const offsets: number[] = [];
  for (let o = PAGE; o < head.total && o <= MAX_OFFSET; o += PAGE) offsets.push(o);
  const rest = await Promise.all(
    offsets.map((offset) => api<RecordsAnswer>(path, { query: { ...query, offset } })),
  );
  return [head, ...rest];
}

/** The period cut into years, newest first (each year fits the hub's paging window far more often). */
function yearSlices(period: Period): Period[] {
  const to = period.to ?? todayInJapan();
  const from = period.from ?? `${Number(to.slice(0, 4)) - 30}${to.slice(4)}`;
  const slices: Period[] = [];
  let end = to;
  while (end >= from) {
    const year = `${Number(end.slice(0, 4)) - 1}${end.slice(4)}`;
    const start = year < from ? from : nextDay(year);
    slices.push({ from: start, to: end });
    end = year;
  }
  return slices;
}

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function combine(pages: readonly RecordsAnswer[], total: number): Answer {
  const seen = new Set<string>();
  const entries: SourcedResource[] = [];
  for (const page of pages) {
    for (const e of page.entries) {
      const key = `${e.facilityOid}|${e.resource.resourceType}|${e.resource.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      entries.push(e);
    }
  }
  entries.sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''));
  // A source is cut only when fewer of its entries came than it holds (not merely "this page").
  const got = new Map<string, number>();
  for (const e of entries) got.set(e.facilityOid, (got.get(e.facilityOid) ?? 0) + 1);
  const holds = new Map<string, number>();
  for (const s of pages[0]?.sources ?? []) holds.set(s.facilityOid, s.total ?? 0);
  const sources = worstSources(pages.flatMap((r) => r.sources)).map((s) => ({
    ...s,
    total: holds.get(s.facilityOid) ?? s.total,
    truncated: (got.get(s.facilityOid) ?? 0) < (holds.get(s.facilityOid) ?? 0),
  }));
  const first = pages[0]!;
  return {
    ...first,
    total,
    offset: 0,
    limit: entries.length,
    entries,
    sources,
    complete: pages.every((r) => r.complete),
    truncated: entries.length < total,
  };
}

/**
 * One category list (newest first), complete where the hub allows: the newest page first (handed
 * to `onPartial` so the screen can draw at once), then the rest in parallel. A list longer than the
 * hub's paging window (1,500) is fetched year by year, so five years of laboratory results arrive whole.
 */
export async function fetchRecords(
  personId: string,
  categories: readonly string[],
  period: Period,
  onPartial?: (partial: Answer) => void,
  filter: RecordFilter = {},
): Promise<Answer> {
  const path = `/patients/${encodeURIComponent(personId)}/records`;
  const query = {
    category: categories.join(','),
    from: period.from,
    to: period.to,
    limit: PAGE,
    type: filter.type,
    code: filter.code,
  };
  const head = await api<RecordsAnswer>(path, { query: { ...query, offset: 0 } });
  if (head.total <= PAGE) return combine([head], head.total);
  const partial = combine([head], head.total);
  onPartial?.({ ...partial, sources: partial.sources.map((x) => ({ ...x, truncated: false })) });
  if (head.total <= MAX_OFFSET + PAGE) return combine(await fetchWindow(path, query, head), head.total);
  const windows = await Promise.all(
    yearSlices(period).map((slice) => fetchWindow(path, { ...query, from: slice.from, to: slice.to })),
  );
  return combine([head, ...windows.flat()], head.total);
}

/** The tabs the policy lets this user see, with the categories each asks for. */
export function allowedTabs(categories: readonly string[]): Map<Tab, string[]> {
  const tabs = new Map<Tab, string[]>();
  for (const category of categories) {
    const tab = CATEGORY_TAB[category];
    if (!tab) continue;
    tabs.set(tab, [...(tabs.get(tab) ?? []), category]);
  }
  return tabs;
}

export interface TabData {
  tab: Tab;
  entries: SourcedResource[];
  pending: boolean;
  /** The newest page is in, older pages are still coming. */
  loadingMore: boolean;
  error: unknown;
  refetch: () => void;
}

/** What a tab's list asks the hub for beyond its categories. */
const TAB_FILTER: Partial<Record<Tab, RecordFilter>> = {
  // The lab tab shows results (Observations), not the reports and specimens of the same categories.
  labs: { type: 'Observation' },
};

/**
 * Lists fetched whatever the period, filtered on screen: the diagnoses (a small list), because an
 * active diagnosis is shown whatever the period — a diabetes since 2012 is a problem today.
 */
const ALL_TIME: ReadonlySet<Tab> = new Set<Tab>(['diagnoses']);
const periodOfTab = (tab: Tab, period: Period): Period => (ALL_TIME.has(tab) ? {} : period);

/**
 * The tab lists the summary (概要) draws from: they go first when it is the screen shown. (Its current
 * medications and newest documents are smaller queries of its own; those tabs' lists wait.)
 */
export const SUMMARY_TABS: readonly Tab[] = ['diagnoses', 'admissions'];

/**
 * One parallel query per allowed tab (each its own categories), and the visit list.
 *
 * Order: the tab asked for by the link (`first`) goes first, the others once its first page is in —
 * or, when the caller says when the first screen is drawn (`primaryDone`), only then (the lab tab
 * draws its chart from its own small queries and passes `primaryDone` once the chart is on screen;
 * the summary's lists go first together and it passes `primaryDone` once it is drawn).
 */
export function usePatientRecords(
  personId: string,
  categories: readonly string[],
  period: Period,
  enabled: boolean,
  first: Tab | null = null,
  primaryDone?: boolean,
) {
  const queryClient = useQueryClient();
  const tabs = [...allowedTabs(categories).entries()].filter(([tab]) => tab !== 'visits');
  const firstKey = (tab: Tab) => [
    'patient',
    personId,
    'records',
    tab,
    allowedTabs(categories).get(tab) ?? [],
    periodOfTab(tab, period).from ?? '',
    periodOfTab(tab, period).to ?? '',
  ];
  const summaryFirst = first === 'summary' && tabs.some(([tab]) => SUMMARY_TABS.includes(tab));
  const leads = (tab: Tab) => (summaryFirst ? SUMMARY_TABS.includes(tab) : tab === first);
  const firstRelevant =
    summaryFirst || (first !== null && first !== 'visits' && tabs.some(([tab]) => tab === first));
  const firstState =
    firstRelevant && first && !summaryFirst ? queryClient.getQueryState(firstKey(first)) : undefined;
  // One process serves the hub and, in a small network, the gateways too: the list on screen goes first.
  const others =
    primaryDone ??
    (!firstRelevant ||
      summaryFirst ||
      (firstState !== undefined && (firstState.data !== undefined || firstState.status === 'error')));
  const results = useQueries({
    queries: tabs.map(([tab, cats]) => {
      const range = periodOfTab(tab, period);
      const queryKey = ['patient', personId, 'records', tab, cats, range.from ?? '', range.to ?? ''];
      return {
        queryKey,
        // The newest page is shown while the rest arrives (data set, query still fetching).
        queryFn: () =>
          fetchRecords(
            personId,
            cats,
            range,
            (partial) => queryClient.setQueryData(queryKey, partial),
            TAB_FILTER[tab],
          ),
        enabled: enabled && ((leads(tab) && (primaryDone === undefined || summaryFirst)) || others),
      };
    }),
  });
  const visitsAllowed = allowedTabs(categories).has('visits') || allowedTabs(categories).has('admissions');
  const visits = useQuery({
    queryKey: ['patient', personId, 'visits', period.from ?? '', period.to ?? ''],
    queryFn: () =>
      api<VisitsAnswer>(`/patients/${encodeURIComponent(personId)}/visits`, {
        query: { from: period.from, to: period.to },
      }),
    enabled: enabled && visitsAllowed && ((first === 'visits' && primaryDone === undefined) || others),
  });
  const data: TabData[] = tabs.map(([tab], i) => {
    const r = results[i]!;
    return {
      tab,
      entries: r.data?.entries ?? [],
      pending: r.isPending,
      loadingMore: r.isFetching && r.data !== undefined,
      error: r.error,
      refetch: () => void r.refetch(),
    };
  });
  const sources = worstSources([
    ...results.flatMap((r) => r.data?.sources ?? []),
    ...(visits.data?.sources ?? []),
  ]);
  return {
    tabs: data,
    visits: visits.data?.visits ?? [],
    visitsAllowed,
    visitsPending: visitsAllowed && visits.isPending,
    /** The visit list failed: the 受診歴 tab says so rather than listing the other records alone. */
    visitsError: visits.error,
    refetchVisits: () => void visits.refetch(),
    sources,
  };
}

/** One test of GET /patients/:personId/labs/summary (the contract's shape). */
export type { LabTest };

export interface LabSummaryAnswer {
  personId: string;
  complete: boolean;
  tests: LabTest[];
  sources: SourceStatus[];
}

/** The patient's tests in the period (small: no results), so the lab tab can choose its chart at once. */
export function useLabSummary(personId: string, period: Period, enabled: boolean) {
  return useQuery({
    queryKey: ['patient', personId, 'labs', 'summary', period.from ?? '', period.to ?? ''],
    queryFn: () =>
      api<LabSummaryAnswer>(`/patients/${encodeURIComponent(personId)}/labs/summary`, {
        query: { from: period.from, to: period.to },
      }),
    enabled,
  });
}

/** Every result of one test in the period (one code over years: a few hundred at most), for its chart. */
export function useLabSeries(personId: string, test: LabTest | undefined, period: Period) {
  const codes = test?.codes ?? [];
  return useQuery({
    queryKey: ['patient', personId, 'labs', 'series', codes, period.from ?? '', period.to ?? ''],
    queryFn: () =>
      fetchRecords(personId, ['lab-result', 'bacteriology'], period, undefined, {
        type: 'Observation',
        code: codes.join(','),
      }),
    enabled: codes.length > 0,
  });
}

/** The test the chart shows first: HbA1c when it has numbers (diabetes follow-up), else the most numeric one. */
export function defaultLabTest<T extends { key: string; name: string; numeric: number }>(
  tests: readonly T[],
): T | undefined {
  const hba1c = tests.find((r) => /hba1c/i.test(r.name.normalize('NFKC')) && r.numeric > 0);
  if (hba1c) return hba1c;
  const best = [...tests].sort((a, b) => b.numeric - a.numeric)[0];
  return best && best.numeric > 0 ? best : undefined;
}

const RANK: Record<string, number> = { ok: 0, denied: 1, error: 2, timeout: 3 };

/** One status per facility: the worst any of the parallel queries saw (and truncated if any was). */
export function worstSources(all: readonly SourceStatus[]): SourceStatus[] {
  const byOid = new Map<string, SourceStatus>();
  for (const s of all) {
    const seen = byOid.get(s.facilityOid);
    if (!seen || (RANK[s.status] ?? 0) > (RANK[seen.status] ?? 0)) {
      byOid.set(s.facilityOid, { ...s, truncated: (seen?.truncated ?? false) || !!s.truncated });
    } else if (s.truncated) seen.truncated = true;
  }
  return [...byOid.values()];
}

/** Days of prescriptions the current-medication list reads, whatever the period on screen. */
export const CURRENT_MEDICATIONS_LOOKBACK_DAYS = 365;

/**
 * The last year of prescriptions up to today: what the current-medication list needs. One query
 * (one cache entry) for the summary and the medications tab.
 */
export function useRecentPrescriptions(personId: string, enabled: boolean) {
  const from = addDays(todayInJapan(), -CURRENT_MEDICATIONS_LOOKBACK_DAYS);
  const query = useQuery({
    queryKey: ['patient', personId, 'medications', 'current', from],
    queryFn: () => fetchRecords(personId, ['prescription'], { from }),
    enabled,
  });
  return { from, query };
}
