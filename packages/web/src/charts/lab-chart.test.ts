import { JLAC10_SYSTEM } from '@hie/contract';
import { describe, expect, it } from 'vitest';
import type { SourcedResource } from '../api/types';
import { axisDate, facilityMarkers, labChartOption, labSeries } from './lab-chart';

const HBA1C = '3D046000001906202';
const facilities = [
  { facilityOid: '1.2.392.1', facilityName: '岡山大学病院' },
  { facilityOid: '1.2.392.2', facilityName: '倉敷中央病院' },
  { facilityOid: '1.2.392.3', facilityName: '岡山赤十字病院' },
];

const results: SourcedResource[] = facilities.flatMap((f, i) =>
  [0, 1, 2].map((m) => ({
    ...f,
    localId: 'L',
    date: `2025-0${m + 1}-1${i}`,
    resource: {
      resourceType: 'Observation',
      id: `${i}-${m}`,
      code: { coding: [{ system: JLAC10_SYSTEM, code: HBA1C, display: 'HbA1c' }] },
      effectiveDateTime: `2025-0${m + 1}-1${i}`,
      valueQuantity: { value: 9 + m / 10 + i / 100, unit: '%' },
      referenceRange: [{ low: { value: i === 2 ? 4.6 : 4.9 }, high: { value: 6.0 }, text: 'x' }],
    },
  })),
);

describe('the lab chart', () => {
  const series = labSeries(results, `jlac:${HBA1C}`)!;
  const markers = facilityMarkers(
    facilities.map((f) => ({ oid: f.facilityOid, name: f.facilityName })),
    () => 'teal',
  );
  const option = labChartOption({ main: series, markers, labels: { range: '基準範囲', flag: () => '' } }) as {
    series: { data: { symbol: string; point: { facilityName: string } }[]; markArea: { data: unknown } }[];
    yAxis: { min: number; max: number }[];
  };

  it('draws one series for the test whatever the number of facilities, oldest first', () => {
    expect(option.series).toHaveLength(1);
    expect(option.series[0]?.data).toHaveLength(9);
    expect(series.points.map((p) => p.day)).toEqual([...series.points.map((p) => p.day)].sort());
  });

  it('marks each facility with its own shape and names it on the point', () => {
    const shapes = new Map(option.series[0]!.data.map((d) => [d.point.facilityName, d.symbol]));
    expect(new Set(shapes.values()).size).toBe(3);
  });

  it('shades the reference range of the newest result and keeps it in view', () => {
    // The newest result is 岡山赤十字病院's (the 13th of March), whose range starts at 4.6.
    expect(option.series[0]?.markArea.data).toEqual([[{ yAxis: 4.6 }, { yAxis: 6 }]]);
    expect(option.yAxis[0]!.min).toBeLessThanOrEqual(4.6);
    expect(option.yAxis[0]!.max).toBeGreaterThanOrEqual(9.22);
  });

  it('labels dates as numbers, never English month names', () => {
    const march = new Date(2025, 2, 1).getTime();
    expect(axisDate(march, 365)).toBe('2025/03');
    expect(axisDate(march, 30)).toBe('03/01');
  });

  it('puts a second test on its own axis', () => {
    const two = labChartOption({
      main: series,
      overlay: { ...series, name: 'グルコース' },
      markers,
      labels: { range: '基準範囲', flag: () => '' },
    }) as { series: { yAxisIndex?: number }[]; yAxis: unknown[] };
    expect(two.series.map((s) => s.yAxisIndex ?? 0)).toEqual([0, 1]);
    expect(two.yAxis).toHaveLength(2);
  });
});
