import { describe, expect, it } from 'vitest';
import type { VitalSeries } from './core/types';
import { vitalCharts, vitalOption } from './vitals';

const series: VitalSeries[] = [
  {
    code: 'temperature',
    label: '',
    unit: 'Cel',
    points: [
      { at: '2025-06-03T01:00:00Z', value: '37.0', postId: 'p2' },
      { at: '2025-06-02T01:00:00Z', value: '36.0', postId: 'p1' },
    ],
  },
  {
    code: 'bp-diastolic',
    label: '',
    unit: 'mm[Hg]',
    points: [{ at: '2025-06-02T01:00:00Z', value: '80', postId: 'p1' }],
  },
  {
    code: 'bp-systolic',
    label: '',
    unit: 'mm[Hg]',
    points: [{ at: '2025-06-02T01:00:00Z', value: '130', postId: 'p1' }],
  },
  {
    code: 'pain',
    label: { ja: '痛み', en: 'Pain' },
    unit: '{score}',
    points: [{ at: '2025-06-02T01:00:00Z', value: '3', postId: 'p1' }],
  },
  { code: 'weight', label: '', unit: 'kg', points: [] },
];

describe('vitalCharts', () => {
  it('draws blood pressure as one chart, the others one each, in VITAL_SIGNS’ order', () => {
    const charts = vitalCharts(series, 'ja', '血圧');
    expect(charts.map((c) => [c.key, c.title, c.unit, c.lines.map((l) => l.name)])).toEqual([
      ['bp', '血圧', 'mm[Hg]', ['収縮期血圧', '拡張期血圧']],
      ['temperature', '体温', '℃', ['体温']],
      ['pain', '痛み', '', ['痛み']],
    ]);
  });

  it('keeps each value as it was sent, oldest first', () => {
    const [, temp] = vitalCharts(series, 'en', 'BP');
    expect(temp?.lines[0]?.points.map((p) => [p.value, p.n])).toEqual([
      ['36.0', 36],
      ['37.0', 37],
    ]);
  });

  it('puts the unit on the value axis and the value as sent in the tooltip', () => {
    const [, temp] = vitalCharts(series, 'ja', '血圧');
    if (!temp) throw new Error('no chart');
    const option = vitalOption(temp) as {
      yAxis: { name: string };
      series: { data: { value: [string, number]; sent: string }[] }[];
      tooltip: { formatter: (p: unknown) => string };
    };
    expect(option.yAxis.name).toBe('℃');
    expect(option.series[0]?.data.map((d) => d.sent)).toEqual(['36.0', '37.0']);
    const text = option.tooltip.formatter([
      { seriesName: '体温<b>', data: { sent: '36.0', at: '2025-06-02T01:00:00Z' } },
    ]);
    expect(text).toBe('2025/06/02 10:00<br/>体温&#60;b&#62;: 36.0 ℃');
  });
});
