import { Badge, Stack, Table, Text, Title } from '@mantine/core';
import { useI18n } from '../i18n/index';
import { ErrorAlert, Loading } from '../layout/Feedback';
import { westernDate, westernDateTime } from '../lib/dates';
import { useOfficeCabinets } from './core/api';

const CONSENT_STATUSES = ['active', 'in-effect', 'withdrawn', 'expired', 'none'] as const;

/** The office's view of the cabinets: how they are used, never whose they are or what they say. */
export default function OfficeCabinetsPage() {
  const { t } = useI18n();
  const cabinets = useOfficeCabinets();
  const consentText = (status: string) => {
    const known = CONSENT_STATUSES.find((s) => s === status);
    return known ? t(`cabinet.office.consentStatus.${known}`) : status;
  };
  return (
    <Stack gap="md">
      <div>
        <Title order={1} size="h2">
          {t('cabinet.office.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('cabinet.office.hint')}
        </Text>
      </div>
      {cabinets.isPending ? (
        <Loading />
      ) : cabinets.isError ? (
        <ErrorAlert error={cabinets.error} onRetry={() => void cabinets.refetch()} />
      ) : cabinets.data.length === 0 ? (
        <Text c="dimmed">{t('cabinet.office.none')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table striped highlightOnHover verticalSpacing="xs" data-testid="office-cabinets">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('cabinet.office.id')}</Table.Th>
                <Table.Th>{t('cabinet.office.group')}</Table.Th>
                <Table.Th>{t('cabinet.office.owner')}</Table.Th>
                <Table.Th>{t('cabinet.office.status')}</Table.Th>
                <Table.Th ta="right">{t('cabinet.office.members')}</Table.Th>
                <Table.Th ta="right">{t('cabinet.office.posts')}</Table.Th>
                <Table.Th>{t('cabinet.office.consent')}</Table.Th>
                <Table.Th>{t('cabinet.office.opened')}</Table.Th>
                <Table.Th>{t('cabinet.office.lastPost')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {cabinets.data.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>
                    <Text size="xs" ff="monospace" title={c.id}>
                      {c.id.slice(0, 8)}
                    </Text>
                  </Table.Td>
                  <Table.Td>{c.groupName}</Table.Td>
                  <Table.Td>{c.ownerFacilityName}</Table.Td>
                  <Table.Td>
                    <Badge color={c.status === 'open' ? 'teal' : 'gray'} variant="light">
                      {c.status === 'open' || c.status === 'closed'
                        ? t(`cabinet.status.${c.status}`)
                        : c.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td ta="right">{c.members}</Table.Td>
                  <Table.Td ta="right">{c.posts}</Table.Td>
                  <Table.Td>{consentText(c.consentStatus)}</Table.Td>
                  <Table.Td>{westernDate(c.openedAt)}</Table.Td>
                  <Table.Td>{c.lastPostAt ? westernDateTime(c.lastPostAt) : '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
