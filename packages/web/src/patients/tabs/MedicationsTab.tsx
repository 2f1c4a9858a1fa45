import { Badge, Group, Paper, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import type { SourcedResource } from '../../api/types';
import { useI18n } from '../../i18n';
import { dayOf, westernDate } from '../../lib/dates';
import {
  type CodeableConcept,
  categoryOf,
  conceptText,
  identifierValue,
  ORDER_IN_RP,
  type Quantity,
  quantityText,
  RP_GROUP,
  referenceDisplay,
} from '../../records/fhir';
import { FacilityBadge } from './common';

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
  stopped: boolean;
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
  rps: Rp[];
}

function lineOf(entry: SourcedResource): Line {
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
    stopped: r.status === 'stopped' || r.status === 'cancelled',
    order: Number(identifierValue(r, ORDER_IN_RP) ?? '0'),
  };
}

/** Groups requests into prescriptions (date × facility × order number) and Rp groups. */
function prescriptions(entries: readonly SourcedResource[]): Prescription[] {
  const byKey = new Map<string, Prescription>();
  for (const e of entries) {
    if (e.resource.resourceType !== 'MedicationRequest') continue;
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
    rp.lines.push(lineOf(e));
  }
  const list = [...byKey.values()];
  for (const p of list) {
    p.rps.sort((a, b) => Number(a.number) - Number(b.number) || a.number.localeCompare(b.number));
    for (const rp of p.rps) rp.lines.sort((a, b) => a.order - b.order);
  }
  return list.sort((a, b) => String(b.day).localeCompare(String(a.day)));
}

/** 処方・注射: by date, each prescription with its Rp groups, doses, usage and days. */
export function MedicationsTab({ entries }: { entries: readonly SourcedResource[] }) {
  const { t } = useI18n();
  const kinds = useMemo(() => {
    const k = new Set(entries.map((e) => categoryOf(e)));
    return (['prescription', 'injection'] as const).filter((x) => k.has(x));
  }, [entries]);
  const [kind, setKind] = useState<'prescription' | 'injection'>(kinds[0] ?? 'prescription');
  const shown = useMemo(
    () => prescriptions(entries.filter((e) => categoryOf(e) === (kinds.includes(kind) ? kind : kinds[0]))),
    [entries, kind, kinds],
  );
  const injection = kind === 'injection';
  return (
    <Stack gap="md">
      {kinds.length > 1 && (
        <SegmentedControl
          w="fit-content"
          value={kind}
          onChange={(v) => setKind(v === 'injection' ? 'injection' : 'prescription')}
          data={kinds.map((k) => ({ value: k, label: t(`meds.${k}`) }))}
        />
      )}
      {shown.map((p) => (
        <Paper key={p.key} withBorder p="sm" radius="md" component="article">
          <Group justify="space-between" mb="xs">
            <Group gap="sm">
              <Title order={3} size="h5">
                {westernDate(p.day)}
              </Title>
              <FacilityBadge oid={p.facilityOid} name={p.facilityName} />
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
                  rp.lines.map((line, i) => (
                    <Table.Tr
                      key={`${rp.number}-${line.entry.resource.id}`}
                      style={i === 0 ? { borderTop: '1px solid var(--mantine-color-gray-3)' } : undefined}
                    >
                      <Table.Td fw={700}>{i === 0 ? t('meds.rp', { n: rp.number }) : ''}</Table.Td>
                      <Table.Td>
                        <Group gap={6}>
                          <span style={line.stopped ? { textDecoration: 'line-through' } : undefined}>
                            {line.drug}
                          </span>
                          {line.stopped && (
                            <Badge size="xs" color="gray">
                              {t('meds.stopped')}
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
                  )),
                )}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      ))}
    </Stack>
  );
}
