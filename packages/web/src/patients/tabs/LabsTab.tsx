import {
  Button,
  Group,
  Loader,
  Paper,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useEffect, useMemo, useState } from 'react';
import type { SourcedResource } from '../../api/types';
import EChart, { type ChartOption } from '../../charts/EChart';
import { useI18n } from '../../i18n';
import { Loading } from '../../layout/Feedback';
import { dayOf, westernDate } from '../../lib/dates';
import {
  abnormalFlag,
  type Flag,
  observationValue,
  type Quantity,
  referenceRangeText,
  testKey,
} from '../../records/fhir';
import {
  defaultLabTest,
  type LabSummaryAnswer,
  type LabTest,
  type Period,
  useLabSeries,
} from '../../records/records';
import { facilityColor } from './common';

interface Cell {
  text: string;
  number: number | null;
  flag: Flag;
  unit: string;
  range: string;
}

interface Column {
  key: string;
  day: string;
  facilityOid: string;
  facilityName: string;
}

interface TestRow {
  key: string;
  name: string;
  unit: string;
  range: string;
  cells: Map<string, Cell>;
  numeric: number;
}

const MANTINE_HEX: Record<string, string> = {
  teal: '#0c8599',
  indigo: '#3b5bdb',
  grape: '#9c36b5',
  orange: '#e8590c',
  cyan: '#1098ad',
  pink: '#c2255c',
  lime: '#5c940d',
  violet: '#6741d9',
  yellow: '#e67700',
  blue: '#1971c2',
};

/** Date × test table: one column per (day, facility), one row per test (JLAC10 across facilities). */
function labTable(entries: readonly SourcedResource[]) {
  const columns = new Map<string, Column>();
  const rows = new Map<string, TestRow>();
  for (const e of entries) {
    if (e.resource.resourceType !== 'Observation') continue;
    const day = dayOf((e.resource.effectiveDateTime as string | undefined) ?? e.date);
    if (!day) continue;
    const colKey = `${day}|${e.facilityOid}`;
    if (!columns.has(colKey))
      columns.set(colKey, { key: colKey, day, facilityOid: e.facilityOid, facilityName: e.facilityName });
    const { key, name } = testKey(e.resource);
    const value = observationValue(e.resource);
    const unit = (e.resource.valueQuantity as Quantity | undefined)?.unit ?? '';
    let row = rows.get(key);
    if (!row) {
      row = { key, name, unit, range: referenceRangeText(e.resource), cells: new Map(), numeric: 0 };
      rows.set(key, row);
    }
    if (!row.cells.has(colKey)) {
      row.cells.set(colKey, {
        text: value.text,
        number: value.number,
        flag: abnormalFlag(e.resource),
        unit,
        range: referenceRangeText(e.resource),
      });
      if (value.number !== null) row.numeric += 1;
    }
  }
  const cols = [...columns.values()].sort(
    (a, b) => b.day.localeCompare(a.day) || a.facilityName.localeCompare(b.facilityName),
  );
  return { columns: cols, rows: [...rows.values()].sort((a, b) => a.name.localeCompare(b.name, 'ja')) };
}

const flagClass = (flag: Flag) =>
  flag === 'H' ? 'abnormal-high' : flag === 'L' ? 'abnormal-low' : flag === 'A' ? 'abnormal-high' : undefined;

/** The chart's series: one test's numeric results, per facility, oldest first. */
function chartOption(
  results: readonly SourcedResource[],
  key: string,
  unit: string,
): { option: ChartOption; points: number } | null {
  const byFacility = new Map<string, { name: string; points: [string, number, Flag][] }>();
  let points = 0;
  for (const e of results) {
    if (e.resource.resourceType !== 'Observation' || testKey(e.resource).key !== key) continue;
    const day = dayOf((e.resource.effectiveDateTime as string | undefined) ?? e.date);
    const value = observationValue(e.resource);
    if (!day || value.number === null) continue;
    const series = byFacility.get(e.facilityOid) ?? { name: e.facilityName, points: [] };
    series.points.push([day, value.number, abnormalFlag(e.resource)]);
    byFacility.set(e.facilityOid, series);
    points += 1;
  }
  if (points === 0) return null;
  return {
    points,
    option: {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 24, top: 40, bottom: 56 },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', name: unit, scale: true },
      dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }],
      series: [...byFacility.entries()].map(([oid, s]) => ({
        name: s.name,
        type: 'line',
        symbolSize: 7,
        color: MANTINE_HEX[facilityColor(oid)],
        data: s.points
          .sort((a, b) => a[0].localeCompare(b[0]))
          .map(([day, value, flag]) => ({
            value: [day, value],
            itemStyle: flag === 'H' ? { color: '#b3261e' } : flag === 'L' ? { color: '#0b4f9c' } : undefined,
          })),
      })),
    },
  };
}

