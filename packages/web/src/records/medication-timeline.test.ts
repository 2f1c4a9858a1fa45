import { describe, expect, it } from 'vitest';
import type { SourcedResource } from '../api/types';
import { axisTicks, drugTimeline, position } from './medication-timeline';
import { addDays, prescriptionPeriods } from './medications';

const HOT9 = 'http://medis.or.jp/CodeSystem/master-HOT9';
const CLINIC = { facilityOid: '1.2.392.100495.20.3.41.1331000001', facilityName: '岡山内科クリニック' };
const OUH = { facilityOid: '1.2.392.100495.20.3.41.1331000002', facilityName: '岡山大学病院' };

let seq = 0;
function rx(
  at: typeof CLINIC,
  day: string,
  days: number,
  o: { code?: string; name?: string; status?: string } = {},
) {
  seq += 1;
  return {
    facilityOid: at.facilityOid,
    facilityName: at.facilityName,
    localId: '1',
    date: day,
    resource: {
      resourceType: 'MedicationRequest',
      id: `t-${seq}`,
      status: o.status ?? 'active',
      medicationCodeableConcept: {
        coding: [{ system: HOT9, code: o.code ?? '990000101' }],
        text: o.name ?? 'メトグルコ錠２５０ｍｇ',
      },
      authoredOn: day,
      dispenseRequest: { expectedSupplyDuration: { value: days, unit: '日', code: 'd' } },
    },
  } satisfies SourcedResource;
}

describe('drug timeline (薬剤別)', () => {
  it('joins a facility’s refills that follow each other into one bar with their count, per facility lane (ordered by name)', () => {
    const entries = [
      rx(CLINIC, '2024-01-01', 28),
      rx(CLINIC, '2024-01-29', 28),
      rx(CLINIC, '2024-03-01', 28), // 4 days late: still the same course
      rx(CLINIC, '2024-06-01', 28), // after a pause longer than the grace window: a new bar
      rx(OUH, '2024-02-01', 14),
    ];
    const tl = drugTimeline(
      prescriptionPeriods(entries),
      { from: '2024-01-01', to: '2024-12-31' },
      '2024-12-31',
    );
    expect(tl.rows).toHaveLength(1);
    const [row] = tl.rows;
    expect(row?.lanes.map((l) => [l.facilityName, l.bars.map((b) => [b.start, b.end, b.count])])).toEqual([
      ['岡山大学病院', [['2024-02-01', '2024-02-14', 1]]],
      [
        '岡山内科クリニック',
        [
          ['2024-01-01', '2024-03-28', 3],
          ['2024-06-01', '2024-06-28', 1],
        ],
      ],
    ]);
    expect(row?.duplicates).toEqual([{ from: '2024-02-01', to: '2024-02-14' }]);
    expect(row?.current).toBe(false);
  });

  it('keeps stopped orders as bars of their own, clips to the window, and puts current drugs first', () => {
    const entries = [
      rx(CLINIC, '2023-11-01', 90, { code: '990000301', name: 'アマリール１ｍｇ錠' }),
      rx(CLINIC, '2024-03-01', 28, { status: 'stopped' }),
      rx(CLINIC, '2024-03-20', 28),
    ];
    const tl = drugTimeline(
      prescriptionPeriods(entries),
      { from: '2024-01-01', to: '2024-04-30' },
      '2024-04-10',
    );
    expect(tl.rows.map((r) => [r.name, r.current])).toEqual([
      ['メトグルコ錠２５０ｍｇ', true],
      ['アマリール１ｍｇ錠', false],
    ]);
    expect(tl.rows[0]?.lanes[0]?.bars.map((b) => [b.start, b.stopped])).toEqual([
      ['2024-03-01', true],
      ['2024-03-20', false],
    ]);
    // The 90 days from 2023-11-01 shown from the window's start.
    expect(tl.rows[1]?.lanes[0]?.bars[0]).toEqual(
      expect.objectContaining({ start: '2024-01-01', end: '2024-01-29' }),
    );
  });

  it('places days on the window and ticks months (short windows) or years (long ones)', () => {
    const w = { from: '2024-01-01', to: '2024-12-31' };
    expect(position('2024-01-01', w)).toBe(0);
    expect(position('2024-12-31', w, true)).toBe(100);
    expect(axisTicks(w).map((x) => x.day)).toEqual(
      Array.from({ length: 11 }, (_, i) => `2024-${String(i + 2).padStart(2, '0')}-01`),
    );
    const five = axisTicks({ from: '2020-06-15', to: addDays('2025-06-14', 0) });
    expect(five.map((x) => x.day)).toEqual([
      '2021-01-01',
      '2022-01-01',
      '2023-01-01',
      '2024-01-01',
      '2025-01-01',
    ]);
  });
});
