import { clinicalUnit, compareLabTests, LAB_PANEL_ORDER, type LabPanel, labPanelOf } from '@hie/contract';
import {
  Button,
  Group,
  Loader,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { SourcedResource } from '../../api/types';
import EChart from '../../charts/EChart';
import { type FacilityMarker, facilityMarkers, labChartOption, labSeries } from '../../charts/lab-chart';
import { useI18n } from '../../i18n';
import { Loading } from '../../layout/Feedback';
import { usePrinting } from '../../layout/Print';
import { dayOf, westernDate } from '../../lib/dates';
import type { Flag } from '../../records/fhir';
import { type LabCell, type LabRow, labSheet } from '../../records/lab-table';
import {
  defaultLabTest,
  type LabSummaryAnswer,
  type LabTest,
  type Period,
  useLabSeries,
} from '../../records/records';
import { facilityColor } from './common';
import './labs.css';

const flagClass = (flag: Flag) =>
  flag === 'H' || flag === 'A' ? 'abnormal-high' : flag === 'L' ? 'abnormal-low' : undefined;

const testId = (key: string) => `lab-test-${key.replace(/^(jlac|name):/, '')}`;

/**
 * 検体検査結果: the result sheet (tests grouped by panel in clinical order, days newest first, the
 * values as the laboratory sent them) and the chart of one test across every facility.
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
  const sheet = useMemo(() => labSheet(entries), [entries]);
  const rows = useMemo(() => sheet.groups.flatMap((g) => g.rows), [sheet]);
  const [chosen, setChosen] = useState<string | null>(null);
  const [overlayKey, setOverlayKey] = useState<string | null>(null);
  const [view, setView] = useState<'table' | 'chart'>('table');
  // One layout at a time (a five-year table is thousands of cells): side by side from 1200 px.
  const printing = usePrinting();
  // The screen's layout, kept while printing: the page's narrower print width must not re-render the
  // tab in the middle of printing (Chromium then stops after the first page).
  const screenWide = useMediaQuery('(min-width: 75em)', true, { getInitialValueInEffect: false });
  const wideOnScreen = useRef(screenWide);
  if (!printing) wideOnScreen.current = screenWide;
  const wide = wideOnScreen.current;
  const tests = useMemo(() => summary?.tests ?? [], [summary]);
  const selectedKey = chosen ?? defaultLabTest(tests)?.key ?? (summary ? null : defaultLabTest(rows)?.key);
  const test = tests.find((x) => x.key === selectedKey);
  const row = rows.find((r) => r.key === selectedKey);
  const name = test?.name ?? row?.name ?? '';
  // Results of the chosen test alone; without codes (a test named only locally) the full list serves.
  const series = useLabSeries(personId, test, period);
  const results = test && test.codes.length > 0 ? series.data?.entries : entriesPending ? undefined : entries;
  const overlayTest = tests.find((x) => x.key === overlayKey);
  const overlaySeries = useLabSeries(personId, overlayTest, period);
  const overlayResults =
    overlayTest && overlayTest.codes.length > 0
      ? overlaySeries.data?.entries
      : overlayKey
        ? entries
        : undefined;

  // Every facility of the period gets one marker (shape and colour) for the table and the chart alike.
  const markers = useMemo(() => {
    const names = new Map<string, string>();
    for (const x of tests) names.set(x.latest.facilityOid, x.latest.facilityName);
    for (const f of sheet.facilities) names.set(f.oid, f.name);
    for (const e of results ?? []) names.set(e.facilityOid, e.facilityName);
    for (const x of tests) for (const oid of x.facilities) if (!names.has(oid)) names.set(oid, oid);
    const ordered = [...names].map(([oid, n]) => ({ oid, name: n })).sort((a, b) => (a.oid < b.oid ? -1 : 1));
    return facilityMarkers(ordered, facilityColor);
  }, [tests, sheet, results]);

  const chart = useMemo(() => {
    if (!selectedKey || !results) return null;
    const visible = (list: readonly SourcedResource[]) =>
      list.filter((e) => !hiddenFacilities.includes(e.facilityOid));
    const main = labSeries(visible(results), selectedKey);
    if (!main) return null;
    const overlay = overlayKey && overlayResults ? labSeries(visible(overlayResults), overlayKey) : null;
    const option = labChartOption({
      main,
      overlay,
      markers,
      labels: {
        range: t('labs.rangeBand'),
        flag: (flag) => (flag === 'H' ? t('labs.high') : flag === 'L' ? t('labs.low') : t('labs.abnormal')),
      },
    });
    const shown = new Set(main.points.map((p) => p.facilityOid));
    return { option, points: main.points.length, facilities: markers.filter((m) => shown.has(m.oid)) };
  }, [results, selectedKey, overlayKey, overlayResults, hiddenFacilities, markers, t]);
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

  // The second test of the chart: any other test with numbers, by panel.
  const overlayChoices = LAB_PANEL_ORDER.map((panel) => ({
    group: t(`labs.panels.${panel}`),
    items: (tests.length > 0 ? tests : rows)
      .filter((x) => x.key !== selectedKey && x.numeric > 0 && panelOf(x) === panel)
      .map((x) => ({ value: x.key, label: x.name })),
  })).filter((g) => g.items.length > 0);

  const chartPanel = (
    <Paper withBorder p="sm" radius="md" data-testid="lab-chart-panel">
      <Group justify="space-between" align="flex-end" mb="xs" wrap="wrap" gap="xs">
        <Title order={3} size="h5">
          {name ? t('labs.chartOf', { test: name }) : t('labs.chart')}
        </Title>
        {overlayChoices.length > 0 && (
          <Select
            size="xs"
            w={200}
            label={t('labs.overlay')}
            placeholder={t('labs.overlayNone')}
            data={overlayChoices}
            value={overlayKey}
            onChange={setOverlayKey}
            clearable
            searchable
            data-testid="lab-overlay"
          />
        )}
      </Group>
      {chart ? (
        <>
          <EChart
            option={chart.option}
            height={300}
            label={t('labs.chartOf', { test: name })}
            testId="lab-chart"
            points={chart.points}
          />
          {chart.facilities.length > 0 && <MarkerLegend markers={chart.facilities} />}
        </>
      ) : waiting || (selectedKey && !results) || (overlayKey && !overlayResults) ? (
        <Loading />
      ) : (
        <Text c="dimmed">{t('labs.noNumeric')}</Text>
      )}
    </Paper>
  );

  const select = (key: string) => {
    setChosen(key);
    if (overlayKey === key) setOverlayKey(null);
    if (!wide) setView('chart');
  };
  const table =
    entriesPending && rows.length === 0 ? (
      <TestList tests={tests} selected={selectedKey ?? null} onSelect={select} pending />
    ) : (
      <LabSheetTable
        days={sheet.days}
        dayFacilities={sheet.dayFacilities}
        groups={sheet.groups}
        markers={sheet.facilities.length > 1 ? markers : []}
        selected={selectedKey ?? null}
        onSelect={select}
      />
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
      {printing ? (
        // On paper the sheet, whatever the screen showed (the chart is printed from its own view).
        table
      ) : wide ? (
        <Group align="flex-start" gap="md" wrap="nowrap">
          <div style={{ flex: '62 1 0', minWidth: 0 }}>{table}</div>
          {/* Not sticky: the sheet scrolls in its own frame, and the patient's header holds the top. */}
          <div style={{ flex: '38 1 0', minWidth: 0 }}>{chartPanel}</div>
        </Group>
      ) : view === 'table' ? (
        table
      ) : (
        chartPanel
      )}
    </Stack>
  );
}

