/**
 * The summary's key laboratory results: a short clinical list (glycaemia, kidney, electrolytes, blood
 * count, liver, lipids, inflammation, heart), each the newest result across facilities with the arrow
 * against the result before it. A test is found by its JLAC10 analyte (the code's first 5 characters;
 * the blood count shares one analyte, 2A990, and is told apart by the result code, the last 2), else
 * by its name when a facility sent no JLAC10.
 */
import type { LabTest } from '@hie/contract';

export interface KeyLabDefinition {
  id: string;
  /** JLAC10 analyte code (characters 1–5). */
  analyte: string;
  /** JLAC10 result identification (characters 16–17), where the analyte is shared. */
  result?: string;
  /** A name written without JLAC10 (NFKC, case-insensitive). */
  name: RegExp;
}

/** In the order a clinician reads them. */
export const KEY_LABS: readonly KeyLabDefinition[] = [
  { id: 'hba1c', analyte: '3D046', name: /^hba1c/i },
  { id: 'glucose', analyte: '3D010', name: /^(グルコース|血糖|血糖値|bs|glu)/i },
  { id: 'creatinine', analyte: '3C015', name: /^(クレアチニン|cre)/i },
  { id: 'egfr', analyte: '8A065', name: /^egfr/i },
  { id: 'potassium', analyte: '3H015', name: /^(カリウム|k)$/i },
  { id: 'hemoglobin', analyte: '2A990', result: '53', name: /^(ヘモグロビン|血色素|hb|hgb)$/i },
  { id: 'wbc', analyte: '2A990', result: '52', name: /^(白血球数?|wbc)$/i },
  { id: 'platelets', analyte: '2A990', result: '55', name: /^(血小板数?|plt)$/i },
  { id: 'ast', analyte: '3B035', name: /^(ast|got)/i },
  { id: 'alt', analyte: '3B045', name: /^(alt|gpt)/i },
  { id: 'ldl', analyte: '3F077', name: /^ldl/i },
  { id: 'crp', analyte: '5C070', name: /^crp/i },
  { id: 'bnp', analyte: '4Z272', name: /^(nt-?probnp|bnp)/i },
];

export type Trend = 'up' | 'down' | 'same' | null;

type Result = LabTest['latest'];

/** ↑ ↓ → between two results of one test: only plain numbers in the same unit compare. */
export function trendOf(latest: Result, previous: Result | null | undefined): Trend {
  if (!previous || latest.number === null || previous.number === null) return null;
  if (latest.unit !== previous.unit) return null;
  if (latest.number > previous.number) return 'up';
  if (latest.number < previous.number) return 'down';
  return 'same';
}

export interface KeyLab {
  id: string;
  test: LabTest;
  latest: Result;
  previous: Result | null;
  trend: Trend;
}

function matches(def: KeyLabDefinition, test: LabTest): boolean {
  if (test.jlac10)
    return test.jlac10.startsWith(def.analyte) && (!def.result || test.jlac10.slice(15, 17) === def.result);
  return def.name.test(test.name.normalize('NFKC').replace(/[\s（(].*$/, ''));
}

const newer = (a: Result | null, b: Result | null): Result | null =>
  a === null ? b : b === null ? a : (b.date ?? '') > (a.date ?? '') ? b : a;

/**
 * A test as seen with some facilities filtered out: its latest visible result (the previous one when
 * the latest is hidden), or nothing.
 */
function visibleTest(test: LabTest, hidden: readonly string[]): LabTest | null {
  if (hidden.length === 0) return test;
  const shown = (r: Result | null) => (r && !hidden.includes(r.facilityOid) ? r : null);
  const latest = shown(test.latest) ?? shown(test.previous);
  if (!latest) return null;
  return { ...test, latest, previous: latest === test.latest ? shown(test.previous) : null };
}

/**
 * The key tests the patient has, in clinical order. Where one analyte came as several tests (a
 * facility without JLAC10, another method), the newest result of them all is shown, and the one
 * before it is the newest of the rest. Results of `hidden` facilities (the facility filter) are left out.
 */
export function keyLabs(all: readonly LabTest[], hidden: readonly string[] = []): KeyLab[] {
  const tests = all.map((t) => visibleTest(t, hidden)).filter((t): t is LabTest => t !== null);
  const out: KeyLab[] = [];
  for (const def of KEY_LABS) {
    const found = tests.filter((t) => matches(def, t));
    if (found.length === 0) continue;
    const test = found.reduce((a, b) => ((b.latest.date ?? '') > (a.latest.date ?? '') ? b : a));
    let previous = test.previous;
    for (const other of found) if (other !== test) previous = newer(previous, other.latest);
    out.push({ id: def.id, test, latest: test.latest, previous, trend: trendOf(test.latest, previous) });
  }
  return out;
}
