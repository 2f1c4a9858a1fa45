import { Badge, Group, SegmentedControl, Stack, Text, Tooltip } from '@mantine/core';
import { lazy, Suspense, useMemo, useState } from 'react';
import type { SourcedResource } from '../../api/types';
import { useI18n } from '../../i18n';
import { Loading } from '../../layout/Feedback';
import { todayInJapan, warekiDate, westernDate } from '../../lib/dates';
import { type VisitRow, visitsOf } from '../../records/stays';
import { DataTable, FacilityBadge, facilityColor } from './common';
import { lengthText, spanText } from './stayText';

const EChart = lazy(() => import('../../charts/EChart'));

/** What was recorded during a visit or stay, by category: short names for the badges. */
const CATEGORY_SHORT: Readonly<Record<string, { ja: string; en: string }>> = {
  diagnosis: { ja: '病名', en: 'Diagnosis' },
  prescription: { ja: '処方', en: 'Prescription' },
  injection: { ja: '注射', en: 'Injection' },
  'lab-result': { ja: '検査', en: 'Labs' },
  bacteriology: { ja: '細菌', en: 'Bacteriology' },
  radiology: { ja: '画像', en: 'Imaging' },
  endoscopy: { ja: '内視鏡', en: 'Endoscopy' },
  physiology: { ja: '生理', en: 'Physiology' },
  document: { ja: '文書', en: 'Document' },
  order: { ja: 'オーダ', en: 'Order' },
  diet: { ja: '食事', en: 'Diet' },
};

/** The badge a record category gets: the orders (検体・放射線・内視鏡・生理) are one kind here. */
const badgeOf = (category: string): string | null => {
  const kind = category.endsWith('-order') ? 'order' : category;
  return kind in CATEGORY_SHORT ? kind : null;
};

const KIND_COLOR = { outpatient: '#0c8599', stay: '#b3261e', records: '#868e96' } as const;

type T = ReturnType<typeof useI18n>['t'];
type Lang = ReturnType<typeof useI18n>['lang'];
const shortOf = (lang: Lang, kind: string) => CATEGORY_SHORT[kind]?.[lang] ?? kind;
/** The row's kinds as badges: each once, in first-seen order, unknown categories left out. */
const badgesOf = (v: VisitRow) => [...new Set(v.kinds.map(badgeOf).filter((k): k is string => k !== null))];
const kindLabelOf = (t: T, v: VisitRow) =>
  v.kind === 'outpatient'
    ? t('episodes.outpatient')
    : v.kind === 'stay'
      ? t('episodes.stay')
      : t('episodes.recordsOnly');

/**
 * 受診歴: outpatient visits (one row per facility and day, from the outpatient receptions), one row
 * per hospital stay, and days with records but no reception (records/stays.ts `visitsOf`). Inpatient
 * days are part of their stay, never outpatient visits. `entries`: the visit list's Encounters and the
 * other tabs' records (what was done at each visit).
 */
export function VisitsTab({ entries }: { entries: readonly SourcedResource[] }) {
  const { t, lang } = useI18n();
  const [view, setView] = useState<'list' | 'timeline'>('list');
  const today = todayInJapan();
  const rows = useMemo(() => visitsOf(entries, today), [entries, today]);
  const short = (kind: string) => shortOf(lang, kind);
  const kindLabel = (v: VisitRow) => kindLabelOf(t, v);

  return (
    <Stack gap="md">
      <SegmentedControl
        className="no-print"
        w="fit-content"
        value={view}
        onChange={(v) => setView(v === 'timeline' ? 'timeline' : 'list')}
        data={[
          { value: 'list', label: t('visits.list') },
          { value: 'timeline', label: t('visits.timeline') },
        ]}
      />
      {view === 'list' ? (
        <DataTable
          caption={t('episodes.visitsCaption')}
          rows={rows}
          rowKey={(v) => v.key}
          testId={(v) => `visit-${v.kind}`}
          columns={[
            {
              key: 'day',
              header: t('episodes.date'),
              cell: (v) =>
                v.kind === 'stay' ? (
                  <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {spanText(t, v.day, v.endDay)}
                  </Text>
                ) : (
                  <>
                    <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                      {westernDate(v.day)}
                    </Text>
                    {lang === 'ja' && (
                      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                        {warekiDate(v.day)}
                      </Text>
                    )}
                  </>
                ),
            },
            {
              key: 'kind',
              header: t('episodes.kind'),
              cell: (v) => (
                <Stack gap={2} align="flex-start">
                  <Tooltip label={t('episodes.recordsOnlyHint')} disabled={v.kind !== 'records'} withArrow>
                    <Badge
                      size="sm"
                      tt="none"
                      variant={v.kind === 'records' ? 'outline' : 'light'}
                      color={v.kind === 'stay' ? 'red' : v.kind === 'outpatient' ? 'cyan' : 'gray'}
                      styles={{
                        label: {
                          color:
                            v.kind === 'stay'
                              ? 'var(--mantine-color-red-9)'
                              : v.kind === 'outpatient'
                                ? 'var(--mantine-color-cyan-9)'
                                : 'var(--mantine-color-dark-6)',
                        },
                      }}
                    >
                      {kindLabel(v)}
                    </Badge>
                  </Tooltip>
                  {v.kind === 'stay' && v.stay && (
                    <Text size="xs" style={{ whiteSpace: 'nowrap' }}>
                      {v.stay.status === 'admitted' ? `${t('episodes.inHospital')} ` : ''}
                      {lengthText(t, v.stay, today)}
                    </Text>
                  )}
                </Stack>
              ),
            },
            {
              key: 'facility',
              header: t('patient.source'),
              cell: (v) => <FacilityBadge oid={v.facilityOid} name={v.facilityName} />,
            },
            {
              key: 'dept',
              header: t('episodes.department'),
              cell: (v) => (v.kind === 'stay' ? v.departments.join(' → ') : v.departments.join('、')) || '—',
            },
            {
              key: 'records',
              header: t('episodes.records'),
              cell: (v) =>
                badgesOf(v).length === 0 ? (
                  '—'
                ) : (
                  <Group gap={4}>
                    {badgesOf(v).map((k) => (
                      <Badge
                        key={k}
                        size="sm"
                        variant="light"
                        color={facilityColor(v.facilityOid)}
                        tt="none"
                        styles={{ label: { color: 'var(--mantine-color-dark-7)' } }}
                      >
                        {short(k)}
                      </Badge>
                    ))}
                  </Group>
                ),
            },
          ]}
        />
      ) : (
        <Timeline rows={rows} />
      )}
    </Stack>
  );
}