/**
 * 検体検査結果: the date × test table with abnormal flags, and a line chart per test across facilities.
 *
 * The chart comes first and from small answers: the test list of the period (`summary`, asked for with
 * the patient header) chooses the test, and only that test's results are fetched for it (one code over
 * the years). The table needs every result (`entries`, the tab's full list), which may still be coming:
 * until then the test list stands in for it.
 */
export default function LabsTab({
  personId,
  period,
  entries,
  entriesPending,
  summary,
  summaryPending,
  hiddenFacilities,
  onDrawn,
}: {
  personId: string;
  period: Period;
  entries: readonly SourcedResource[];
  entriesPending: boolean;
  summary: LabSummaryAnswer | undefined;
  summaryPending: boolean;
  hiddenFacilities: readonly string[];
  /** Called once the chart is on screen (the page then fetches the other tabs). */
  onDrawn?: () => void;
}) {
  const { t } = useI18n();
  const { columns, rows } = useMemo(() => labTable(entries), [entries]);
  const [chosen, setChosen] = useState<string | null>(null);
  const [view, setView] = useState<'table' | 'chart'>('table');
  // One layout at a time (a five-year table is thousands of cells): side by side from 1200 px.
  const wide = useMediaQuery('(min-width: 75em)', true, { getInitialValueInEffect: false });
  const tests = summary?.tests ?? [];
  const selectedKey = chosen ?? defaultLabTest(tests)?.key ?? (summary ? null : defaultLabTest(rows)?.key);
  const test = tests.find((x) => x.key === selectedKey);
  const row = rows.find((r) => r.key === selectedKey);
  const name = test?.name ?? row?.name ?? '';
  // Results of the chosen test alone; without codes (a test named only locally) the full list serves.
  const series = useLabSeries(personId, test, period);
  const results = test && test.codes.length > 0 ? series.data?.entries : entriesPending ? undefined : entries;
  const chart = useMemo(() => {
    if (!selectedKey || !results) return null;
    const shown = results.filter((e) => !hiddenFacilities.includes(e.facilityOid));
    return chartOption(shown, selectedKey, test?.unit || row?.unit || '');
  }, [results, selectedKey, hiddenFacilities, test, row]);
  const waiting = summaryPending || (!!test && test.codes.length > 0 && series.isPending);

  // The frame after the chart is drawn (or once there is nothing to draw), let the page go on.
  const drawn = chart !== null || (!waiting && (selectedKey === null || results !== undefined));
  useEffect(() => {
    if (!drawn || !onDrawn) return;
    const frame = requestAnimationFrame(() => setTimeout(onDrawn, 0));
    return () => cancelAnimationFrame(frame);
  }, [drawn, onDrawn]);

  if (!summaryPending && !entriesPending && rows.length === 0 && tests.length === 0) {
    return <Text c="dimmed">{t('app.none')}</Text>;
  }

  const chartPanel = (
    <Paper withBorder p="sm" radius="md" data-testid="lab-chart-panel">
      <Title order={3} size="h5" mb="xs">
        {name ? t('labs.chartOf', { test: name }) : t('labs.chart')}
      </Title>
      {chart ? (
        <EChart
          option={chart.option}
          height={300}
          label={t('labs.chartOf', { test: name })}
          testId="lab-chart"
          points={chart.points}
        />
      ) : waiting || (selectedKey && !results) ? (
        <Loading />
      ) : (
        <Text c="dimmed">{t('labs.noNumeric')}</Text>
      )}
    </Paper>
  );

  const select = (key: string) => {
    setChosen(key);
    if (!wide) setView('chart');
  };
  const table =
    entriesPending && rows.length === 0 ? (
      <TestList tests={tests} selected={selectedKey ?? null} onSelect={select} pending />
    ) : (
      <LabTable columns={columns} rows={rows} selected={selectedKey ?? null} onSelect={select} />
    );

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <SegmentedControl
          value={view}
          onChange={(v) => setView(v === 'chart' ? 'chart' : 'table')}
          data={[
            { value: 'table', label: t('labs.table') },
            { value: 'chart', label: t('labs.chart') },
          ]}
          style={{ visibility: wide ? 'hidden' : 'visible' }}
        />
        <Text size="xs" c="dimmed">
          {t('labs.legendHigh')}
        </Text>
      </Group>
      {wide ? (
        <Group align="flex-start" gap="md" wrap="nowrap">
          <div style={{ flex: '1 1 55%', minWidth: 0 }}>{table}</div>
          <div style={{ flex: '1 1 45%', minWidth: 0, position: 'sticky', top: 70 }}>{chartPanel}</div>
        </Group>
      ) : view === 'table' ? (
        table
      ) : (
        chartPanel
      )}
    </Stack>
  );
}

