/**
 * The one chart component: echarts' core with only the charts and components the app draws (tree
 * shaken), canvas renderer; the container is an ARIA image labelled by the caller. Loaded lazily, never in the first bundle.
 */
import { BarChart, LineChart, PieChart, ScatterChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
} from 'echarts/components';
import { type EChartsCoreOption, init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

use([
  LineChart,
  BarChart,
  PieChart,
  ScatterChart,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  CanvasRenderer,
]);

export type ChartOption = EChartsCoreOption;

export default function EChart({
  option,
  height = 320,
  label,
  testId,
  points,
}: {
  option: ChartOption;
  height?: number;
  /** What the chart shows, for screen readers (the data is also in a table next to it). */
  label: string;
  testId?: string;
  /** How many data points are drawn (data-points, for tests and benchmarks). */
  points?: number;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof init> | null>(null);

  useEffect(() => {
    if (!ref.current) return;
    const instance = init(ref.current, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(ref.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    // echarts' own ARIA text reads out raw timestamps; the container's label names the chart and
    // the same values are in the table beside it.
    chart.current?.setOption({ aria: { enabled: false }, animation: false, ...option }, true);
    // How many series echarts holds (tests: one line per lab test, whatever the facilities).
    const drawn = (chart.current?.getOption() as { series?: unknown[] } | undefined)?.series?.length ?? 0;
    ref.current?.setAttribute('data-series', String(drawn));
    ref.current?.setAttribute('data-rendered', 'true');
  }, [option]);

  return (
    <div
      ref={ref}
      role="img"
      aria-label={label}
      data-testid={testId}
      data-points={points}
      style={{ width: '100%', height }}
    />
  );
}
