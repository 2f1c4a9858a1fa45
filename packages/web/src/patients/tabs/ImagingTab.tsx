import { Text } from '@mantine/core';
import type { SourcedResource } from '../../api/types';
import { useI18n } from '../../i18n';
import { westernDate } from '../../lib/dates';
import { type CodeableConcept, conceptText, observationValue } from '../../records/fhir';
import { DataTable, FacilityBadge } from './common';

function summary(e: SourcedResource): string {
  const r = e.resource;
  if (r.resourceType === 'DiagnosticReport')
    return (r.conclusion as string | undefined) ?? conceptText(r.code as CodeableConcept);
  if (r.resourceType === 'ImagingStudy') {
    const series = (r.series as { modality?: { code?: string }; description?: string }[] | undefined) ?? [];
    return (
      [r.description as string | undefined, ...series.map((s) => s.modality?.code)]
        .filter(Boolean)
        .join(' / ') || '—'
    );
  }
  if (r.resourceType === 'Observation') return observationValue(r).text;
  return '—';
}

/** Radiology, endoscopy and physiology results: reports, studies and their findings. */
export function ImagingTab({ entries }: { entries: readonly SourcedResource[] }) {
  const { t } = useI18n();
  return (
    <DataTable
      caption={t('tabs.imaging')}
      rows={entries}
      rowKey={(e) => `${e.facilityOid}/${e.resource.resourceType}/${e.resource.id}`}
      columns={[
        { key: 'date', header: t('patient.date'), cell: (e) => westernDate(e.date) },
        {
          key: 'name',
          header: t('orders.item'),
          cell: (e) =>
            conceptText(
              (e.resource.code as CodeableConcept | undefined) ?? { text: e.resource.resourceType },
            ),
        },
        {
          key: 'summary',
          header: t('docs.title'),
          cell: (e) => (
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {summary(e)}
            </Text>
          ),
        },
        {
          key: 'facility',
          header: t('patient.source'),
          cell: (e) => <FacilityBadge oid={e.facilityOid} name={e.facilityName} />,
        },
      ]}
    />
  );
}
