import { Badge, Group, SegmentedControl, Stack, Text } from '@mantine/core';
import { lazy, Suspense, useMemo, useState } from 'react';
import type { SourcedResource } from '../../api/types';
import { useI18n } from '../../i18n';
import { Loading } from '../../layout/Feedback';
import { dayOf, warekiDate, westernDate } from '../../lib/dates';
import { type CodeableConcept, categoryOf, conceptText } from '../../records/fhir';
import { DataTable, FacilityBadge, facilityColor } from './common';

const EChart = lazy(() => import('../../charts/EChart'));

/** Categories that mean "the patient was there", and their short names on the list. */
const CATEGORY_SHORT: Readonly<Record<string, { ja: string; en: string }>> = {
  'outpatient-visit': { ja: '外来', en: 'Outpatient' },
  admission: { ja: '入院', en: 'Admission' },
  discharge: { ja: '退院', en: 'Discharge' },
  transfer: { ja: '転科・転棟', en: 'Transfer' },
  leave: { ja: '外出・外泊', en: 'Leave' },
  diagnosis: { ja: '病名', en: 'Diagnosis' },
  prescription: { ja: '処方', en: 'Prescription' },
  injection: { ja: '注射', en: 'Injection' },
  'lab-result': { ja: '検査', en: 'Labs' },
  bacteriology: { ja: '細菌', en: 'Bacteriology' },
  radiology: { ja: '放射線', en: 'Radiology' },
  endoscopy: { ja: '内視鏡', en: 'Endoscopy' },
  physiology: { ja: '生理', en: 'Physiology' },
  document: { ja: '文書', en: 'Document' },
};

interface Visit {
  key: string;
  day: string;
  facilityOid: string;
  facilityName: string;
  kinds: string[];
  departments: string[];
  inpatient: boolean;
}

/** 受診歴一覧: one line per (day, facility) where anything was recorded, with what was done. */
function visitsOf(entries: readonly SourcedResource[]): Visit[] {
  const map = new Map<string, Visit>();
  for (const e of entries) {
    const day = dayOf(e.date);
    const category = categoryOf(e);
    if (!day || !category || !(category in CATEGORY_SHORT)) continue;
    const key = `${day}|${e.facilityOid}`;
    let v = map.get(key);
    if (!v) {
      v = {
        key,
        day,
        facilityOid: e.facilityOid,
        facilityName: e.facilityName,
        kinds: [],
        departments: [],
        inpatient: false,
      };
      map.set(key, v);
    }
    if (!v.kinds.includes(category)) v.kinds.push(category);
    if (category === 'admission' || category === 'discharge') v.inpatient = true;
    if (e.resource.resourceType === 'Encounter') {
      const dept = conceptText(e.resource.serviceType as CodeableConcept | undefined);
      if (dept !== '—' && !v.departments.includes(dept)) v.departments.push(dept);
    }
  }
  return [...map.values()].sort(
    (a, b) => b.day.localeCompare(a.day) || a.facilityName.localeCompare(b.facilityName),
  );
}

export function VisitsTab({ entries }: { entries: readonly SourcedResource[] }) {
  const { t, lang } = useI18n();
  const [view, setView] = useState<'list' | 'timeline'>('list');
  const visits = useMemo(() => visitsOf(entries), [entries]);
  const facilities = useMemo(
    () => [...new Map(visits.map((v) => [v.facilityOid, v.facilityName])).entries()],
    [visits],
  );

  const option = useMemo(
    () => ({
      tooltip: {
        trigger: 'item',
        formatter: (p: { data: { value: [string, string]; kinds: string } }) =>
          `${westernDate(p.data.value[0])}<br/>${p.data.value[1]}<br/>${p.data.kinds}`,
      },
      grid: { left: 150, right: 24, top: 16, bottom: 56 },
      xAxis: { type: 'time' },
      yAxis: {
        type: 'category',
        data: facilities.map(([, name]) => name),
        axisLabel: { width: 140, overflow: 'truncate' },
      },
      dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }],
      series: [
        {
          type: 'scatter',
          symbolSize: (_value: [string, string], p: { data: { inpatient: boolean } }) =>
            p.data.inpatient ? 16 : 10,
          data: visits.map((v) => ({
            value: [v.day, v.facilityName],
            kinds: v.kinds.map((k) => CATEGORY_SHORT[k]?.[lang] ?? k).join('・'),
            inpatient: v.inpatient,
            itemStyle: { color: v.inpatient ? '#b3261e' : '#0c8599' },
          })),
        },
      ],
    }),
    [visits, facilities, lang],
  );

  return (
    <Stack gap="md">
      <SegmentedControl
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
          caption={t('tabs.visits')}
          rows={visits}
          rowKey={(v) => v.key}
          columns={[
            {
              key: 'day',
              header: t('patient.date'),
              cell: (v) => (
                <>
                  {westernDate(v.day)}
                  {lang === 'ja' && (
                    <Text size="xs" c="dimmed">
                      {warekiDate(v.day)}
                    </Text>
                  )}
                </>
              ),
            },
            {
              key: 'facility',
              header: t('patient.source'),
              cell: (v) => <FacilityBadge oid={v.facilityOid} name={v.facilityName} />,
            },
            { key: 'dept', header: t('visits.department'), cell: (v) => v.departments.join('、') || '—' },
            {
              key: 'kinds',
              header: t('visits.kind'),
              cell: (v) => (
                <Group gap={4}>
                  {v.kinds.map((k) => (
                    <Badge
                      key={k}
                      size="sm"
                      variant={k === 'admission' ? 'filled' : 'light'}
                      color={k === 'admission' ? 'red' : facilityColor(v.facilityOid)}
                      tt="none"
                    >
                      {CATEGORY_SHORT[k]?.[lang] ?? k}
                    </Badge>
                  ))}
                </Group>
              ),
            },
          ]}
        />
      ) : (
        <Suspense fallback={<Loading />}>
          <EChart
            option={option}
            height={Math.max(200, 70 + facilities.length * 60)}
            label={t('visits.timeline')}
          />
        </Suspense>
      )}
    </Stack>
  );
}