/** The tests of the period with their latest result: stands in for the table while its results load. */
function TestList({
  tests,
  selected,
  onSelect,
  pending,
}: {
  tests: readonly LabTest[];
  selected: string | null;
  onSelect: (key: string) => void;
  pending: boolean;
}) {
  const { t } = useI18n();
  return (
    <Stack gap="xs">
      {pending && (
        <Group gap="xs" role="status">
          <Loader size="xs" aria-hidden />
          <Text size="xs" c="dimmed">
            {t('patient.loadingOlder')}
          </Text>
        </Group>
      )}
      {tests.length > 0 && (
        <Table withColumnBorders verticalSpacing={4} horizontalSpacing="xs" fz="sm" data-testid="lab-tests">
          <caption className="visually-hidden">{t('tabs.labs')}</caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('labs.test')}</Table.Th>
              <Table.Th scope="col">{t('labs.unit')}</Table.Th>
              <Table.Th scope="col">{t('tabs.labs')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {tests.map((test) => (
              <Table.Tr key={test.key} bg={test.key === selected ? 'var(--mantine-color-teal-0)' : undefined}>
                <Table.Th scope="row" style={{ whiteSpace: 'nowrap' }}>
                  {test.numeric > 0 ? (
                    <UnstyledButton
                      onClick={() => onSelect(test.key)}
                      aria-pressed={test.key === selected}
                      style={{ textDecoration: 'underline', fontWeight: 600, fontSize: 'inherit' }}
                      data-testid={`lab-test-${test.key.replace(/^(jlac|name):/, '')}`}
                    >
                      {test.name}
                    </UnstyledButton>
                  ) : (
                    test.name
                  )}
                </Table.Th>
                <Table.Td>{test.unit}</Table.Td>
                <Table.Td
                  className={flagClass(test.latest.flag)}
                  style={{ textAlign: 'right', whiteSpace: 'nowrap' }}
                >
                  {test.latest.value}
                  {test.latest.flag ? ` ${test.latest.flag}` : ''}
                  <Text span size="xs" c="dimmed" ml={6}>
                    {westernDate(dayOf(test.latest.date) ?? '')}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

function LabTable({
  columns,
  rows,
  selected,
  onSelect,
}: {
  columns: readonly Column[];
  rows: readonly TestRow[];
  selected: string | null;
  onSelect: (key: string) => void;
}) {
  const { t } = useI18n();
  const [all, setAll] = useState(false);
  const shown = all ? columns : columns.slice(0, COLUMNS);
  return (
    <Stack gap="xs">
      <Table.ScrollContainer minWidth={400} maxHeight={560}>
        <Table
          withColumnBorders
          verticalSpacing={4}
          horizontalSpacing="xs"
          stickyHeader
          fz="sm"
          data-testid="lab-table"
        >
          <caption className="visually-hidden">{t('tabs.labs')}</caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th className="sticky-col" scope="col">
                {t('labs.test')}
              </Table.Th>
              <Table.Th scope="col">{t('labs.unit')}</Table.Th>
              <Table.Th scope="col">{t('labs.range')}</Table.Th>
              {shown.map((c) => (
                <Table.Th key={c.key} scope="col" style={{ whiteSpace: 'nowrap' }}>
                  {westernDate(c.day)}
                  <Text size="xs" c="dimmed" fw={400} lineClamp={1} maw={110}>
                    {c.facilityName}
                  </Text>
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.key} bg={row.key === selected ? 'var(--mantine-color-teal-0)' : undefined}>
                <Table.Th scope="row" className="sticky-col" style={{ whiteSpace: 'nowrap' }}>
                  {row.numeric > 0 ? (
                    <UnstyledButton
                      onClick={() => onSelect(row.key)}
                      aria-pressed={row.key === selected}
                      style={{ textDecoration: 'underline', fontWeight: 600, fontSize: 'inherit' }}
                      data-testid={`lab-test-${row.key.replace(/^(jlac|name):/, '')}`}
                    >
                      {row.name}
                    </UnstyledButton>
                  ) : (
                    row.name
                  )}
                </Table.Th>
                <Table.Td>{row.unit}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{row.range}</Table.Td>
                {shown.map((c) => {
                  const cell = row.cells.get(c.key);
                  if (!cell) return <Table.Td key={c.key} />;
                  return (
                    <Table.Td
                      key={c.key}
                      className={flagClass(cell.flag)}
                      style={{ textAlign: 'right', whiteSpace: 'nowrap' }}
                    >
                      {cell.text}
                      {cell.flag && (
                        <span>
                          {' '}
                          {cell.flag}
                          <span className="visually-hidden">
                            {cell.flag === 'H'
                              ? t('labs.high')
                              : cell.flag === 'L'
                                ? t('labs.low')
                                : t('labs.abnormal')}
                          </span>
                        </span>
                      )}
                    </Table.Td>
                  );
                })}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {columns.length > shown.length && (
        <Button variant="default" size="xs" w="fit-content" onClick={() => setAll(true)}>
          {t('labs.olderColumns', { count: columns.length - shown.length })}
        </Button>
      )}
    </Stack>
  );
}

/** Date columns drawn at first (newest); the chart always uses every result. */
const COLUMNS = 40;
