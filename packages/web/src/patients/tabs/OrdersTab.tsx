import type { SourcedResource } from '../../api/types';
import { useI18n } from '../../i18n';
import { westernDate } from '../../lib/dates';
import { type CodeableConcept, conceptText, referenceDisplay } from '../../records/fhir';
import { DataTable, FacilityBadge } from './common';

/** Orders (検体・放射線・内視鏡・生理検査、食事): what was asked for, when, by whom. */
export function OrdersTab({ entries }: { entries: readonly SourcedResource[] }) {
  const { t } = useI18n();
  const rows = entries.filter(
    (e) => e.resource.resourceType === 'ServiceRequest' || e.resource.resourceType === 'NutritionOrder',
  );
  return (
    <DataTable
      caption={t('tabs.orders')}
      rows={rows}
      rowKey={(e) => `${e.facilityOid}/${e.resource.id}`}
      columns={[
        {
          key: 'date',
          header: t('orders.requested'),
          cell: (e) => westernDate((e.resource.authoredOn as string) ?? e.date),
        },
        {
          key: 'scheduled',
          header: t('orders.scheduled'),
          cell: (e) => westernDate(e.resource.occurrenceDateTime as string),
        },
        {
          key: 'kind',
          header: t('orders.kind'),
          cell: (e) => conceptText((e.resource.category as CodeableConcept[] | undefined)?.[0]),
        },
        {
          key: 'item',
          header: t('orders.item'),
          cell: (e) => conceptText(e.resource.code as CodeableConcept),
        },
        {
          key: 'requester',
          header: t('orders.requester'),
          cell: (e) => referenceDisplay(e.resource.requester) || '—',
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
