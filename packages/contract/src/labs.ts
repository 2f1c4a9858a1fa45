/**
 * Laboratory results across facilities: which results are the same test (JLAC10 when the facility sent
 * one, else the NFKC name), their value and their abnormal flag. The hub's lab summary and the web
 * app's lab table group and flag alike because both use these.
 */
import type { LabPanel } from './lab-panels.js';

/** JLAC10 (17 digits): the code that names the same laboratory test at every facility. */
export const JLAC10_SYSTEM = 'http://medis.or.jp/CodeSystem/master-JLAC10-17digits';

/**
 * The value text the source sent (OBX-5 as written: `10.20`, `<0.03`), on `valueQuantity` beside the
 * number, which cannot keep trailing zeros (FHIR's standard originalText extension; fhir-jp writes it
 * whenever the number alone would not show the text).
 */
export const ORIGINAL_TEXT_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/originalText';

/** The categories of the lab view: 検体検査 and 細菌検査 results. */
export const LAB_CATEGORIES = ['lab-result', 'bacteriology'] as const;

interface Coding {
  system?: unknown;
  code?: unknown;
  display?: unknown;
}
interface Quantity {
  value?: unknown;
  unit?: unknown;
  comparator?: unknown;
  extension?: { url?: unknown; valueString?: unknown }[];
}
export interface ObservationLike {
  code?: { coding?: Coding[]; text?: unknown };
  valueQuantity?: Quantity;
  valueString?: unknown;
  valueCodeableConcept?: { text?: unknown; coding?: Coding[] };
  interpretation?: { coding?: { code?: unknown }[] }[];
  referenceRange?: { low?: Quantity; high?: Quantity; text?: unknown }[];
}

/** One test of the patient's results, as the lab tab lists it before it has the results themselves. */
export interface LabTest {
  /** `jlac:<JLAC10>` when the test has one (the same test at every facility), else `name:<NFKC name>`. */
  key: string;
  /** The JLAC10 code, or null. */
  jlac10: string | null;
  /**
   * The codes the gateways index these results under (each result's first coding): pass them as
   * `records?type=Observation&code=…` to get this test's results alone.
   */
  codes: string[];
  name: string;
  /** The unit as sent (UCUM or local); `clinicalUnit` gives the one to show. */
  unit: string;
  /**
   * The panel of the lab view (血算, 生化学 …) the test is listed under: `labPanelOf(jlac10)`
   * (lab-panels.ts). The hub's summary always sends it.
   */
  panel?: LabPanel;
  /** Results in the period, and how many of them are plain numbers (chartable). */
  count: number;
  numeric: number;
  /** Facilities with results of this test. */
  facilities: string[];
  latest: {
    date: string | null;
    value: string;
    number: number | null;
    unit: string;
    flag: 'H' | 'L' | 'A' | null;
    facilityOid: string;
    facilityName: string;
    id: string;
  };
  /** The result before the latest (any facility), for a trend arrow; null when there is only one. */
  previous: LabTest['latest'] | null;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** The test an Observation reports: key, JLAC10 code, indexed code and display name (NFKC). */
export function testOf(resource: ObservationLike): {
  key: string;
  jlac10: string | null;
  indexed: string | null;
  name: string;
} {
  const codings = resource.code?.coding ?? [];
  const jlac10 = text(codings.find((c) => c?.system === JLAC10_SYSTEM)?.code) ?? null;
  const name = (
    text(resource.code?.text) ??
    codings.map((c) => text(c?.display)).find((d) => d !== undefined) ??
    text(codings[0]?.code) ??
    '—'
  ).normalize('NFKC');
  return {
    key: jlac10 ? `jlac:${jlac10}` : `name:${name}`,
    jlac10,
    indexed: text(codings[0]?.code) ?? null,
    name,
  };
}

/**
 * The value as shown — the text the source sent, so `10.20` stays `10.20` — and as a number when it
 * is a plain quantity (no comparator).
 */
export function resultValue(resource: ObservationLike): { text: string; number: number | null } {
  const q = resource.valueQuantity;
  if (q && typeof q.value === 'number') {
    const comparator = text(q.comparator) ?? '';
    const sent = text(q.extension?.find((x) => x?.url === ORIGINAL_TEXT_EXTENSION)?.valueString);
    return { text: sent ?? `${comparator}${q.value}`, number: comparator ? null : q.value };
  }
  const s = text(resource.valueString);
  if (s !== undefined) return { text: s, number: null };
  const concept = resource.valueCodeableConcept;
  if (concept) {
    const shown = text(concept.text) ?? text(concept.coding?.[0]?.display) ?? text(concept.coding?.[0]?.code);
    if (shown) return { text: shown, number: null };
  }
  return { text: '—', number: null };
}

/** H / L / A from the interpretation, else from the value against the reference range. */
export function flagOf(resource: ObservationLike): 'H' | 'L' | 'A' | null {
  const code = resource.interpretation?.[0]?.coding?.[0]?.code;
  if (code === 'H' || code === 'HH' || code === 'HU') return 'H';
  if (code === 'L' || code === 'LL' || code === 'LU') return 'L';
  if (code === 'A' || code === 'AA') return 'A';
  const value = resource.valueQuantity?.value;
  const range = resource.referenceRange?.[0];
  if (typeof value !== 'number' || !range) return null;
  const high = range.high?.value;
  const low = range.low?.value;
  if (typeof high === 'number' && value > high) return 'H';
  if (typeof low === 'number' && value < low) return 'L';
  return null;
}
