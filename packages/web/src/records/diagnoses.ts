/**
 * 病名 across facilities: one row per diagnosis, every facility that reports it as a source with its
 * own dates, status and flags. Two reports are the same diagnosis when they share a code (MEDIS 病名
 * 交換用コード or 管理番号, ICD-10) or, without one, the same written name. A conflict (one facility
 * says 治癒, another 継続) is kept on the row, which counts as active: an active problem is never hidden.
 */
import type { SourcedResource } from '../api/types';
import { dayOf } from '../lib/dates';
import type { CodeableConcept } from './fhir';

const MEDIS_EXCHANGE = 'http://medis.or.jp/CodeSystem/master-disease-exCode';
const MEDIS_KEY = 'http://medis.or.jp/CodeSystem/master-disease-keyNumber';
const ICD10 = /ICD10/i;

export type DiagnosisStatus = 'active' | 'resolved' | 'inactive';

/** One facility's report of the diagnosis. */
export interface DiagnosisSource {
  facilityOid: string;
  facilityName: string;
  id: string;
  /** The name as this facility wrote it. */
  name: string;
  onset: string | null;
  end: string | null;
  status: DiagnosisStatus;
  /** 主病名 (PRB-18 主診断). */
  main: boolean;
  /** 疑い (provisional). */
  suspected: boolean;
}

export interface DiagnosisRow {
  key: string;
  name: string;
  icd10: string | null;
  /** Active when any source says so (継続 / recurrence / relapse, or no end at all). */
  active: boolean;
  /** Every status the sources give, active first: more than one is a conflict between facilities. */
  statuses: DiagnosisStatus[];
  /** The earliest onset any source gives. */
  onset: string | null;
  /** The latest end among ended sources (null when none ended). */
  end: string | null;
  main: boolean;
  /** 'all' when every source says 疑い, 'some' when only some do. */
  suspected: 'all' | 'some' | null;
  /** Oldest onset first. */
  sources: DiagnosisSource[];
}

const ACTIVE_CODES = new Set(['active', 'recurrence', 'relapse']);

function statusOf(resource: SourcedResource['resource']): DiagnosisStatus {
  const code = (resource.clinicalStatus as CodeableConcept | undefined)?.coding?.[0]?.code;
  if (code && ACTIVE_CODES.has(code)) return 'active';
  if (code === 'resolved') return 'resolved';
  if (code === 'inactive' || code === 'remission') return 'inactive';
  // No status: active unless an end date closes it.
  return resource.abatementDateTime || resource.abatementString ? 'inactive' : 'active';
}

const verification = (resource: SourcedResource['resource']) =>
  (resource.verificationStatus as CodeableConcept | undefined)?.coding?.[0]?.code;

/** PRB-18 `1^主診断^JHSD0007` (fhir-jp keeps it as a category), or a category saying 主病名. */
function isMain(resource: SourcedResource['resource']): boolean {
  const categories = (resource.category as CodeableConcept[] | undefined) ?? [];
  return categories.some(
    (c) =>
      c.coding?.some((x) => x.system?.endsWith('JHSD0007') && x.code === '1') ||
      c.text === '主診断' ||
      c.text === '主病名',
  );
}

/** The written name, for matching: NFKC, no spaces, without a trailing 疑い. */
export function normalisedName(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/(の)?疑い?$/, '')
    .toLowerCase();
}

function nameOf(code: CodeableConcept | undefined): string {
  return (code?.text ?? code?.coding?.find((c) => c.display)?.display ?? code?.coding?.[0]?.code ?? '—')
    .normalize('NFKC')
    .trim();
}

/** The keys two reports of one diagnosis share. */
function matchKeys(code: CodeableConcept | undefined, name: string): string[] {
  const keys: string[] = [];
  for (const c of code?.coding ?? []) {
    const value = c.code?.trim();
    if (!value) continue;
    if (c.system === MEDIS_EXCHANGE) keys.push(`medis-ex:${value}`);
    else if (c.system === MEDIS_KEY) keys.push(`medis:${value}`);
    else if (c.system && ICD10.test(c.system)) keys.push(`icd10:${value.replace(/\./g, '').toUpperCase()}`);
  }
  if (name !== '—') keys.push(`name:${normalisedName(name)}`);
  return keys;
}

function icd10Of(code: CodeableConcept | undefined): string | null {
  return code?.coding?.find((c) => c.system && ICD10.test(c.system))?.code ?? null;
}

