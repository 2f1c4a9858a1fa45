import { Alert, Badge, Group, List, Stack, Table, Text } from '@mantine/core';
import { useI18n } from '../../i18n';
import { westernDate } from '../../lib/dates';
import {
  type CurrentMedication,
  type DuplicateFinding,
  GRACE_DAYS,
  medicationSourceKey,
  UNKNOWN_SUPPLY_DAYS,
} from '../../records/medications';
import { FacilityBadge } from './common';

/** 院内 / 院外 as the source says it; nothing when it does not. */
export function DispensingBadge({ inHouse }: { inHouse: boolean | null }) {
  const { t } = useI18n();
  if (inHouse === null) return null;
  return (
    <Badge size="sm" variant="outline" color={inHouse ? 'gray' : 'blue'} radius="sm" tt="none">
      {inHouse ? t('medications.inHouse') : t('medications.outside')}
    </Badge>
  );
}

/** 調剤: the source is a dispensing (a pharmacy's, or in-house), not a prescription. */
export function DispensedBadge() {
  const { t } = useI18n();
  return (
    <Badge size="sm" variant="filled" color="teal.8" radius="sm" tt="none" data-testid="source-dispensed">
      {t('medications.dispensed')}
    </Badge>
  );
}

/**
 * 重複投薬: the same ingredient from several facilities at once. Not dismissable, above the list,
 * naming the drugs and the facilities, so a pharmacist cannot miss it.
 */
export function DuplicateWarning({ findings }: { findings: readonly DuplicateFinding[] }) {
  const { t, lang } = useI18n();
  const comma = lang === 'ja' ? '、' : ', ';
  if (findings.length === 0) return null;
  return (
    <Alert
      color="red"
      variant="light"
      role="alert"
      title={t('medications.duplicateTitle')}
      data-testid="duplicate-warning"
      styles={{ root: { borderLeft: '6px solid var(--mantine-color-red-7)' } }}
    >
      <Stack gap={4}>
        <Text size="sm">{t('medications.duplicateIntro')}</Text>
        <List size="sm" spacing={2}>
          {findings.map((f) => (
            <List.Item key={f.key} data-testid="duplicate-finding" data-ingredient={f.key}>
              <Text span fw={700} size="sm">
                {t('medications.duplicateLine', {
                  names: f.names.join(lang === 'ja' ? '・' : ' / '),
                  facilities: f.facilities.map((x) => x.facilityName).join(comma),
                  from: westernDate(f.from),
                  to: westernDate(f.to),
                })}
              </Text>
            </List.Item>
          ))}
        </List>
      </Stack>
    </Alert>
  );
}

/** 現在の処方: one row per drug, every prescribing facility with its last date, supply end and 院内/院外. */
export function CurrentMedications({
  medications,
  duplicates,
  today,
  recentOnly,
}: {
  medications: readonly CurrentMedication[];
  duplicates: readonly DuplicateFinding[];
  today: string;
  /** The list was judged from its own query of the last year (the period shown does not reach today). */
  recentOnly: boolean;
}) {
  const { t } = useI18n();
  return (
    <Stack gap="sm">
      <DuplicateWarning findings={duplicates} />
      <Text size="xs" c="dimmed">
        {t('medications.asOf', { date: westernDate(today), grace: GRACE_DAYS, unknown: UNKNOWN_SUPPLY_DAYS })}
        {recentOnly && ` ${t('medications.recentOnly')}`} {t('medications.dispenseRule')}
      </Text>
      {medications.length === 0 ? (
        <Text c="dimmed" data-testid="current-meds-empty">
          {t('medications.none')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="xs" striped data-testid="current-meds">
            <caption className="visually-hidden">{t('medications.caption')}</caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th style={{ minWidth: 220 }}>{t('medications.drugDose')}</Table.Th>
                <Table.Th style={{ minWidth: 220 }}>{t('medications.sources')}</Table.Th>
                <Table.Th style={{ whiteSpace: 'nowrap' }}>{t('medications.since')}</Table.Th>
                <Table.Th style={{ whiteSpace: 'nowrap' }}>{t('medications.until')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {medications.map((m) => (
                <Table.Tr
                  key={m.key}
                  data-testid="current-med"
                  data-drug-key={m.key}
                  data-duplicate={m.duplicate ? 'true' : 'false'}
                  style={m.duplicate ? { boxShadow: 'inset 4px 0 0 var(--mantine-color-red-7)' } : undefined}
                >
                  <Table.Td>
                    <Stack gap={4} align="flex-start">
                      <Text size="sm" fw={700} data-testid="current-med-name">
                        {m.name}
                      </Text>
                      {/* Facilities that disagree on the dose: one line each (medications.ts doseAcross). */}
                      {(m.dose ?? '—').split(' ／ ').map((line) => (
                        <Text key={line} size="sm" data-testid="current-med-dose">
                          {line}
                        </Text>
                      ))}
                      {m.duplicate && (
                        <Badge size="sm" color="red" variant="filled" radius="sm" tt="none">
                          {t('medications.duplicate')}
                        </Badge>
                      )}
                    </Stack>
                  </Table.Td>
                  <Table.Td>
                    <Stack gap={4}>
                      {m.sources.map((s) => (
                        <Group
                          key={medicationSourceKey(s)}
                          gap={6}
                          wrap="wrap"
                          data-testid="current-med-source"
                          data-kind={s.kind}
                        >
                          <FacilityBadge oid={s.facilityOid} name={s.facilityName} />
                          {s.kind === 'dispense' && <DispensedBadge />}
                          {s.kind === 'dispense' && s.pharmacy && s.pharmacy !== s.facilityName && (
                            <Text size="xs">{s.pharmacy}</Text>
                          )}
                          <DispensingBadge inHouse={s.inHouse} />
                          <Text size="xs">
                            {t(
                              s.kind === 'dispense'
                                ? 'medications.lastDispensed'
                                : 'medications.lastPrescribed',
                              {
                                date: westernDate(s.lastDate),
                              },
                            )}
                            {s.endDate
                              ? ` ${t('medications.untilDate', { date: westernDate(s.endDate) })}`
                              : ''}
                          </Text>
                        </Group>
                      ))}
                    </Stack>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Text size="sm">{westernDate(m.startDate)}</Text>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Text size="sm">{m.endDate ? westernDate(m.endDate) : t('medications.unknownEnd')}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
