import {
  Button,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import type { SourcedResource } from '../../api/types';
import EChart, { type ChartOption } from '../../charts/EChart';
import { useI18n } from '../../i18n';
import { dayOf, westernDate } from '../../lib/dates';
import {
  abnormalFlag,
  type Flag,
  observationValue,
  type Quantity,
  referenceRangeText,
  testKey,
} from '../fhir';
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

/** Default chart: HbA1c when present (the follow-up test of diabetes care), else the most frequent numeric test. */
function defaultTest(rows: readonly TestRow[]): string | null {
  const hba1c = rows.find((r) => /hba1c/i.test(r.name.normalize('NFKC')));
  if (hba1c && hba1c.numeric > 0) return hba1c.key;
  const best = [...rows].sort((a, b) => b.numeric - a.numeric)[0];
  return best && best.numeric > 0 ? best.key : null;
}

/** 検体検査結果: the date × test table with abnormal flags, and a line chart per test across facilities. */
export default function LabsTab({ entries }: { entries: readonly SourcedResource[] }) {
  const { t } = useI18n();
  const { columns, rows } = useMemo(() => labTable(entries), [entries]);
  const [chosen, setChosen] = useState<string | null>(null);
  const [view, setView] = useState<'table' | 'chart'>('table');
  // One layout at a time (a five-year table is thousands of cells): side by side from 1200 px.
  const wide = useMediaQuery('(min-width: 75em)', true, { getInitialValueInEffect: false });
  const selected = rows.find((r) => r.key === (chosen ?? defaultTest(rows)));

  const option = useMemo<ChartOption | null>(() => {
    if (!selected) return null;
    const byFacility = new Map<string, { name: string; points: [string, number, Flag][] }>();
    for (const col of columns) {
      const cell = selected.cells.get(col.key);
      if (!cell || cell.number === null) continue;
      const series = byFacility.get(col.facilityOid) ?? { name: col.facilityName, points: [] };
      series.points.push([col.day, cell.number, cell.flag]);
      byFacility.set(col.facilityOid, series);
    }
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 24, top: 40, bottom: 56 },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', name: selected.unit, scale: true },
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
    };
  }, [selected, columns]);

  if (rows.length === 0) return <Text c="dimmed">{t('app.none')}</Text>;

  const chart = (
    <Paper withBorder p="sm" radius="md" data-testid="lab-chart-panel">
      <Title order={3} size="h5" mb="xs">
        {selected ? t('labs.chartOf', { test: selected.name }) : t('labs.chart')}
      </Title>
      {option ? (
        <EChart
          option={option}
          height={300}
          label={t('labs.chartOf', { test: selected?.name ?? '' })}
          testId="lab-chart"
          points={selected ? [...selected.cells.values()].filter((c) => c.number !== null).length : 0}
        />
      ) : (
        <Text c="dimmed">{t('labs.noNumeric')}</Text>
      )}
    </Paper>
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
          <div style={{ flex: '1 1 55%', minWidth: 0 }}>
            <LabTable columns={columns} rows={rows} selected={selected?.key ?? null} onSelect={setChosen} />
          </div>
          <div style={{ flex: '1 1 45%', minWidth: 0, position: 'sticky', top: 70 }}>{chart}</div>
        </Group>
      ) : view === 'table' ? (
        <LabTable
          columns={columns}
          rows={rows}
          selected={selected?.key ?? null}
          onSelect={(key) => {
            setChosen(key);
            setView('chart');
          }}
        />
      ) : (
        chart
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
