import { SCHEDULE_KINDS, type ScheduleEntryView } from '@hie/contract';
import {
  Alert,
  Badge,
  Button,
  Divider,
  Group,
  List,
  Modal,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ConfirmAction } from '../core/ConfirmAction';
import { cabinetError } from '../core/errors';
import { addException, deleteEntry, removeException, useScheduleWrite } from './api';
import { describeRecurrence, type Occurrence } from './calendar';
import { KIND_COLORS } from './labels';
import { occurrenceText } from './MonthGrid';
import { useScheduleLabels } from './useScheduleLabels';

/**
 * One occurrence: what, when, who, its rule and its conflicts; for writers, cancel or move this one,
 * restore it, edit or delete the whole entry.
 */
export function OccurrenceModal({
  cabinetId,
  occurrence,
  entry,
  others,
  canWrite,
  fullScreen,
  onClose,
  onEdit,
}: {
  cabinetId: string;
  occurrence: Occurrence;
  entry: ScheduleEntryView | undefined;
  /** The month's occurrences, to name the conflicting ones. */
  others: readonly Occurrence[];
  canWrite: boolean;
  fullScreen: boolean;
  onClose: () => void;
  onEdit: (entry: ScheduleEntryView) => void;
}) {
  const { l, lang } = useScheduleLabels();
  const o = occurrence;
  const [moving, setMoving] = useState(false);
  const [moveTo, setMoveTo] = useState({ date: o.date, startTime: o.startTime, endTime: o.endTime });
  const [error, setError] = useState<string | null>(null);
  const exception = useScheduleWrite(cabinetId, (body: Parameters<typeof addException>[2]) =>
    addException(cabinetId, o.entryId, body),
  );
  const restore = useScheduleWrite(cabinetId, () => removeException(cabinetId, o.entryId, o.originalDate));
  const remove = useScheduleWrite(cabinetId, () => deleteEntry(cabinetId, o.entryId));
  const rule = entry ? describeRecurrence(entry.recurrence, l, lang) : null;
  const run = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      onClose();
    } catch (e) {
      setError(cabinetError(e, lang));
    }
  };
  const move = (event: FormEvent) => {
    event.preventDefault();
    void run(() => exception.mutateAsync({ date: o.originalDate, moveTo }));
  };
  const conflictNames = o.conflicts.map((c) => {
    const other = others.find((x) => x.key === c.key);
    return {
      key: c.key,
      text: other ? occurrenceText(other, lang) : c.entryId,
      why: c.reasons.map((r) => (r === 'same-person' ? l.conflictSamePerson : l.conflictPatient)).join(' / '),
    };
  });

  return (
    <Modal
      opened
      onClose={onClose}
      fullScreen={fullScreen}
      title={
        <Group gap="xs">
          <Badge color={KIND_COLORS[o.kind]} variant="light" size="lg">
            {SCHEDULE_KINDS[o.kind][lang]}
          </Badge>
          {o.status === 'cancelled' && <Badge color="gray">{l.cancelled}</Badge>}
          {o.status === 'moved' && <Badge color="yellow">{l.moved}</Badge>}
          {o.conflicts.length > 0 && <Badge color="red">{l.conflict}</Badge>}
        </Group>
      }
    >
      <Stack gap="sm" data-testid="schedule-occurrence">
        <Text fw={600}>
          {o.date.replaceAll('-', '/')} {o.startTime}–
          {o.endDate !== o.date ? `${o.endDate.replaceAll('-', '/')} ` : ''}
          {o.endTime}
        </Text>
        {o.status === 'moved' && (
          <Text size="sm" c="dimmed">
            {l.movedFrom(o.originalDate.replaceAll('-', '/'))}
          </Text>
        )}
        <SimpleGrid cols={2} spacing={4} verticalSpacing={4}>
          <Text size="sm" c="dimmed">
            {l.person}
          </Text>
          <Text size="sm">
            {o.person ? (o.person.name ?? o.person.userId) : '—'}
            {entry?.person && !entry.person.active ? l.inactive : ''}
          </Text>
          <Text size="sm" c="dimmed">
            {l.facility}
          </Text>
          <Text size="sm">{o.facility.name ?? o.facility.oid}</Text>
          {rule && (
            <>
              <Text size="sm" c="dimmed">
                {l.recurring}
              </Text>
              <Text size="sm">{rule}</Text>
            </>
          )}
          {o.note && (
            <>
              <Text size="sm" c="dimmed">
                {l.note}
              </Text>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {o.note}
              </Text>
            </>
          )}
        </SimpleGrid>
        {conflictNames.length > 0 && (
          <Alert color="red" title={l.conflict} role="status">
            <List size="sm" spacing={2}>
              {conflictNames.map((c) => (
                <List.Item key={c.key}>
                  {c.text} — {c.why}
                </List.Item>
              ))}
            </List>
          </Alert>
        )}
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        {canWrite && (
          <>
            <Divider label={l.occurrence} labelPosition="left" />
            {o.status === 'scheduled' ? (
              <Group gap="xs">
                <ConfirmAction
                  label={l.cancelOne}
                  title={l.cancelOne}
                  message={`${o.date.replaceAll('-', '/')} ${occurrenceText(o, lang)} — ${l.cancelOneConfirm}`}
                  confirmLabel={l.cancelOne}
                  onConfirm={() => run(() => exception.mutateAsync({ date: o.originalDate, cancel: true }))}
                  buttonProps={{ size: 'xs' }}
                  testId="schedule-cancel-one"
                />
                <Button size="xs" variant="light" onClick={() => setMoving((m) => !m)}>
                  {l.moveOne}
                </Button>
              </Group>
            ) : (
              <Group>
                <Button
                  size="xs"
                  variant="light"
                  loading={restore.isPending}
                  onClick={() => void run(() => restore.mutateAsync(undefined))}
                  data-testid="schedule-restore"
                >
                  {l.restore}
                </Button>
              </Group>
            )}
            {moving && (
              <form onSubmit={move}>
                <Stack gap="xs">
                  <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="xs">
                    <TextInput
                      type="date"
                      label={l.moveTo}
                      value={moveTo.date}
                      onChange={(e) => setMoveTo({ ...moveTo, date: e.currentTarget.value })}
                      required
                    />
                    <TextInput
                      type="time"
                      step={300}
                      label={l.start}
                      value={moveTo.startTime}
                      onChange={(e) => setMoveTo({ ...moveTo, startTime: e.currentTarget.value })}
                      required
                    />
                    <TextInput
                      type="time"
                      step={300}
                      label={l.end}
                      value={moveTo.endTime}
                      onChange={(e) => setMoveTo({ ...moveTo, endTime: e.currentTarget.value })}
                      required
                    />
                  </SimpleGrid>
                  <Group justify="flex-end">
                    <Button type="submit" size="xs" loading={exception.isPending}>
                      {l.save}
                    </Button>
                  </Group>
                </Stack>
              </form>
            )}
            <Divider />
            <Group justify="space-between">
              {entry && (
                <Button size="xs" variant="default" onClick={() => onEdit(entry)} data-testid="schedule-edit">
                  {l.edit}
                </Button>
              )}
              <ConfirmAction
                label={l.delete}
                title={l.delete}
                message={l.deleteConfirm}
                confirmLabel={l.delete}
                onConfirm={() => run(() => remove.mutateAsync(undefined))}
                buttonProps={{ size: 'xs' }}
                testId="schedule-delete"
              />
            </Group>
          </>
        )}
      </Stack>
    </Modal>
  );
}
