import { Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import type { SourcedResource } from '../../api/types';
import { useI18n } from '../../i18n';
import { dayOf, westernDate } from '../../lib/dates';
import {
  type CodeableConcept,
  conceptText,
  identifierValue,
  ORDER_IN_RP,
  type Quantity,
  quantityText,
  RP_GROUP,
  referenceDisplay,
} from '../../records/fhir';
import { prescriptionPeriod, type RequestStatus, type Setting } from '../../records/medications';
import { FacilityBadge } from './common';
import { DispensingBadge } from './MedicationsCurrent';

interface Dosage {
  text?: string;
  timing?: { code?: CodeableConcept; repeat?: { boundsDuration?: Quantity } };
  route?: CodeableConcept;
  doseAndRate?: {
    doseQuantity?: Quantity;
    rateQuantity?: Quantity;
    rateRatio?: { numerator?: Quantity; denominator?: Quantity };
  }[];
  additionalInstruction?: CodeableConcept[];
}

interface Line {
  entry: SourcedResource;
  drug: string;
  dose: string;
  daily: string;
  usage: string;
  days: string;
  quantity: string;
  route: string;
  status: RequestStatus;
  order: number;
}

interface Rp {
  number: string;
  lines: Line[];
}

interface Prescription {
  key: string;
  day: string | null;
  facilityOid: string;
  facilityName: string;
  requester: string;
  inHouse: boolean | null;
  setting: Setting;
  rps: Rp[];
}

function lineOf(entry: SourcedResource, status: RequestStatus): Line {
  const r = entry.resource;
  const dosage = (r.dosageInstruction as Dosage[] | undefined)?.[0] ?? {};
  const rate = dosage.doseAndRate?.[0];
  const drug = (r.medicationCodeableConcept as CodeableConcept | undefined)
    ? conceptText(r.medicationCodeableConcept as CodeableConcept)
    : referenceDisplay(r.medicationReference) || '—';
  const supply =
    (r.dispenseRequest as { quantity?: Quantity; expectedSupplyDuration?: Quantity } | undefined) ?? {};
  const days = supply.expectedSupplyDuration ?? dosage.timing?.repeat?.boundsDuration;
  return {
    entry,
    drug,
    dose: quantityText(rate?.doseQuantity),
    daily: rate?.rateRatio?.numerator
      ? quantityText(rate.rateRatio.numerator)
      : rate?.rateQuantity
        ? quantityText(rate.rateQuantity)
        : '',
    usage: [
      dosage.timing?.code ? conceptText(dosage.timing.code) : dosage.text,
      ...(dosage.additionalInstruction ?? []).map((c) => conceptText(c)),
    ]
      .filter(Boolean)
      .join(' '),
    days: days ? quantityText(days) : '',
    quantity: quantityText(supply.quantity),
    route: dosage.route ? conceptText(dosage.route) : '',
    status,
    order: Number(identifierValue(r, ORDER_IN_RP) ?? '0'),
  };
}

/** Groups requests into prescriptions (date × facility × order number) and Rp groups. */
function prescriptions(entries: readonly SourcedResource[]): Prescription[] {
  const byKey = new Map<string, Prescription>();
  for (const e of entries) {
    const period = prescriptionPeriod(e);
    if (!period) continue;
    const day = dayOf((e.resource.authoredOn as string | undefined) ?? e.date);
    const group = (e.resource.groupIdentifier as { value?: string } | undefined)?.value ?? '';
    const key = `${day}|${e.facilityOid}|${group}`;
    let p = byKey.get(key);
    if (!p) {
      p = {
        key,
        day,
        facilityOid: e.facilityOid,
        facilityName: e.facilityName,
        requester: referenceDisplay(e.resource.requester),
        inHouse: period.inHouse,
        setting: period.setting,
        rps: [],
      };
      byKey.set(key, p);
    }
    const number = identifierValue(e.resource, RP_GROUP) ?? String(p.rps.length + 1);
    let rp = p.rps.find((x) => x.number === number);
    if (!rp) {
      rp = { number, lines: [] };
      p.rps.push(rp);
    }
    rp.lines.push(lineOf(e, period.status));
  }
  const list = [...byKey.values()];
  for (const p of list) {
    p.rps.sort((a, b) => Number(a.number) - Number(b.number) || a.number.localeCompare(b.number));
    for (const rp of p.rps) rp.lines.sort((a, b) => a.order - b.order);
  }
  return list.sort((a, b) => String(b.day).localeCompare(String(a.day)));
}

const STATUS_LABEL: Partial<Record<RequestStatus, string>> = {
  stopped: 'meds.stopped',
  cancelled: 'medications.cancelled',
  error: 'medications.enteredInError',
  other: 'medications.onHold',
};

const SETTING_LABEL: Readonly<Record<Exclude<Setting, null>, string>> = {
  outpatient: 'medications.outpatient',
  inpatient: 'medications.inpatient',
  discharge: 'medications.discharge',
  brought: 'medications.brought',
};

const PAGE = 30;

/** 処方歴: by date, each prescription with its Rp groups, doses, usage and days (stopped ones struck through). */
export function MedicationsHistory({
  entries,
  injection,
}: {
  entries: readonly SourcedResource[];
  injection: boolean;
}) {
  const { t } = useI18n();
  const all = useMemo(() => prescriptions(entries), [entries]);
  const [shown, setShown] = useState(PAGE);
  if (all.length === 0) return <Text c="dimmed">{t('app.none')}</Text>;
  const rest = all.length - shown;
  return (
    <Stack gap="md">
      {all.slice(0, shown).map((p) => (
        <Paper key={p.key} withBorder p="sm" radius="md" component="article" data-testid="prescription-card">
          <Group justify="space-between" mb="xs">
            <Group gap="sm">
              <Title order={3} size="h5">
                {westernDate(p.day)}
              </Title>
              <FacilityBadge oid={p.facilityOid} name={p.facilityName} />
              {p.setting && (
                <Badge size="sm" variant="outline" color="gray" radius="sm" tt="none">
                  {t(SETTING_LABEL[p.setting] as 'medications.outpatient')}
                </Badge>
              )}
              <DispensingBadge inHouse={p.inHouse} />
            </Group>
            {p.requester && (
              <Text size="xs" c="dimmed">
                {t('meds.requester')}: {p.requester}
              </Text>
            )}
          </Group>
          <Table.ScrollContainer minWidth={600}>
            <Table verticalSpacing={4} withRowBorders={false}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={56}>Rp</Table.Th>
                  <Table.Th>{t('meds.drug')}</Table.Th>
                  <Table.Th>{injection ? t('meds.quantity') : t('meds.dose')}</Table.Th>
                  <Table.Th>{t('meds.usage')}</Table.Th>
                  <Table.Th>{injection ? t('meds.route') : t('meds.days')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {p.rps.flatMap((rp) =>
                  rp.lines.map((line, i) => {
                    const statusLabel = STATUS_LABEL[line.status];
                    return (
                      <Table.Tr
                        key={`${rp.number}-${line.entry.resource.id}`}
                        style={i === 0 ? { borderTop: '1px solid var(--mantine-color-gray-3)' } : undefined}
                        data-status={line.status}
                      >
                        <Table.Td fw={700}>{i === 0 ? t('meds.rp', { n: rp.number }) : ''}</Table.Td>
                        <Table.Td>
                          <Group gap={6}>
                            <span style={statusLabel ? { textDecoration: 'line-through' } : undefined}>
                              {line.drug}
                            </span>
                            {statusLabel && (
                              <Badge size="xs" color="gray" variant="filled" tt="none">
                                {t(statusLabel as 'meds.stopped')}
                              </Badge>
                            )}
                          </Group>
                        </Table.Td>
                        <Table.Td>
                          {injection ? line.quantity || line.dose : line.dose}
                          {line.daily && (
                            <Text size="xs" c="dimmed">
                              {t('meds.daily')} {line.daily}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>{i === 0 || line.usage !== rp.lines[0]?.usage ? line.usage : ''}</Table.Td>
                        <Table.Td>{injection ? line.route : i === 0 ? line.days : ''}</Table.Td>
                      </Table.Tr>
                    );
                  }),
                )}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      ))}
      {rest > 0 && (
        <Button variant="default" size="xs" w="fit-content" onClick={() => setShown((n) => n + PAGE)}>
          {t('app.showMore', { count: rest })}
        </Button>
      )}
    </Stack>
  );
}