/** The panel from the JLAC10 code (the same table as the hub's order, whatever the hub answered). */
const panelOf = (x: { jlac10: string | null }): LabPanel => labPanelOf(x.jlac10).panel;

function MarkerLegend({ markers }: { markers: readonly FacilityMarker[] }) {
  const { t } = useI18n();
  return (
    <Group gap="md" mt={4} role="list" aria-label={t('labs.facilityMarks')} data-testid="lab-facility-legend">
      {markers.map((m) => (
        <Text key={m.oid} size="xs" role="listitem">
          <span aria-hidden style={{ color: m.color, marginRight: 4 }}>
            {m.glyph}
          </span>
          {m.name}
        </Text>
      ))}
    </Group>
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
  const sorted = [...tests].sort(compareLabTests);
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
      {sorted.length > 0 && (
        <div className="lab-scroll">
          <table className="lab-table" data-testid="lab-tests">
            <caption className="visually-hidden">{t('tabs.labs')}</caption>
            <thead>
              <tr>
                <th scope="col" className="lab-name">
                  {t('labs.test')}
                </th>
                <th scope="col" className="lab-unit">
                  {t('labs.unit')}
                </th>
                <th scope="col">{t('tabs.labs')}</th>
              </tr>
            </thead>
            {LAB_PANEL_ORDER.map((panel) => {
              const list = sorted.filter((x) => panelOf(x) === panel);
              if (list.length === 0) return null;
              return (
                <tbody key={panel}>
                  <tr className="lab-group">
                    <th colSpan={3} scope="rowgroup">
                      <span className="lab-group-label">{t(`labs.panels.${panel}`)}</span>
                    </th>
                  </tr>
                  {list.map((test) => (
                    <tr key={test.key} className={test.key === selected ? 'lab-selected' : undefined}>
                      <TestCells test={test} selected={selected} onSelect={onSelect} />
                      <td className={`lab-value ${flagClass(test.latest.flag) ?? ''}`}>
                        {test.latest.value}
                        {test.latest.flag ? ` ${test.latest.flag}` : ''}
                        <Text span size="xs" c="dimmed" ml={6}>
                          {westernDate(dayOf(test.latest.date) ?? '')}
                        </Text>
                      </td>
                    </tr>
                  ))}
                </tbody>
              );
            })}
          </table>
        </div>
      )}
    </Stack>
  );
}

