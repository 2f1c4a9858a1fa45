import { Badge, Group, List, Stack, Text } from '@mantine/core';
import { useMemo } from 'react';
import type { SourcedResource } from '../../api/types';
import { useI18n } from '../../i18n';
import { todayInJapan, westernDate } from '../../lib/dates';
import { type Stay, staysOf } from '../../records/stays';
import { DataTable, FacilityBadge } from './common';
import { eventText, lengthText, placeText } from './stayText';

/**
 * 入退院: one row per stay (records/stays.ts) — admission and discharge dates (or 入院中), length of
 * stay, departments and wards, the facility — with its transfers and leaves nested under it. A
 * planned admission no admission followed stays as a row of its own, marked 予定.
 */
export function AdmissionsTab({ entries }: { entries: readonly SourcedResource[] }) {
  const { t } = useI18n();
  const stays = useMemo(() => staysOf(entries), [entries]);
  const today = todayInJapan();
  return (
    <DataTable
      caption={t('episodes.staysCaption')}
      rows={stays}
      rowKey={(s) => s.key}
      testId={() => 'stay'}
      minWidth={680}
      columns={[
        {
          key: 'admitted',
          header: t('episodes.admitted'),
          cell: (s) => <Admitted stay={s} />,
        },
        {
          key: 'discharged',
          header: t('episodes.discharged'),
          cell: (s) => <Discharged stay={s} />,
        },
        {
          key: 'length',
          header: t('episodes.length'),
          cell: (s) => (
            <Text size="sm" data-testid="stay-length" style={{ whiteSpace: 'nowrap' }}>
              {lengthText(t, s, today) || '—'}
            </Text>
          ),
        },
        { key: 'dept', header: t('episodes.department'), cell: (s) => s.departments.join(' → ') || '—' },
        {
          key: 'ward',
          header: t('episodes.ward'),
          cell: (s) =>
            s.places.length === 0
              ? '—'
              : s.places
                  // A room change within the ward: the room alone (31病棟 303号室 → 301号室).
                  .map((p, i) =>
                    i > 0 && p.ward && p.ward === s.places[i - 1]?.ward
                      ? placeText(t, { room: p.room }, false)
                      : placeText(t, p, false),
                  )
                  .join(' → '),
        },
        { key: 'doctor', header: t('episodes.doctor'), cell: (s) => s.doctor ?? '—' },
        {
          key: 'facility',
          header: t('patient.source'),
          cell: (s) => <FacilityBadge oid={s.facilityOid} name={s.facilityName} />,
        },
      ]}
      detail={(s) => (s.events.length > 0 ? <Course stay={s} /> : null)}
    />
  );
}

function Admitted({ stay }: { stay: Stay }) {
  const { t } = useI18n();
  if (stay.status === 'planned')
    return (
      <Stack gap={2}>
        <Text size="sm" data-testid="stay-admitted" style={{ whiteSpace: 'nowrap' }}>
          {westernDate(stay.plannedAdmission)}
        </Text>
        <Group gap={4}>
          <Badge size="sm" variant="outline" color="gray" tt="none" data-testid="stay-planned">
            {t('episodes.plannedAdmission')}
          </Badge>
        </Group>
      </Stack>
    );
  return (
    <Text size="sm" data-testid="stay-admitted" style={{ whiteSpace: 'nowrap' }}>
      {stay.admitted ? westernDate(stay.admitted) : t('episodes.admissionUnknown')}
    </Text>
  );
}

function Discharged({ stay }: { stay: Stay }) {
  const { t } = useI18n();
  if (stay.status === 'discharged')
    return (
      <Text size="sm" data-testid="stay-discharged" style={{ whiteSpace: 'nowrap' }}>
        {westernDate(stay.discharged)}
      </Text>
    );
  if (stay.status === 'planned') return <Text size="sm">—</Text>;
  return (
    <Stack gap={2} data-testid="stay-discharged">
      <Group gap={4}>
        <Badge
          size="sm"
          color="red"
          variant="light"
          tt="none"
          styles={{ label: { color: 'var(--mantine-color-red-9)' } }}
        >
          {t('episodes.inHospital')}
        </Badge>
      </Group>
      {stay.plannedDischarge && (
        <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
          {t('episodes.plannedDischarge', { date: westernDate(stay.plannedDischarge) })}
        </Text>
      )}
    </Stack>
  );
}

/** The stay's transfers and leaves, in time order, under its row. */
function Course({ stay }: { stay: Stay }) {
  const { t } = useI18n();
  return (
    <Group gap="xs" align="flex-start" wrap="nowrap" pl="md" data-testid="stay-course">
      <Text size="xs" c="dimmed" fw={600} style={{ whiteSpace: 'nowrap' }}>
        {t('episodes.course')}
      </Text>
      <List size="xs" spacing={2} listStyleType="none">
        {stay.events.map((e, i) => {
          const line = eventText(t, e);
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: events are in a fixed time order per stay
            <List.Item key={i}>
              <Text span size="xs" style={{ whiteSpace: 'nowrap' }}>
                {line.when}
              </Text>{' '}
              <Text span size="xs" fw={600}>
                {line.what}
              </Text>{' '}
              <Text span size="xs">
                {line.detail}
              </Text>
            </List.Item>
          );
        })}
      </List>
    </Group>
  );
}
