/**
 * The lab chart: one line per test across every facility (the facility is the marker's shape and
 * colour, and is named in the tooltip), the reference range as a band, an optional second test on a
 * right-hand axis, dates as YYYY/MM (never English month names).
 */
import { clinicalUnit } from '@hie/contract';
import type { SourcedResource } from '../api/types';
import { dayOf } from '../lib/dates';
import { abnormalFlag, type Flag, observationValue, type Quantity, testKey } from '../records/fhir';
import type { ChartOption } from './EChart';

export interface LabPoint {
  day: string;
  number: number;
  /** The value as the laboratory sent it. */
  text: string;
  flag: Flag;
  facilityOid: string;
  facilityName: string;
}

export interface LabSeries {
  key: string;
  name: string;
  unit: string;
  shownUnit: string;
  /** Oldest first. */
  points: LabPoint[];
  /** The reference range of the newest result that has one (facilities may differ: the newest wins). */
  band: { low: number | null; high: number | null; text: string } | null;
}

interface RangeLike {
  low?: Quantity;
  high?: Quantity;
  text?: string;
}

/** One test's numeric results across facilities. Null when there is none. */
export function labSeries(entries: readonly SourcedResource[], key: string): LabSeries | null {
  const found = entries
    .filter((e) => e.resource.resourceType === 'Observation' && testKey(e.resource).key === key)
    .map((e) => ({ e, at: ((e.resource.effectiveDateTime as string | undefined) ?? e.date) || '' }))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const points: LabPoint[] = [];
  let name = '';
  let unit = '';
  let band: LabSeries['band'] = null;
  for (const { e, at } of found) {
    const day = dayOf(at);
    const value = observationValue(e.resource);
    name = testKey(e.resource).name;
    const u = (e.resource.valueQuantity as Quantity | undefined)?.unit;
    if (typeof u === 'string' && u) unit = u;
    const range = (e.resource.referenceRange as RangeLike[] | undefined)?.[0];
    const low = typeof range?.low?.value === 'number' ? range.low.value : null;
    const high = typeof range?.high?.value === 'number' ? range.high.value : null;
    if (low !== null || high !== null)
      band = { low, high, text: range?.text ?? `${low ?? ''}–${high ?? ''}` };
    if (!day || value.number === null) continue;
    points.push({
      day,
      number: value.number,
      text: value.text,
      flag: abnormalFlag(e.resource),
      facilityOid: e.facilityOid,
      facilityName: e.facilityName,
    });
  }
  if (points.length === 0) return null;
  return { key, name, unit, shownUnit: clinicalUnit(unit), points, band };
}

/** Marker shapes by facility order, with the glyph the table and legend draw for each. */
const MARKERS = [
  { symbol: 'circle', glyph: '●' },
  { symbol: 'rect', glyph: '■' },
  { symbol: 'triangle', glyph: '▲' },
  { symbol: 'diamond', glyph: '◆' },
  { symbol: 'emptyCircle', glyph: '○' },
  { symbol: 'emptyRect', glyph: '□' },
  { symbol: 'emptyTriangle', glyph: '△' },
  { symbol: 'emptyDiamond', glyph: '◇' },
] as const;

/**
 * Dark shades of the facility colours of the other tabs (common.tsx facilityColor), dark enough for
 * small text on white and on the selected row (≥ 4.5:1).
 */
const FACILITY_HEX: Readonly<Record<string, string>> = {
  teal: '#087f5b',
  indigo: '#364fc7',
  grape: '#862e9c',
  orange: '#c2410c',
  cyan: '#0b7285',
  pink: '#a61e4d',
  lime: '#4d7c0f',
  violet: '#5f3dc4',
  yellow: '#92400e',
  blue: '#1864ab',
};

export interface FacilityMarker {
  oid: string;
  name: string;
  symbol: string;
  glyph: string;
  color: string;
}