/** A test's name (a button that charts it, when it has numbers) and its unit: the sheet's first columns. */
function TestCells({
  test,
  selected,
  onSelect,
}: {
  test: { key: string; name: string; unit: string; numeric: number };
  selected: string | null;
  onSelect: (key: string) => void;
}) {
  return (
    <>
      <th scope="row" className="lab-name">
        <TestName
          name={test.name}
          testKey={test.key}
          chartable={test.numeric > 0}
          selected={test.key === selected}
          onSelect={onSelect}
        />
      </th>
      <td className="lab-unit">
        <UnitText unit={test.unit} />
      </td>
    </>
  );
}

function TestName({
  name,
  testKey,
  chartable,
  selected,
  onSelect,
}: {
  name: string;
  testKey: string;
  chartable: boolean;
  selected: boolean;
  onSelect: (key: string) => void;
}) {
  if (!chartable) return <>{name}</>;
  return (
    <UnstyledButton
      onClick={() => onSelect(testKey)}
      aria-pressed={selected}
      className="lab-test-button print-text"
      data-testid={testId(testKey)}
    >
      {name}
    </UnstyledButton>
  );
}

/** The unit as clinicians write it; the unit as sent in the tooltip when they differ. */
function UnitText({ unit }: { unit: string }) {
  const { t } = useI18n();
  const shown = clinicalUnit(unit);
  if (shown === unit) return <>{unit}</>;
  return <span title={t('labs.sentUnit', { unit })}>{shown}</span>;
}

interface SheetProps {
  dayFacilities: ReadonlyMap<string, readonly string[]>;
  groups: readonly { panel: LabPanel; rows: LabRow[] }[];
  /**
   * Facility markers when results come from more than one facility: under each day's date, and in a
   * cell only when that day mixes facilities.
   */
  markers: readonly FacilityMarker[];
  selected: string | null;
  onSelect: (key: string) => void;
}

function LabSheetTable({ days, ...sheet }: SheetProps & { days: readonly string[] }) {
  const { t } = useI18n();
  const printing = usePrinting();
  const [all, setAll] = useState(false);
  const shown = all ? days : days.slice(0, COLUMNS);
  return (
    <Stack gap="xs">
      {sheet.markers.length > 0 && <MarkerLegend markers={sheet.markers} />}
      {printing ? (
        // On paper the test, unit and range columns repeat beside each few days: an A4 page holds
        // PRINT_COLUMNS dates, and a wider table would be cut at the right edge.
        chunk(shown, PRINT_COLUMNS).map((part) => (
          <section key={part[0]} className="lab-print-part" aria-label={t('tabs.labs')}>
            <Text size="sm" fw={600}>
              {t('labs.printedDays', {
                from: westernDate(part.at(-1) ?? ''),
                to: westernDate(part[0] ?? ''),
              })}
            </Text>
            <LabGrid days={part} {...sheet} />
          </section>
        ))
      ) : (
        <section className="lab-scroll" aria-label={t('tabs.labs')} data-testid="lab-table-scroll">
          <LabGrid days={shown} {...sheet} />
        </section>
      )}
      {days.length > shown.length && (
        <Button variant="default" size="xs" w="fit-content" className="no-print" onClick={() => setAll(true)}>
          {t('labs.olderColumns', { count: days.length - shown.length })}
        </Button>
      )}
    </Stack>
  );
}

const chunk = <T,>(list: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));