function Timeline({ rows }: { rows: readonly VisitRow[] }) {
  const { t, lang } = useI18n();
  const today = todayInJapan();
  const facilities = useMemo(
    () => [...new Map(rows.map((v) => [v.facilityOid, v.facilityName])).values()],
    [rows],
  );
  const option = useMemo(() => {
    const tip = (v: VisitRow) =>
      [
        v.kind === 'stay' ? spanText(t, v.day, v.endDay) : westernDate(v.day),
        `${v.facilityName}　${kindLabelOf(t, v)}${v.stay ? `　${lengthText(t, v.stay, today)}` : ''}`,
        v.departments.join('、'),
        badgesOf(v)
          .map((k) => shortOf(lang, k))
          .join('・'),
      ]
        .filter(Boolean)
        .join('<br/>');
    const dots = (kind: 'outpatient' | 'records') => ({
      type: 'scatter',
      name: kind,
      symbolSize: kind === 'outpatient' ? 10 : 8,
      data: rows
        .filter((v) => v.kind === kind)
        .map((v) => ({
          value: [v.day, v.facilityName],
          tip: tip(v),
          itemStyle:
            kind === 'outpatient'
              ? { color: KIND_COLOR.outpatient }
              : { color: '#fff', borderColor: KIND_COLOR.records, borderWidth: 1.5 },
        })),
    });
    // A stay is a bar from admission to discharge (or today): a two-point line, thick.
    const stays = rows
      .filter((v) => v.kind === 'stay')
      .map((v) => ({
        type: 'line',
        name: 'stay',
        symbol: 'rect',
        symbolSize: [3, 16],
        lineStyle: { width: 12, color: KIND_COLOR.stay, cap: 'butt' },
        itemStyle: { color: KIND_COLOR.stay },
        data: [
          { value: [v.day, v.facilityName], tip: tip(v) },
          { value: [v.endDay ?? today, v.facilityName], tip: tip(v) },
        ],
        z: 3,
      }));
    return {
      tooltip: {
        trigger: 'item',
        formatter: (p: { data: { tip: string } }) => p.data.tip,
      },
      grid: { left: 150, right: 24, top: 16, bottom: 56 },
      xAxis: {
        type: 'time',
        // Numeric dates: echarts' own labels would be English month names.
        axisLabel: {
          formatter: { year: '{yyyy}', month: '{yyyy}/{MM}', day: '{MM}/{dd}' },
          hideOverlap: true,
        },
      },
      yAxis: { type: 'category', data: facilities, axisLabel: { width: 140, overflow: 'truncate' } },
      dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }],
      series: [dots('records'), dots('outpatient'), ...stays],
    };
  }, [rows, facilities, lang, t, today]);

  return (
    <Stack gap={4}>
      <Suspense fallback={<Loading />}>
        <EChart
          option={option}
          height={Math.max(200, 70 + facilities.length * 60)}
          label={t('visits.timeline')}
          testId="visits-timeline"
          points={rows.length}
        />
      </Suspense>
      <Group gap="md" aria-hidden>
        {(
          [
            ['●', KIND_COLOR.outpatient, t('episodes.outpatient')],
            ['▬', KIND_COLOR.stay, t('episodes.stay')],
            ['○', KIND_COLOR.records, t('episodes.recordsOnly')],
          ] as const
        ).map(([glyph, color, label]) => (
          <Text key={label} size="xs">
            <span style={{ color }}>{glyph}</span> {label}
          </Text>
        ))}
      </Group>
    </Stack>
  );
}
