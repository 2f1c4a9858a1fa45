import { Badge, Group, Switch } from '@mantine/core';
import { useMemo, useState } from 'react';
import type { SourcedResource } from '../../api/types';
import { useI18n } from '../../i18n';
import { westernDate } from '../../lib/dates';
import { type CodeableConcept, conceptText } from '../../records/fhir';
import { DataTable, FacilityBadge } from './common';

type Status = 'active' | 'resolved' | 'inactive';

function statusOf(e: SourcedResource): Status {
  const code = (e.resource.clinicalStatus as CodeableConcept | undefined)?.coding?.[0]?.code;
  return code === 'resolved'
    ? 'resolved'
    : code === 'inactive' || code === 'remission'
      ? 'inactive'
      : 'active';
}

const suspected = (e: SourcedResource) =>
  (e.resource.verificationStatus as CodeableConcept | undefined)?.coding?.[0]?.code === 'provisional';

const deleted = (e: SourcedResource) =>
  (e.resource.verificationStatus as CodeableConcept | undefined)?.coding?.[0]?.code === 'entered-in-error';

/** 病名: active first, then by start date, newest first; ended ones on request. */
export function DiagnosesTab({ entries }: { entries: readonly SourcedResource[] }) {
  const { t } = useI18n();
  const [showEnded, setShowEnded] = useState(true);
  const rows = useMemo(() => {
    const list = entries.filter((e) => e.resource.resourceType === 'Condition' && !deleted(e));
    return list
      .filter((e) => showEnded || statusOf(e) === 'active')
      .sort((a, b) => {
        const sa = statusOf(a) === 'active' ? 0 : 1;
        const sb = statusOf(b) === 'active' ? 0 : 1;
        if (sa !== sb) return sa - sb;
        return String(onset(b) ?? '').localeCompare(String(onset(a) ?? ''));
      });
  }, [entries, showEnded]);
  return (
    <>
      <Switch
        mb="sm"
        label={t('diagnoses.showEnded')}
        checked={showEnded}
        onChange={(e) => setShowEnded(e.currentTarget.checked)}
      />
      <DataTable
        caption={t('tabs.diagnoses')}
        rows={rows}
        rowKey={(e) => `${e.facilityOid}/${e.resource.id}`}
        columns={[
          {
            key: 'name',
            header: t('diagnoses.name'),
            cell: (e) => (
              <Group gap={6}>
                <span>{conceptText(e.resource.code as CodeableConcept)}</span>
                {suspected(e) && (
                  <Badge size="xs" color="yellow" variant="light">
                    {t('diagnoses.suspected')}
                  </Badge>
                )}
              </Group>
            ),
          },
          { key: 'onset', header: t('diagnoses.onset'), cell: (e) => westernDate(onset(e)) },
          {
            key: 'end',
            header: t('diagnoses.end'),
            cell: (e) => westernDate(e.resource.abatementDateTime as string | undefined),
          },
          {
            key: 'status',
            header: t('diagnoses.status'),
            cell: (e) => {
              const s = statusOf(e);
              return (
                <Badge
                  size="sm"
                  variant={s === 'active' ? 'filled' : 'outline'}
                  color={s === 'active' ? 'teal' : 'gray'}
                >
                  {t(`diagnoses.${s}`)}
                </Badge>
              );
            },
          },
          {
            key: 'facility',
            header: t('patient.source'),
            cell: (e) => <FacilityBadge oid={e.facilityOid} name={e.facilityName} />,
          },
        ]}
      />
    </>
  );
}

const onset = (e: SourcedResource) =>
  (e.resource.onsetDateTime as string | undefined) ??
  (e.resource.recordedDate as string | undefined) ??
  e.date;
