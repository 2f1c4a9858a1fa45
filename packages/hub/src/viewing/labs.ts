import { flagOf, type LabTest, type ObservationLike, resultValue, testOf } from '@hie/contract';
import type { SourcedResource } from './merge.js';

export { JLAC10_SYSTEM, LAB_CATEGORIES, type LabTest } from '@hie/contract';

/** Most Observations the lab summary reads from one gateway (it answers tests, not resources). */
export const LAB_SUMMARY_MAX_PER_SOURCE = 20_000;

/**
 * The tests among `entries` (Observations, newest first as merged), with counts and the newest result
 * of each, sorted by name (ja collation).
 */
export function summarizeLabs(entries: readonly SourcedResource[]): LabTest[] {
  const tests = new Map<string, LabTest & { codeSet: Set<string>; facilitySet: Set<string> }>();
  for (const entry of entries) {
    if (entry.resource.resourceType !== 'Observation') continue;
    const resource = entry.resource as ObservationLike;
    const test = testOf(resource);
    const value = resultValue(resource);
    let row = tests.get(test.key);
    if (!row) {
      const unitValue = resource.valueQuantity?.unit;
      const unit = typeof unitValue === 'string' ? unitValue : '';
      row = {
        key: test.key,
        jlac10: test.jlac10,
        codes: [],
        codeSet: new Set(),
        name: test.name,
        unit,
        count: 0,
        numeric: 0,
        facilities: [],
        facilitySet: new Set(),
        // Entries come newest first: the first one seen is the latest.
        latest: {
          date: entry.date,
          value: value.text,
          number: value.number,
          unit,
          flag: flagOf(resource),
          facilityOid: entry.facilityOid,
          facilityName: entry.facilityName,
          id: entry.resource.id,
        },
      };
      tests.set(test.key, row);
    }
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
    .sort((a, b) => a.name.localeCompare(b.name, 'ja') || (a.key < b.key ? -1 : 1));
}