/** The marker of each facility: shape by its order, colour as on the other tabs. */
export function facilityMarkers(
  facilities: readonly { oid: string; name: string }[],
  colorOf: (oid: string) => string,
): FacilityMarker[] {
  return facilities.map((f, i) => {
    const marker = MARKERS[i % MARKERS.length]!;
    return { ...f, ...marker, color: FACILITY_HEX[colorOf(f.oid)] ?? '#343a40' };
  });
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Axis dates: YYYY/MM over months and years, MM/DD within a few months. */
export function axisDate(value: number, spanDays: number): string {
  const d = new Date(value);
  return spanDays > 120
    ? `${d.getFullYear()}/${pad(d.getMonth() + 1)}`
    : `${pad(d.getMonth() + 1)}/${pad(d.getDate())}`;
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export interface LabChartLabels {
  /** The band's label (基準範囲). */
  range: string;
  flag: (flag: Flag) => string;
}

const MAIN_LINE = '#495057';
const OVERLAY_LINE = '#c2410c';
const BAND = 'rgba(47, 158, 68, 0.12)';

interface PointDatum {
  value: [string, number];
  symbol?: string;
  itemStyle?: { color: string };
  point: LabPoint;
  test: string;
  unit: string;
}

/** Nice bounds that hold the data and the reference band, so the band is always in view. */
function bounds(values: readonly number[]): { min: number; max: number } {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (lo === hi) {
    lo -= Math.abs(lo) * 0.1 || 1;
    hi += Math.abs(hi) * 0.1 || 1;
  }
  const raw = (hi - lo) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const min = Math.floor(lo / step) * step;
  const max = Math.ceil(hi / step) * step;
  // Counts and concentrations are not negative: an axis below zero would mislead.
  return { min: lo >= 0 ? Math.max(0, min) : min, max };
}

/** The chart of `main` (and `overlay` on a second axis), markers by facility. */
export function labChartOption({
  main,
  overlay,
  markers,
  labels,
}: {
  main: LabSeries;
  overlay?: LabSeries | null;
  markers: readonly FacilityMarker[];
  labels: LabChartLabels;
}): ChartOption {
  const byOid = new Map(markers.map((m) => [m.oid, m]));
  const times = [...main.points, ...(overlay?.points ?? [])].map((p) => Date.parse(p.day));
  const spanDays = (Math.max(...times) - Math.min(...times)) / 86_400_000;
  const datum = (series: LabSeries, p: LabPoint, own: boolean): PointDatum => {
    const marker = byOid.get(p.facilityOid);
    return {
      value: [p.day, p.number],
      ...(marker ? { symbol: marker.symbol } : {}),
      ...(own && marker ? { itemStyle: { color: marker.color } } : {}),
      point: p,
      test: series.name,
      unit: series.shownUnit,
    };
  };
  const band = main.band;
  const bandValues = band ? [band.low, band.high].filter((v): v is number => v !== null) : [];
  const mainBounds = bounds([...main.points.map((p) => p.number), ...bandValues]);
  // One-sided ranges (eGFR ≥ 60, CRP ≤ 0.14) are shaded to the edge of the axis. With a second test
  // the band says whose range it is (the second test's own range is not drawn: two bands mislead).
  const bandLabel = overlay ? `${main.name} ${labels.range}` : labels.range;
  const markArea = band
    ? {
        silent: true,
        itemStyle: { color: BAND },
        label: { show: true, position: 'insideTopLeft', color: '#2b8a3e', formatter: bandLabel },
        data: [[{ yAxis: band.low ?? mainBounds.min }, { yAxis: band.high ?? mainBounds.max }]],
      }
    : undefined;

  const series: Record<string, unknown>[] = [
    {
      name: main.name,
      type: 'line',
      symbolSize: 9,
      lineStyle: { color: MAIN_LINE, width: 1.5 },
      itemStyle: { color: MAIN_LINE },
      data: main.points.map((p) => datum(main, p, true)),
      ...(markArea ? { markArea } : {}),
    },
  ];
  if (overlay) {
    series.push({
      name: overlay.name,
      type: 'line',
      yAxisIndex: 1,
      symbolSize: 7,
      lineStyle: { color: OVERLAY_LINE, width: 1.5, type: 'dashed' },
      itemStyle: { color: OVERLAY_LINE },
      data: overlay.points.map((p) => datum(overlay, p, false)),
    });
  }
  const axisName = (s: LabSeries) => s.shownUnit || s.unit;
  return {
    tooltip: {
      trigger: 'item',
      formatter: (params: { data?: PointDatum }) => {
        const d = params.data;
        if (!d) return '';
        const flag = d.point.flag ? ` <b>${escapeHtml(labels.flag(d.point.flag))}</b>` : '';
        return [
          escapeHtml(d.point.day.replaceAll('-', '/')),
          `${escapeHtml(d.test)}: <b>${escapeHtml(d.point.text)}</b> ${escapeHtml(d.unit)}${flag}`,
          escapeHtml(d.point.facilityName),
        ].join('<br/>');
      },
    },
    legend: overlay ? { top: 0, data: [main.name, overlay.name] } : { show: false },
    grid: { left: 56, right: overlay ? 56 : 24, top: overlay ? 48 : 32, bottom: 64 },
    xAxis: {
      type: 'time',
      axisLabel: { formatter: (value: number) => axisDate(value, spanDays), hideOverlap: true },
    },
    yAxis: [
      { type: 'value', name: axisName(main), min: mainBounds.min, max: mainBounds.max },
      ...(overlay
        ? [
            {
              type: 'value',
              name: axisName(overlay),
              scale: true,
              splitLine: { show: false },
              axisLine: { show: true, lineStyle: { color: OVERLAY_LINE } },
            },
          ]
        : []),
    ],
    dataZoom: [
      { type: 'inside' },
      {
        type: 'slider',
        height: 18,
        bottom: 8,
        labelFormatter: (value: number) => formatDay(value),
      },
    ],
    series,
  };
}

/** YYYY/MM/DD of an axis value (local time, as echarts reads YYYY-MM-DD). */
function formatDay(value: number): string {
  const d = new Date(value);
  return `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())}`;
}
