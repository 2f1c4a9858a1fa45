import {
  compareLabTests,
  flagOf,
  type LabTest,
  labPanelOf,
  type ObservationLike,
  resultValue,
  testOf,
} from '@hie/contract';
import type { SourcedResource } from './merge.js';

export { JLAC10_SYSTEM, LAB_CATEGORIES, type LabTest } from '@hie/contract';

/** Most Observations the lab summary reads from one gateway (it answers tests, not resources). */
export const LAB_SUMMARY_MAX_PER_SOURCE = 20_000;

/**
 * The tests among `entries` (Observations, newest first as merged), with counts, the newest result
 * of each and the one before it (for a trend), in clinical order: by panel (血算, 生化学 …; contract
 * lab-panels.ts), then by name (ja collation).
 */
export function summarizeLabs(entries: readonly SourcedResource[]): LabTest[] {
  const tests = new Map<string, LabTest & { codeSet: Set<string>; facilitySet: Set<string> }>();
  for (const entry of entries) {
    if (entry.resource.resourceType !== 'Observation') continue;
    const resource = entry.resource as ObservationLike;
    const test = testOf(resource);
    const value = resultValue(resource);
    const unitValue = resource.valueQuantity?.unit;
    const unit = typeof unitValue === 'string' ? unitValue : '';
    // Only the first two results of a test are kept: most of a long series is only counted.
    const result = (): LabTest['latest'] => ({
      date: entry.date,
      value: value.text,
      number: value.number,
      unit,
      flag: flagOf(resource),
      facilityOid: entry.facilityOid,
      facilityName: entry.facilityName,
      id: entry.resource.id,
    });
    let row = tests.get(test.key);
    if (!row) {
      row = {
        key: test.key,
        jlac10: test.jlac10,
        codes: [],
        codeSet: new Set(),
        name: test.name,
        unit,
        panel: labPanelOf(test.jlac10).panel,
        count: 0,
        numeric: 0,
        facilities: [],
        facilitySet: new Set(),
        // Entries come newest first: the first one seen is the latest, the second the previous.
        latest: result(),
        previous: null,
      };
      tests.set(test.key, row);
    } else if (row.previous === null) row.previous = result();
    row.count += 1;
    if (value.number !== null) row.numeric += 1;
    if (test.indexed) row.codeSet.add(test.indexed);
    row.facilitySet.add(entry.facilityOid);
  }
  return [...tests.values()]
    .map(({ codeSet, facilitySet, ...test }) => ({
      ...test,
      codes: [...codeSet].sort(),
      facilities: [...facilitySet].sort(),
    }))
    .sort((a, b) => compareLabTests(a, b) || (a.key < b.key ? -1 : 1));
}
