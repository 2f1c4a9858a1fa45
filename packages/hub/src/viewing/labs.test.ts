import { flagOf, JLAC10_SYSTEM, resultValue, testOf } from '@hie/contract';
import { describe, expect, it } from 'vitest';
import { summarizeLabs } from './labs.js';
import type { SourcedResource } from './merge.js';

const HBA1C = '3D046000001906202';

function observation(
  facilityOid: string,
  id: string,
  date: string,
  code: { coding: { system?: string; code: string; display?: string }[]; text?: string },
  value: Record<string, unknown>,
): SourcedResource {
  return {
    facilityOid,
    facilityName: `施設${facilityOid}`,
    localId: 'L1',
    date,
    resource: { resourceType: 'Observation', id, code, effectiveDateTime: date, ...value },
  };
}

describe('lab summary', () => {
  const jlac = { coding: [{ system: JLAC10_SYSTEM, code: HBA1C, display: 'ＨｂＡ１ｃ' }] };
  // Facility B indexes its results under a local code first; JLAC10 still names the same test.
  const local = {
    coding: [
      { system: 'urn:local', code: 'A1C' },
      { system: JLAC10_SYSTEM, code: HBA1C },
    ],
    text: 'HbA1c',
  };
  const entries: SourcedResource[] = [
    observation('B', 'b2', '2025-03-01', local, {
      valueQuantity: { value: 7.9, unit: '%' },
      referenceRange: [{ high: { value: 6.2 } }],
    }),
    observation('A', 'a2', '2025-02-01', jlac, { valueQuantity: { value: 6.5, unit: '%' } }),
    observation('A', 'a1', '2024-02-01', jlac, { valueQuantity: { value: 6.1, comparator: '<', unit: '%' } }),
    observation('A', 'c1', '2024-01-01', { coding: [], text: '尿蛋白' }, { valueString: '(+)' }),
    {
      facilityOid: 'A',
      facilityName: '施設A',
      localId: 'L1',
      date: '2025-04-01',
      resource: { resourceType: 'DiagnosticReport', id: 'r1' },
    },
  ];

  it('groups results by JLAC10 across facilities, keeps each one’s indexed code, newest as latest', () => {
    const tests = summarizeLabs(entries);
    expect(tests.map((t) => t.key)).toEqual([`jlac:${HBA1C}`, 'name:尿蛋白']);
    expect(tests[0]).toMatchObject({
      jlac10: HBA1C,
      codes: [HBA1C, 'A1C'].sort(),
      name: 'HbA1c',
      unit: '%',
      count: 3,
      numeric: 2,
      facilities: ['A', 'B'],
      latest: { id: 'b2', value: '7.9', number: 7.9, flag: 'H', facilityOid: 'B', date: '2025-03-01' },
      // The result before it, from another facility: the trend crosses facilities.
      previous: { id: 'a2', value: '6.5', number: 6.5, flag: null, facilityOid: 'A', date: '2025-02-01' },
    });
    expect(tests[1]).toMatchObject({
      jlac10: null,
      codes: [],
      count: 1,
      numeric: 0,
      latest: { value: '(+)' },
      previous: null,
    });
  });

  it('reads names, values and flags the way the lab tab shows them', () => {
    expect(testOf({ code: jlac }).name).toBe('HbA1c');
    expect(resultValue({ valueQuantity: { value: 5, comparator: '>' } })).toEqual({
      text: '>5',
      number: null,
    });
    expect(resultValue({})).toEqual({ text: '—', number: null });
    expect(flagOf({ interpretation: [{ coding: [{ code: 'LL' }] }] })).toBe('L');
    expect(flagOf({ valueQuantity: { value: 1 }, referenceRange: [{ low: { value: 2 } }] })).toBe('L');
    expect(
      flagOf({ valueQuantity: { value: 3 }, referenceRange: [{ low: { value: 2 }, high: { value: 4 } }] }),
    ).toBe(null);
    expect(summarizeLabs([])).toEqual([]);
  });
});
