import { Alert, Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import type { SourcedResource } from '../../api/types';
import { useI18n } from '../../i18n';
import { usePrinting } from '../../layout/Print';
import { monthWithWareki } from '../../lib/dates';
import { type ClaimGroup, claimGroups } from '../../records/dispensings';
import { FacilityBadge } from './common';

const PAGE = 24;

function ClaimCard({ group }: { group: ClaimGroup }) {
  const { t, lang } = useI18n();
  const month = monthWithWareki(group.month, lang);
  return (
    <Paper withBorder p="sm" radius="md" component="article" data-testid="claim-card">
      <Group justify="space-between" mb="xs" align="flex-start">
        <Group gap="sm">
          <Title order={3} size="h5">
            {group.fromClaim ? t('claims.month', { month }) : month}
          </Title>
          <FacilityBadge oid={group.facilityOid} name={group.facilityName} />
          {group.setting && (
            <Badge size="sm" variant="outline" color="gray" radius="sm" tt="none">
              {t(group.setting === 'inpatient' ? 'claims.inpatient' : 'claims.outpatient')}
            </Badge>
          )}
          {!group.fromClaim && (
            <Badge size="sm" variant="outline" color="blue" radius="sm" tt="none">
              {t('claims.notClaim')}
            </Badge>
          )}
        </Group>
        <Stack gap={0} align="flex-end">
          {group.institution && group.institution !== group.facilityName && (
            <Text size="xs">
              {t('claims.institution')}: {group.institution}
            </Text>
          )}
          {group.fromClaim && group.billedMonth && (
            <Text size="xs" c="dimmed">
              {t('claims.billed', { month: monthWithWareki(group.billedMonth, lang) })}
            </Text>
          )}
        </Stack>
      </Group>
      {group.claimNote && (
        <Text size="xs" c="dimmed" mb={4} data-testid="claim-note">
          {group.claimNote}
        </Text>
      )}
      <Table.ScrollContainer minWidth={600}>
        <Table verticalSpacing={4} withRowBorders={false} striped>
          <caption className="visually-hidden">
            {t('claims.caption', { month, facility: group.institution ?? group.facilityName })}
          </caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('claims.drug')}</Table.Th>
              <Table.Th style={{ whiteSpace: 'nowrap' }}>{t('claims.careCategory')}</Table.Th>
              <Table.Th>{t('claims.claimed')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {group.lines.map((line) => {
              const error = line.status === 'entered-in-error';
              return (
                <Table.Tr key={line.entry.resource.id} data-testid="claim-line">
                  <Table.Td>
                    <Group gap={6}>
                      <span style={error ? { textDecoration: 'line-through' } : undefined}>{line.name}</span>
                      {error && (
                        <Badge size="xs" color="gray" variant="filled" tt="none">
                          {t('claims.enteredInError')}
                        </Badge>
                      )}
                    </Group>
                    {line.notes.map((n) => (
                      <Text key={n} size="xs" c="dimmed">
                        {n}
                      </Text>
                    ))}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{line.careCategory ?? '—'}</Table.Td>
                  <Table.Td>{line.dosage ?? '—'}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

/**
 * レセプト（請求）由来の薬剤: every MedicationStatement by month and facility (records/dispensings.ts),
 * under a notice that a claim says a drug was billed that month, not a dose or a period.
 */
export function MedicationsClaims({ entries }: { entries: readonly SourcedResource[] }) {
  const { t } = useI18n();
  const groups = useMemo(() => claimGroups(entries), [entries]);
  const [more, setMore] = useState(PAGE);
  const shown = usePrinting() ? groups.length : more;
  const rest = groups.length - shown;
  return (
    <Stack gap="md" data-testid="claim-drugs">
      <Title order={2} size="h4">
        {t('claims.title')}
      </Title>
      <Alert color="yellow" variant="light" data-testid="claim-notice">
        <Text size="sm">{t('claims.notice')}</Text>
      </Alert>
      {groups.length === 0 ? (
        <Text c="dimmed">{t('claims.none')}</Text>
      ) : (
        groups.slice(0, shown).map((g) => <ClaimCard key={g.key} group={g} />)
      )}
      {rest > 0 && (
        <Button variant="default" size="xs" w="fit-content" onClick={() => setMore((n) => n + PAGE)}>
          {t('app.showMore', { count: rest })}
        </Button>
      )}
    </Stack>
  );
}
