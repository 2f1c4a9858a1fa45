// The recorded ORCA answers shipped with this package (`recorded/`, Apache-2.0, orca-api/orca-api
// @7d2486c9): the simulator serves them as they are and makes its variants from them.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `packages/orca/recorded/` — the same place from `src/simulator/` and from `dist/simulator/`. */
export const RECORDED_DIR = fileURLToPath(new URL('../../recorded/', import.meta.url));

export const RECORDED = [
  'api01rv2_patientlst1v2',
  'api01rv2_patientgetv2',
  'api01rv2_diseasegetv2',
  'api01rv2_diseasegetv2_10',
  'api01rv2_acceptlstv2_03',
  'api01rv2_prescriptionv2',
  'api01rv2_prescriptionv2_0105',
  'api01rv2_medicinenotebookv2',
  'api01rv2_medicinenotebookv2_0105',
] as const;
export type RecordedName = (typeof RECORDED)[number];

const cache = new Map<RecordedName, string>();

/** The exact text of a recorded answer. */
export function recordedText(name: RecordedName): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(`${RECORDED_DIR}${name}.json`, 'utf8');
    cache.set(name, text);
  }
  return text;
}

/** A fresh parsed copy of a recorded answer (callers may change it). */
export function recordedJson(name: RecordedName): Record<string, unknown> {
  return JSON.parse(recordedText(name)) as Record<string, unknown>;
}