function LabGrid({
  days,
  dayFacilities,
  groups,
  markers,
  selected,
  onSelect,
}: SheetProps & { days: readonly string[] }) {
  const { t } = useI18n();
  const byOid = new Map(markers.map((m) => [m.oid, m]));
  const flagText = (flag: Flag) =>
    flag === 'H' ? t('labs.high') : flag === 'L' ? t('labs.low') : t('labs.abnormal');
  return (
    <table className="lab-table" data-testid="lab-table">
      <caption className="visually-hidden">{t('tabs.labs')}</caption>
      <thead>
        <tr>
          <th scope="col" className="lab-name">
            {t('labs.test')}
          </th>
          <th scope="col" className="lab-unit">
            {t('labs.unit')}
          </th>
          <th scope="col" className="lab-range">
            {t('labs.range')}
          </th>
          {days.map((day) => {
            const from = (dayFacilities.get(day) ?? []).flatMap((oid) => byOid.get(oid) ?? []);
            return (
              <th
                key={day}
                scope="col"
                className="lab-day"
                data-day={day}
                title={from.map((m) => m.name).join('、')}
              >
                <span className="lab-year">{day.slice(0, 4)}</span>
                <span className="visually-hidden">/</span>
                {day.slice(5).replace('-', '/')}
                {from.length > 0 && (
                  <span className="lab-day-marks">
                    {from.map((m) => (
                      <span key={m.oid} aria-hidden style={{ color: m.color }}>
                        {m.glyph}
                      </span>
                    ))}
                    <span className="visually-hidden">（{from.map((m) => m.name).join('、')}）</span>
                  </span>
                )}
              </th>
            );
          })}
        </tr>
      </thead>
      {groups.map((group) => (
        <tbody key={group.panel} data-panel={group.panel}>
          <tr className="lab-group">
            <th colSpan={3 + days.length} scope="rowgroup" data-testid="lab-group">
              <span className="lab-group-label">{t(`labs.panels.${group.panel}`)}</span>
            </th>
          </tr>
          {group.rows.map((row) => (
            <tr
              key={row.key}
              className={row.key === selected ? 'lab-selected' : undefined}
              data-testid={`lab-row-${row.key.replace(/^(jlac|name):/, '')}`}
            >
              <TestCells test={row} selected={selected} onSelect={onSelect} />
              <td className="lab-range">{row.range}</td>
              {days.map((day) => (
                <Cell
                  key={day}
                  cells={row.cells.get(day)}
                  row={row}
                  byOid={(dayFacilities.get(day)?.length ?? 0) > 1 ? byOid : NO_MARKERS}
                  flagText={flagText}
                />
              ))}
            </tr>
          ))}
        </tbody>
      ))}
    </table>
  );
}

/** One day of one test: every result of the day, each with its facility's marker and flag. */
function Cell({
  cells,
  row,
  byOid,
  flagText,
}: {
  cells: readonly LabCell[] | undefined;
  row: LabRow;
  byOid: ReadonlyMap<string, FacilityMarker>;
  flagText: (flag: Flag) => string;
}) {
  const { t } = useI18n();
  if (!cells) return <td className="lab-value" />;
  const flagged = cells.find((c) => c.flag)?.flag ?? null;
  return (
    <td className={`lab-value ${flagged === 'L' ? 'lab-low-cell' : flagged ? 'lab-high-cell' : ''}`}>
      {cells.map((cell, i) => {
        const marker = byOid.get(cell.facilityOid);
        // What differs from the row (another facility's range or unit) is shown, never dropped.
        const otherUnit = cell.unit && cell.unit !== row.unit ? cell.shownUnit || cell.unit : '';
        const tip = [
          cell.facilityName,
          cell.range ? t('labs.rangeOf', { range: cell.range }) : '',
          cell.unit && cell.shownUnit !== cell.unit ? t('labs.sentUnit', { unit: cell.unit }) : '',
        ]
          .filter(Boolean)
          .join(' · ');
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: a day's results have no id of their own here
          <div key={i} title={tip} className={flagClass(cell.flag)} data-value={cell.text}>
            {marker && (
              <span aria-hidden className="lab-marker" style={{ color: marker.color }}>
                {marker.glyph}
              </span>
            )}
            {cell.text}
            {otherUnit && <span className="lab-other-unit"> {otherUnit}</span>}
            {cell.flag && (
              <span>
                {' '}
                {cell.flag}
                <span className="visually-hidden">{flagText(cell.flag)}</span>
              </span>
            )}
            {marker && <span className="visually-hidden">（{cell.facilityName}）</span>}
          </div>
        );
      })}
    </td>
  );
}

const NO_MARKERS: ReadonlyMap<string, FacilityMarker> = new Map();

/** Date columns drawn at first (newest); the chart always uses every result. */
const COLUMNS = 40;
/** Date columns beside the test, unit and range columns on one A4 portrait page. */
const PRINT_COLUMNS = 8;