/** Union-find over the reports: reports sharing any key end in one group. */
function groups<T>(items: readonly T[], keysOf: (item: T) => readonly string[]): T[][] {
  const parent = items.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const owner = new Map<string, number>();
  items.forEach((item, i) => {
    for (const key of keysOf(item)) {
      const j = owner.get(key);
      if (j === undefined) owner.set(key, i);
      else parent[find(i)] = find(j);
    }
  });
  const out = new Map<number, T[]>();
  items.forEach((item, i) => {
    const root = find(i);
    out.set(root, [...(out.get(root) ?? []), item]);
  });
  return [...out.values()];
}

const earliest = (dates: readonly (string | null)[]) =>
  dates.filter((d): d is string => !!d).sort()[0] ?? null;
const latest = (dates: readonly (string | null)[]) =>
  dates
    .filter((d): d is string => !!d)
    .sort()
    .at(-1) ?? null;

const STATUS_ORDER: Readonly<Record<DiagnosisStatus, number>> = { active: 0, inactive: 1, resolved: 2 };

/** The Conditions among `entries` as merged rows: active first, then the newest onset first. */
export function mergeDiagnoses(entries: readonly SourcedResource[]): DiagnosisRow[] {
  const reports: (DiagnosisSource & { keys: string[]; icd10: string | null })[] = [];
  for (const e of entries) {
    const r = e.resource;
    if (r.resourceType !== 'Condition' || verification(r) === 'entered-in-error') continue;
    const code = r.code as CodeableConcept | undefined;
    const name = nameOf(code);
    reports.push({
      facilityOid: e.facilityOid,
      facilityName: e.facilityName,
      id: r.id,
      name,
      onset: dayOf(
        (r.onsetDateTime as string | undefined) ?? (r.recordedDate as string | undefined) ?? e.date,
      ),
      end: dayOf(r.abatementDateTime as string | undefined),
      status: statusOf(r),
      main: isMain(r),
      suspected: verification(r) === 'provisional',
      keys: matchKeys(code, name),
      icd10: icd10Of(code),
    });
  }
  const rows = groups(reports, (r) => r.keys).map((group): DiagnosisRow => {
    const sources = group
      .map(({ keys: _, icd10: __, ...s }) => s)
      .sort(
        (a, b) =>
          (a.onset ?? '').localeCompare(b.onset ?? '') ||
          a.facilityName.localeCompare(b.facilityName, 'ja') ||
          a.id.localeCompare(b.id),
      );
    const statuses = [...new Set(sources.map((s) => s.status))].sort(
      (a, b) => STATUS_ORDER[a] - STATUS_ORDER[b],
    );
    const suspectedCount = sources.filter((s) => s.suspected).length;
    return {
      key: group
        .flatMap((r) => r.keys)
        .sort()
        .join('|'),
      name: rowName(sources),
      icd10: group.find((r) => r.icd10)?.icd10 ?? null,
      active: statuses.includes('active'),
      statuses,
      onset: earliest(sources.map((s) => s.onset)),
      end: latest(sources.filter((s) => s.status !== 'active').map((s) => s.end)),
      main: sources.some((s) => s.main),
      suspected: suspectedCount === 0 ? null : suspectedCount === sources.length ? 'all' : 'some',
      sources,
    };
  });
  return rows.sort(
    (a, b) =>
      Number(b.active) - Number(a.active) ||
      Number(b.main) - Number(a.main) ||
      (b.onset ?? '').localeCompare(a.onset ?? '') ||
      a.name.localeCompare(b.name, 'ja'),
  );
}

/** The row's name: the one most sources write (a confirmed source's first), as the first wrote it. */
function rowName(sources: readonly DiagnosisSource[]): string {
  const counts = new Map<string, { name: string; n: number; confirmed: boolean }>();
  for (const s of sources) {
    const key = s.name;
    const seen = counts.get(key) ?? { name: s.name, n: 0, confirmed: false };
    seen.n += 1;
    seen.confirmed ||= !s.suspected;
    counts.set(key, seen);
  }
  return (
    [...counts.values()].sort((a, b) => Number(b.confirmed) - Number(a.confirmed) || b.n - a.n)[0]?.name ??
    '—'
  );
}

export interface DayRange {
  from?: string | undefined;
  to?: string | undefined;
}

/**
 * What the period shows: every active row whatever the period (a diabetes since 2012 is still a
 * problem today), and the ended rows with a report that overlaps the period (onset to end).
 */
export function diagnosesInPeriod(rows: readonly DiagnosisRow[], period: DayRange): DiagnosisRow[] {
  return rows.filter(
    (row) =>
      row.active ||
      row.sources.some((s) => {
        const start = s.onset ?? s.end;
        const end = s.end ?? s.onset;
        if (!start || !end) return true;
        return (!period.from || end >= period.from) && (!period.to || start <= period.to);
      }),
  );
}
