import { JLAC10_SYSTEM, ORIGINAL_TEXT_EXTENSION } from '@hie/contract';
import { describe, expect, it } from 'vitest';
import { summarizeLabs } from './labs.js';
import type { SourcedResource } from './merge.js';

const result = (
  id: string,
  code: string,
  display: string,
  value: number,
  sent?: string,
): SourcedResource => ({
  facilityOid: '1.2.3',
  facilityName: '岡山大学病院',
  localId: 'L1',
  date: '2025-03-01',
  resource: {
    resourceType: 'Observation',
    id,
    code: { coding: [{ system: JLAC10_SYSTEM, code, display }] },
    valueQuantity: {
      ...(sent ? { extension: [{ url: ORIGINAL_TEXT_EXTENSION, valueString: sent }] } : {}),
      value,
      unit: '%',
    },
  },
});

describe('lab summary as a result sheet', () => {
  const tests = summarizeLabs([
    result('u', '1A010000000190111', '尿蛋白定性', 1),
    result('a', '3D046000001906202', 'HbA1c', 10.2, '10.20'),
    result('c', '3C015000002327101', 'クレアチニン', 0.8, '0.80'),
    result('w', '2A990000001930952', '白血球数', 5.6),
    result('l', '3F077000002327101', 'LDL', 120),
  ]);

  it('lists tests panel by panel in clinical order, each with its panel', () => {
    expect(tests.map((t) => [t.panel, t.name])).toEqual([
      ['cbc', '白血球数'],
      ['renal', 'クレアチニン'],
      ['lipid', 'LDL'],
      ['glucose', 'HbA1c'],
      ['urine', '尿蛋白定性'],
    ]);
  });

  it('answers the value with the precision the laboratory sent', () => {
    expect(tests.find((t) => t.name === 'HbA1c')?.latest).toMatchObject({ value: '10.20', number: 10.2 });
    expect(tests.find((t) => t.name === 'クレアチニン')?.latest.value).toBe('0.80');
  });
});
