import type { ScheduleEntryView } from '@hie/contract';
import { ActionIcon, Alert, Badge, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import { ErrorAlert, Loading } from '../../layout/Feedback';
import { useCabinet, useGroups } from '../core/api';
import type { CabinetMember } from '../core/types';
import { csvUrl, useSchedule } from './api';
import { type Occurrence, shiftMonth, tokyoToday } from './calendar';
import { EntryFormModal, type FormTarget } from './EntryFormModal';
import { ImportModal } from './ImportModal';
import { DayList, MonthGrid } from './MonthGrid';
import { OccurrenceModal } from './OccurrenceModal';
import { useScheduleLabels } from './useScheduleLabels';

/**
 * 予定表: the cabinet's month as a calendar (a list per day on a phone), with month navigation, the
 * entry form, cancelling or moving one occurrence, and CSV out and in. Conflicts — the same person
 * twice at once, or two visits the patient cannot have at once — are marked 重複 in red.
 */
export function SchedulePanel({
  cabinetId,
  members,
  canWrite,
}: {
  cabinetId: string;
  members: readonly CabinetMember[];
  canWrite: boolean;
}) {
  const { l } = useScheduleLabels();
  const phone = useMediaQuery('(max-width: 36em)') ?? false;
  const compact = useMediaQuery('(max-width: 62em)') ?? false;
  const [month, setMonth] = useState(() => tokyoToday().slice(0, 7));
  const [form, setForm] = useState<FormTarget | null>(null);
  const [openKey, setOpenKey] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);
  const [saved, setSaved] = useState(false);
  const schedule = useSchedule(cabinetId, month);
  const facilities = useServiceFacilities(cabinetId, members);

  const view = schedule.data?.month === month ? schedule.data : undefined;
  const today = view?.today ?? tokyoToday();
  const [y, m] = month.split('-').map(Number) as [number, number];
  const monthTitle = l.monthTitle(y, m);
  const open = view?.occurrences.find((o) => o.key === openKey) ?? null;
  const entryOf = (o: Occurrence): ScheduleEntryView | undefined =>
    view?.entries.find((e) => e.id === o.entryId);
  const add = (date: string) => {
    setSaved(false);
    setForm({ mode: 'create', date });
  };
  const defaultDay = today.startsWith(month) ? today : `${month}-01`;

  return (
    <Stack gap="sm" data-testid="schedule-panel">
      <Group justify="space-between" gap="xs" wrap="wrap">
        <Group gap={4} wrap="nowrap">
          <ActionIcon
            variant="default"
            size="lg"
            aria-label={l.prevMonth}
            onClick={() => setMonth(shiftMonth(month, -1))}
          >
            ‹
          </ActionIcon>
          <Title order={2} size="h4" miw={phone ? 110 : 130} ta="center" aria-live="polite">
            {monthTitle}
          </Title>
          <ActionIcon
            variant="default"
            size="lg"
            aria-label={l.nextMonth}
            onClick={() => setMonth(shiftMonth(month, 1))}
          >
            ›
          </ActionIcon>
          {!today.startsWith(month) && (
            <Button variant="subtle" size="compact-sm" onClick={() => setMonth(today.slice(0, 7))}>
              {l.thisMonth}
            </Button>
          )}
          {view && view.conflicts > 0 && (
            <Badge color="red" variant="filled" ml={4} data-testid="schedule-conflicts">
              {l.conflictCount(view.conflicts)}
            </Badge>
          )}
        </Group>
        <Group gap="xs">
          {canWrite && (
            <Button size="sm" onClick={() => add(defaultDay)} data-testid="schedule-add">
              {l.add}
            </Button>
          )}
          <Button
            size="sm"
            variant="default"
            component="a"
            href={csvUrl(cabinetId, month)}
            download={`schedule-${month}.csv`}
            data-testid="schedule-export"
          >
            {l.exportCsv}
          </Button>
          {canWrite && (
            <Button
              size="sm"
              variant="default"
              onClick={() => setImporting(true)}
              data-testid="schedule-import-open"
            >
              {l.importCsv}
            </Button>
          )}
        </Group>
      </Group>
      {saved && (
        <Alert
          color="teal"
          role="status"
          withCloseButton
          closeButtonLabel={l.close}
          onClose={() => setSaved(false)}
        >
          {l.saved}
        </Alert>
      )}
      {schedule.isError ? (
        <ErrorAlert error={schedule.error} onRetry={() => void schedule.refetch()} />
      ) : !view ? (
        <Loading />
      ) : phone ? (
        <DayList
          month={month}
          today={today}
          occurrences={view.occurrences}
          canWrite={canWrite}
          onOpen={(o) => setOpenKey(o.key)}
          onAdd={add}
        />
      ) : (
        <>
          <MonthGrid
            month={month}
            today={today}
            occurrences={view.occurrences}
            canWrite={canWrite}
            compact={compact}
            onOpen={(o) => setOpenKey(o.key)}
            onAdd={add}
          />
          {view.occurrences.length === 0 && (
            <Text c="dimmed" size="sm">
              {l.empty}
            </Text>
          )}
        </>
      )}
      {open && view && (
        <OccurrenceModal
          key={open.key}
          cabinetId={cabinetId}
          occurrence={open}
          entry={entryOf(open)}
          others={view.occurrences}
          canWrite={canWrite}
          fullScreen={phone}
          onClose={() => setOpenKey(null)}
          onEdit={(entry) => {
            setOpenKey(null);
            setSaved(false);
            setForm({ mode: 'edit', entry });
          }}
        />
      )}
      {form && (
        <EntryFormModal
          cabinetId={cabinetId}
          target={form}
          members={members}
          facilities={facilities}
          fullScreen={phone}
          onClose={() => setForm(null)}
          onSaved={(entry) => {
            setForm(null);
            setSaved(true);
            setMonth(
              entry.date.slice(0, 7) === month || entry.recurrence.type !== 'none'
                ? month
                : entry.date.slice(0, 7),
            );
          }}
        />
      )}
      {importing && (
        <ImportModal
          cabinetId={cabinetId}
          month={month}
          monthTitle={monthTitle}
          fullScreen={phone}
          onClose={() => setImporting(false)}
        />
      )}
    </Stack>
  );
}

/**
 * The facilities a service may be scheduled for: the cabinet's group's (from the groups of the user's
 * facility), else the team's own facilities.
 */
function useServiceFacilities(cabinetId: string, members: readonly CabinetMember[]) {
  const detail = useCabinet(cabinetId);
  const groups = useGroups();
  return useMemo(() => {
    const group = groups.data?.find((g) => g.id === detail.data?.group.id);
    if (group && group.facilities.length > 0)
      return group.facilities.map((f) => ({ oid: f.oid, name: f.name }));
    const seen = new Map<string, string>();
    for (const m of members) if (!seen.has(m.facilityOid)) seen.set(m.facilityOid, m.facilityName);
    return [...seen].map(([oid, name]) => ({ oid, name }));
  }, [groups.data, detail.data, members]);
}
