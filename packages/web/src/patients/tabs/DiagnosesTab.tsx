import { Badge, Group, Stack, Switch, Text } from '@mantine/core';
import { useMemo, useState } from 'react';
import type { SourcedResource } from '../../api/types';
import { useI18n } from '../../i18n';
import { warekiDate, westernDate } from '../../lib/dates';
import {
  type DayRange,
  type DiagnosisRow,
  type DiagnosisSource,
  type DiagnosisStatus,
  diagnosesInPeriod,
  mergeDiagnoses,
} from '../../records/diagnoses';
import { DataTable, FacilityBadge } from './common';

const WAREKI_KEY = 'hie.diagnoses.wareki';
/** A badge keeps its whole word in a narrow table column (Mantine's badge would cut it to "継.."). */
const NO_SHRINK = { minWidth: 'max-content' } as const;

/** Western dates by default; 和暦 when the user asked for it (remembered on this browser). */
export function useDateStyle() {
  const [wareki, setWareki] = useState(() => {
    try {
      return localStorage.getItem(WAREKI_KEY) === '1';
    } catch {
      return false;
    }
  });
  const set = (on: boolean) => {
    setWareki(on);
    try {
      localStorage.setItem(WAREKI_KEY, on ? '1' : '0');
    } catch {
      // private mode: the choice lasts for this page only
    }
  };
  const format = (day: string | null | undefined) =>
    day ? (wareki ? warekiDate(day) : westernDate(day)) : '—';
  return { wareki, setWareki: set, format };
}

export function StatusBadge({ status }: { status: DiagnosisStatus }) {
  const { t } = useI18n();
  return (
    <Badge
      size="sm"
      variant={status === 'active' ? 'filled' : 'outline'}
      tt="none"
      style={NO_SHRINK}
      color={status === 'active' ? 'teal.9' : 'gray'}
      styles={status === 'active' ? undefined : { label: { color: 'var(--mantine-color-dark-6)' } }}
    >
      {t(`diagnoses.${status}`)}
    </Badge>
  );
}

/** 主病名 and 疑い of a row (疑い "一部" when only some facilities suspect it). */
export function DiagnosisFlags({ row }: { row: DiagnosisRow }) {
  const { t } = useI18n();
  return (
    <Group gap={4} wrap="nowrap">
      {row.main && (
        <Badge
          size="sm"
          color="indigo"
          variant="light"
          tt="none"
          style={NO_SHRINK}
          styles={{ label: { color: 'var(--mantine-color-indigo-9)' } }}
        >
          {t('diagnoses.main')}
        </Badge>
      )}
      {row.suspected && (
        <Badge
          size="sm"
          color="yellow"
          variant="light"
          tt="none"
          style={NO_SHRINK}
          styles={{ label: { color: 'var(--mantine-color-dark-7)' } }}
        >
          {t(row.suspected === 'all' ? 'diagnoses.suspected' : 'diagnoses.suspectedSome')}
        </Badge>
      )}
    </Group>
  );
}

/** One line per facility report: facility, its own onset (and end), its status when they differ, its flags. */
function SourceLines({
  row,
  format,
}: {
  row: DiagnosisRow;
  format: (day: string | null | undefined) => string;
}) {
  const { t } = useI18n();
  const conflict = row.statuses.length > 1;
  return (
    <Stack gap={4}>
      {row.sources.map((s: DiagnosisSource) => (
        <Group key={`${s.facilityOid}/${s.id}`} gap={6} wrap="wrap" data-testid="diagnosis-source">
          <FacilityBadge oid={s.facilityOid} name={s.facilityName} />
          <Text size="xs">
            {format(s.onset)}
            {s.end && `〜${format(s.end)}`}
          </Text>
          {conflict && <StatusBadge status={s.status} />}
          {s.main && (
            <Text size="xs" c="indigo.9">
              {t('diagnoses.main')}
            </Text>
          )}
          {s.suspected && (
            <Text size="xs" c="dark.6">
              {t('diagnoses.suspected')}
            </Text>
          )}
          {s.name !== row.name && (
            <Text size="xs" c="dimmed">
              {t('diagnoses.writtenAs', { name: s.name })}
            </Text>
          )}
        </Group>
      ))}
    </Stack>
  );
}

/**
 * 病名: one row per diagnosis across facilities, every facility a source. Active diagnoses show
 * whatever the period (the list is fetched for all time); the period filters the ended ones.
 */
export function DiagnosesTab({
  entries,
  period = {},
}: {
  entries: readonly SourcedResource[];
  period?: DayRange;
}) {
  const { t } = useI18n();
  const [showEnded, setShowEnded] = useState(true);
  const { wareki, setWareki, format } = useDateStyle();
  const merged = useMemo(() => mergeDiagnoses(entries), [entries]);
  const { from, to } = period;
  const rows = useMemo(
    () => diagnosesInPeriod(merged, { from, to }).filter((r) => showEnded || r.active),
    [merged, from, to, showEnded],
  );
  return (
    <Stack gap="xs">
      <Group gap="lg" wrap="wrap" className="no-print">
        <Switch
          label={t('diagnoses.showEnded')}
          checked={showEnded}
          onChange={(e) => setShowEnded(e.currentTarget.checked)}
        />
        <Switch
          label={t('diagnoses.wareki')}
          checked={wareki}
          onChange={(e) => setWareki(e.currentTarget.checked)}
        />
      </Group>
      <Text size="xs" c="dimmed">
        {t('diagnoses.periodRule')}
      </Text>
      <DataTable
        caption={t('tabs.diagnoses')}
        rows={rows}
        rowKey={(r) => r.key}
        minWidth={720}
        columns={[
          {
            key: 'name',
            header: t('diagnoses.name'),
            cell: (r) => (
              <Stack gap={0}>
                <Text size="sm" fw={r.active ? 600 : 400} data-testid="diagnosis-name">
                  {r.name}
                </Text>
                {r.icd10 && (
                  <Text size="xs" c="dimmed">
                    ICD-10 {r.icd10}
                  </Text>
                )}
              </Stack>
            ),
          },
          {
            key: 'status',
            header: t('diagnoses.status'),
            cell: (r) => (
              <Stack gap={4} align="flex-start">
                <Group gap={4}>
                  {r.statuses.map((s) => (
                    <StatusBadge key={s} status={s} />
                  ))}
                </Group>
                {r.statuses.length > 1 && (
                  <Text size="xs" c="red.9">
                    {t('diagnoses.conflict')}
                  </Text>
                )}
              </Stack>
            ),
          },
          {
            key: 'onset',
            header: t('diagnoses.onset'),
            cell: (r) => (
              <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                {format(r.onset)}
              </Text>
            ),
          },
          {
            key: 'end',
            header: t('diagnoses.end'),
            cell: (r) => (
              <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                {r.active ? '—' : format(r.end)}
              </Text>
            ),
          },
          { key: 'flags', header: t('diagnoses.flags'), cell: (r) => <DiagnosisFlags row={r} /> },
          {
            key: 'sources',
            header: t('diagnoses.sources'),
            cell: (r) => <SourceLines row={r} format={format} />,
          },
        ]}
      />
    </Stack>
  );
}
