import type { SourcedResource } from '../../api/types';
import { useI18n } from '../../i18n';
import { westernDate } from '../../lib/dates';
import { type CodeableConcept, conceptText } from '../../records/fhir';
import { DataTable, FacilityBadge } from './common';

interface Encounter {
  period?: { start?: string; end?: string };
  location?: { location?: { display?: string } }[];
  participant?: { individual?: { display?: string } }[];
  serviceType?: CodeableConcept;
  type?: CodeableConcept[];
}

/** 入退院: admissions, leave, transfers and discharges as the facilities recorded the events. */
export function AdmissionsTab({ entries }: { entries: readonly SourcedResource[] }) {
  const { t } = useI18n();
  const rows = entries.filter((e) => e.resource.resourceType === 'Encounter');
  const enc = (e: SourcedResource) => e.resource as unknown as Encounter;
  return (
    <DataTable
      caption={t('tabs.admissions')}
      rows={rows}
      rowKey={(e) => `${e.facilityOid}/${e.resource.id}`}
      columns={[
        { key: 'date', header: t('patient.date'), cell: (e) => westernDate(e.date) },
        { key: 'event', header: t('admissions.event'), cell: (e) => conceptText(enc(e).type?.[0]) },
        { key: 'admitted', header: t('admissions.admitted'), cell: (e) => westernDate(enc(e).period?.start) },
        {
          key: 'discharged',
          header: t('admissions.discharged'),
          cell: (e) => westernDate(enc(e).period?.end),
        },
        { key: 'dept', header: t('visits.department'), cell: (e) => conceptText(enc(e).serviceType) },
        {
          key: 'ward',
          header: t('admissions.ward'),
          cell: (e) =>
            enc(e)
              .location?.map((l) => l.location?.display)
              .filter(Boolean)
              .join(' ← ') || '—',
        },
        {
          key: 'doctor',
          header: t('admissions.doctor'),
          cell: (e) => enc(e).participant?.[0]?.individual?.display ?? '—',
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
