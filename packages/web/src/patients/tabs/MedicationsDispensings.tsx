import { Badge, Button, Group, List, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import type { SourcedResource } from '../../api/types';
import { useI18n } from '../../i18n';
import { usePrinting } from '../../layout/Print';
import { dateWithWareki, westernDate } from '../../lib/dates';
import {
  type DispenseLine,
  type DispensingGroup,
  dispensingGroups,
  type Prescriber,
} from '../../records/dispensings';
import type { RequestStatus } from '../../records/medications';
import { FacilityBadge } from './common';

const PAGE = 30;

const STATUS_LABEL: Partial<Record<RequestStatus, string>> = {
  stopped: 'meds.stopped',
  cancelled: 'medications.cancelled',
  error: 'medications.enteredInError',
  other: 'medications.onHold',
};

const prescriberText = (p: Prescriber) =>
  `${[p.institution, p.doctor].filter(Boolean).join(' ')}${p.department ? `（${p.department}）` : ''}`;

function Line({ line, first }: { line: DispenseLine; first: boolean }) {
  const { t } = useI18n();
  const statusLabel = STATUS_LABEL[line.status];
  return (
    <Table.Tr data-testid="dispense-line" data-status={line.status}>
      <Table.Td fw={700}>{first && line.rp ? t('meds.rp', { n: line.rp }) : ''}</Table.Td>
      <Table.Td>
        <Stack gap={2} align="flex-start">
          <Group gap={6}>
            <span style={statusLabel ? { textDecoration: 'line-through' } : undefined}>{line.name}</span>
            {line.form && (
              <Badge size="xs" variant="outline" color="gray" radius="sm" tt="none">
                {line.form}
              </Badge>
            )}
            {statusLabel && (
              <Badge size="xs" color="gray" variant="filled" tt="none">
                {t(statusLabel as 'meds.stopped')}
              </Badge>
            )}
          </Group>
          {line.notes.map((n) => (
            <Text key={n} size="xs" c="dimmed">
              {n}
            </Text>
          ))}
        </Stack>
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }} data-testid="dispense-amount">
        {line.dose && <div>{t('dispensings.perDose', { amount: line.dose })}</div>}
        {line.daily && <div>{t('dispensings.perDay', { amount: line.daily })}</div>}
      </Table.Td>
      <Table.Td>
        {line.usage}
        {line.times !== null && ` ${t('dispensings.times', { n: line.times })}`}
        {line.cautions.map((c) => (
          <Text key={c} size="xs" c="dimmed">
            {c}
          </Text>
        ))}
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }} data-testid="dispense-quantity">
        {line.quantity ?? '—'}
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        {line.daysSupply
          ? line.daysSupply.days !== null
            ? t('dispensings.daysValue', { days: line.daysSupply.days })
            : line.daysSupply.text
          : '—'}
        {line.until && (
          <Text size="xs" c="dimmed">
            {t('dispensings.until', { date: westernDate(line.until) })}
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function DispensingCard({ group }: { group: DispensingGroup }) {
  const { t, lang } = useI18n();
  const date = dateWithWareki(group.day, lang);
  const pharmacy = group.pharmacy ?? group.facilityName;
  return (
    <Paper withBorder p="sm" radius="md" component="article" data-testid="dispensing-card">
      <Group justify="space-between" mb="xs" align="flex-start">
        <Group gap="sm">
          <Title order={3} size="h5">
            {date}
          </Title>
          <Badge size="sm" variant="filled" color="teal.8" radius="sm" tt="none">
            {t('medications.dispensed')}
          </Badge>
          <FacilityBadge oid={group.facilityOid} name={group.facilityName} />
          {group.pharmacy && group.pharmacy !== group.facilityName && (
            <Text size="sm" data-testid="dispensing-pharmacy">
              {t('dispensings.pharmacy')}: {group.pharmacy}
            </Text>
          )}
        </Group>
        {group.pharmacists.length > 0 && (
          <Text size="xs" c="dimmed">
            {t('dispensings.pharmacist')}: {group.pharmacists.join(lang === 'ja' ? '、' : ', ')}
          </Text>
        )}
      </Group>
      <Stack gap="xs">
        {group.prescriptions.map((p) => (
          <Stack key={p.key} gap={2}>
            <Text size="sm" data-testid="dispensing-prescriber">
              {t('dispensings.prescribedBy')}:{' '}
              {p.prescriber ? prescriberText(p.prescriber) : t('dispensings.prescriberUnknown')}
            </Text>
            <Table.ScrollContainer minWidth={720}>
              {/* Fixed widths: the blocks of a card line up column by column. */}
              <Table verticalSpacing={4} withRowBorders={false} layout="fixed">
                <caption className="visually-hidden">{t('dispensings.caption', { date, pharmacy })}</caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={56}>Rp</Table.Th>
                    <Table.Th w="28%">{t('dispensings.drug')}</Table.Th>
                    <Table.Th w={130}>{t('dispensings.amount')}</Table.Th>
                    <Table.Th>{t('dispensings.usage')}</Table.Th>
                    <Table.Th w={110}>{t('dispensings.quantity')}</Table.Th>
                    <Table.Th w={120}>{t('dispensings.days')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {p.lines.map((line, i) => (
                    <Line
                      key={line.entry.resource.id}
                      line={line}
                      first={i === 0 || line.rp !== p.lines[i - 1]?.rp}
                    />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Stack>
        ))}
        {group.notes.length > 0 && (
          <Stack gap={2} data-testid="dispensing-notes">
            <Text size="xs" fw={700}>
              {t('dispensings.notes')}
            </Text>
            <List size="xs" spacing={2}>
              {group.notes.map((n) => (
                <List.Item key={n}>{n}</List.Item>
              ))}
            </List>
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}

/** 調剤（薬局）: every MedicationDispense, by dispensing day and pharmacy, newest first (records/dispensings.ts). */
export function MedicationsDispensings({ entries }: { entries: readonly SourcedResource[] }) {
  const { t } = useI18n();
  const groups = useMemo(() => dispensingGroups(entries), [entries]);
  const [more, setMore] = useState(PAGE);
  const shown = usePrinting() ? groups.length : more;
  const rest = groups.length - shown;
  return (
    <Stack gap="md" data-testid="dispensings">
      <Stack gap={2}>
        <Title order={2} size="h4">
          {t('dispensings.title')}
        </Title>
        <Text size="xs" c="dimmed">
          {t('dispensings.intro')}
        </Text>
      </Stack>
      {groups.length === 0 ? (
        <Text c="dimmed">{t('dispensings.none')}</Text>
      ) : (
        groups.slice(0, shown).map((g) => <DispensingCard key={g.key} group={g} />)
      )}
      {rest > 0 && (
        <Button variant="default" size="xs" w="fit-content" onClick={() => setMore((n) => n + PAGE)}>
          {t('app.showMore', { count: rest })}
        </Button>
      )}
    </Stack>
  );
}
