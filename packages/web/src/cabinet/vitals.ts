/**
 * バイタル: the hub's series (`/vitals`) as charts: one per vital sign, systolic and diastolic blood
 * pressure together; each point keeps the value as it was written (36.0 stays 36.0). Pure.
 */
import { isVitalSign, unitLabel, VITAL_SIGN_CODES, VITAL_SIGNS } from '@hie/contract';
import type { Lang } from '../api/errors';
import { westernDateTime } from '../lib/dates';
import { labelIn } from './core/cabinet-state';
import type { VitalSeries } from './core/types';

export interface VitalPoint {
  at: string;
  /** As sent. */
  value: string;
  /** For the chart's scale; null when the value is not a number. */
  n: number | null;
  postId: string;
}

export interface VitalLine {
  code: string;
  name: string;
  points: VitalPoint[];
}

export interface VitalChart {
  key: string;
  title: string;
  unit: string;
  lines: VitalLine[];
}

const order = (code: string) => {
  const i = (VITAL_SIGN_CODES as readonly string[]).indexOf(code);
  return i < 0 ? VITAL_SIGN_CODES.length : i;
};

function lineOf(series: VitalSeries, lang: Lang): VitalLine {
  const name =
    labelIn(series.label, lang) || (isVitalSign(series.code) ? VITAL_SIGNS[series.code][lang] : series.code);
  const points = series.points
    .map((p) => {
      const value = String(p.value);
      const n = Number(value);
      return { at: p.at, value, n: value.trim() !== '' && Number.isFinite(n) ? n : null, postId: p.postId };
    })
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return { code: series.code, name, points };
}

/** The charts to draw, in VITAL_SIGNS' order; series without points are left out. */
export function vitalCharts(series: readonly VitalSeries[], lang: Lang, bpTitle: string): VitalChart[] {
  const withPoints = [...series]
    .filter((s) => s.points.length > 0)
    .sort((a, b) => order(a.code) - order(b.code));
  const charts: VitalChart[] = [];
  const bp = withPoints.filter((s) => s.code === 'bp-systolic' || s.code === 'bp-diastolic');
  for (const s of withPoints) {
    if (s.code === 'bp-systolic' || s.code === 'bp-diastolic') {
      if (charts.some((c) => c.key === 'bp')) continue;
      charts.push({
        key: 'bp',
        title: bpTitle,
        unit: unitLabel(s.unit),
        lines: bp.map((b) => lineOf(b, lang)),
      });
      continue;
    }
    const line = lineOf(s, lang);
    charts.push({ key: s.code, title: line.name, unit: unitLabel(s.unit), lines: [line] });
  }
  return charts;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const COLORS = ['#c92a2a', '#1971c2', '#0c8599', '#5f3dc4'];

/** The echarts option of a chart: time across, the unit on the value axis, the value as sent in the tooltip. */
export function vitalOption(chart: VitalChart): Record<string, unknown> {
  const several = chart.lines.length > 1;
  return {
    color: COLORS,
    tooltip: {
      trigger: 'axis',
      formatter: (params: unknown) => {
        const list = (Array.isArray(params) ? params : [params]) as {
          seriesName?: string;
          data?: { sent?: string; at?: string };
        }[];
        const at = list[0]?.data?.at;
        const lines = list.map(
          (p) =>
            `${escapeHtml(p.seriesName ?? '')}: ${escapeHtml(p.data?.sent ?? '')}${chart.unit ? ` ${escapeHtml(chart.unit)}` : ''}`,
        );
        return [at ? escapeHtml(westernDateTime(at)) : '', ...lines].filter(Boolean).join('<br/>');
      },
    },
    legend: several ? { top: 0 } : { show: false },
    grid: { left: 56, right: 20, top: several ? 36 : 28, bottom: 36 },
    xAxis: {
      type: 'time',
      axisLabel: { formatter: { year: '{yyyy}', month: '{M}/{d}', day: '{M}/{d}', hour: '{HH}:{mm}' } },
    },
    yAxis: { type: 'value', name: chart.unit, scale: true, nameTextStyle: { align: 'right' } },
    series: chart.lines.map((line) => ({
      name: line.name,
      type: 'line',
      showSymbol: true,
      symbolSize: 7,
      connectNulls: true,
      data: line.points
        .filter((p) => p.n !== null)
        .map((p) => ({ value: [p.at, p.n], sent: p.value, at: p.at, postId: p.postId })),
    })),
  };
}
