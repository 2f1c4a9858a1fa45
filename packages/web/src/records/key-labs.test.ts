import type { LabTest } from '@hie/contract';
import { describe, expect, it } from 'vitest';
import { keyLabs, trendOf } from './key-labs';

type Result = LabTest['latest'];
const result = (date: string, value: string, o: Partial<Result> = {}): Result => ({
  date,
  value,
  number: /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : null,
  unit: '%',
  flag: null,
  facilityOid: 'A',
  facilityName: '施設A',
  id: `${date}-${value}`,
  ...o,
});

function test(key: string, name: string, latest: Result, previous: Result | null = null): LabTest {
  const jlac10 = key.startsWith('jlac:') ? key.slice(5) : null;
  return {
    key,
    jlac10,
    codes: [],
    name,
    unit: latest.unit,
    count: 2,
    numeric: 2,
    facilities: ['A'],
    latest,
    previous,
  };
}

describe('trend arrows', () => {
  it('compares the latest with the previous result: up, down, same', () => {
    expect(trendOf(result('2025-02-01', '10.2'), result('2024-11-01', '9.8'))).toBe('up');
    expect(trendOf(result('2025-02-01', '7.0'), result('2024-11-01', '7.4'))).toBe('down');
    expect(trendOf(result('2025-02-01', '7.0'), result('2024-11-01', '7.0'))).toBe('same');
  });
  it('shows no arrow without a previous number, or across units', () => {
    expect(trendOf(result('2025-02-01', '7.0'), null)).toBe(null);
    expect(trendOf(result('2025-02-01', '<0.03'), result('2024-11-01', '0.10'))).toBe(null);
    expect(
      trendOf(result('2025-02-01', '5.1', { unit: 'mmol/L' }), result('2024-11-01', '92', { unit: 'mg/dL' })),
    ).toBe(null);
  });
});

describe('key labs', () => {
  const hba1c = test(
    'jlac:3D046000001906202',
    'HbA1c(NGSP)',
    result('2025-03-01', '10.2'),
    result('2025-01-10', '9.6'),
  );
  const hb = test(
    'jlac:2A990000001930953',
    'ヘモグロビン',
    result('2025-03-01', '12.1', { unit: 'g/dL', flag: 'L' }),
    result('2024-12-01', '12.8', { unit: 'g/dL' }),
  );
  const wbc = test('jlac:2A990000001930952', '白血球数', result('2025-03-01', '6.1', { unit: '10*3/uL' }));
  const na = test('jlac:3H010000002326101', 'ナトリウム', result('2025-03-01', '140', { unit: 'mEq/L' }));

  it('picks the key tests in clinical order, telling the blood count apart by its result code', () => {
    const rows = keyLabs([na, wbc, hb, hba1c]);
    expect(rows.map((r) => r.id)).toEqual(['hba1c', 'hemoglobin', 'wbc']);
    expect(rows[0]).toMatchObject({ trend: 'up', latest: { value: '10.2' }, previous: { value: '9.6' } });
    expect(rows[1]).toMatchObject({ trend: 'down', latest: { flag: 'L' } });
    expect(rows[2]?.trend).toBe(null);
  });

  it('finds a test without JLAC10 by its name, and takes the newest across both as latest', () => {
    const local = test(
      'name:HbA1c',
      'HbA1c',
      result('2025-04-01', '9.9', { facilityOid: 'B', facilityName: '施設B' }),
    );
    const [row] = keyLabs([hba1c, local]);
    expect(row).toMatchObject({
      id: 'hba1c',
      latest: { value: '9.9', facilityOid: 'B' },
      // The one before it is the other test's newest, newer than that test's own previous.
      previous: { value: '10.2', facilityOid: 'A' },
      trend: 'down',
    });
  });

  it('leaves out the results of facilities filtered off: the previous one stands in, without a trend', () => {
    const twoSites = test(
      'jlac:3D046000001906202',
      'HbA1c',
      result('2025-03-01', '10.2', { facilityOid: 'B' }),
      result('2025-01-10', '9.6', { facilityOid: 'A' }),
    );
    expect(keyLabs([twoSites], ['B'])[0]).toMatchObject({
      latest: { value: '9.6' },
      previous: null,
      trend: null,
    });
    expect(keyLabs([twoSites], ['A'])[0]).toMatchObject({
      latest: { value: '10.2' },
      previous: null,
      trend: null,
    });
    expect(keyLabs([twoSites], ['A', 'B'])).toEqual([]);
  });
});
