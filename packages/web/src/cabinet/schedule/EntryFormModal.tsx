import {
  SCHEDULE_KIND_CODES,
  SCHEDULE_KINDS,
  SCHEDULE_WEEKDAYS,
  type ScheduleEntryView,
} from '@hie/contract';
import {
  Alert,
  Button,
  Chip,
  Group,
  Input,
  Modal,
  NumberInput,
  Radio,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../../api/client';
import { inLanguage } from '../core/cabinet-state';
import { cabinetError } from '../core/errors';
import type { CabinetMember } from '../core/types';
import { createEntry, updateEntry, useScheduleWrite } from './api';
import {
  type EntryForm,
  emptyForm,
  entryToForm,
  formField,
  formProblems,
  formToInput,
  personValue,
  type Repeat,
} from './calendar';
import { useScheduleLabels } from './useScheduleLabels';

/** Monday first, as the care plan's week is written. */
const WEEKDAY_ORDER = [1, 2, 3, 4, 5, 6, 0];
const NTHS = [1, 2, 3, 4, 5, -1];

export type FormTarget = { mode: 'create'; date: string } | { mode: 'edit'; entry: ScheduleEntryView };

/**
 * The entry form: kind, a member or a facility (a service), the day and times, nights for a stay,
 * how it repeats and until when, a note. The hub's refusals are shown at their fields.
 */
export function EntryFormModal({
  cabinetId,
  target,
  members,
  facilities,
  fullScreen,
  onClose,
  onSaved,
}: {
  cabinetId: string;
  target: FormTarget;
  members: readonly CabinetMember[];
  facilities: readonly { oid: string; name: string }[];
  fullScreen: boolean;
  onClose: () => void;
  onSaved: (entry: ScheduleEntryView) => void;
}) {
  const { l, lang } = useScheduleLabels();
  const [form, setForm] = useState<EntryForm>(() =>
    target.mode === 'edit' ? entryToForm(target.entry) : emptyForm(target.date),
  );
  const [problems, setProblems] = useState<Partial<Record<keyof EntryForm, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const save = useScheduleWrite(cabinetId, (input: ReturnType<typeof formToInput>) =>
    target.mode === 'edit' ? updateEntry(cabinetId, target.entry.id, input) : createEntry(cabinetId, input),
  );
  const set = (patch: Partial<EntryForm>) => setForm((f) => ({ ...f, ...patch }));

  const active = members.filter((m) => m.status === 'active');
  const personOptions = active.map((m) => ({
    value: personValue(m.userId, m.facilityOid),
    label: `${m.name}（${m.facilityName}）`,
  }));
  // An entry of someone who has since left keeps its person selectable, marked.
  if (target.mode === 'edit' && target.entry.person && !target.entry.person.active) {
    personOptions.push({
      value: personValue(target.entry.person.userId, target.entry.facility.oid),
      label: `${target.entry.person.name ?? target.entry.person.userId}${l.inactive}`,
    });
  }
  const facilityOptions = facilities.map((f) => ({ value: f.oid, label: f.name }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const own = formProblems(form, l);
    setProblems(own);
    if (Object.keys(own).length > 0) return;
    try {
      onSaved(await save.mutateAsync(formToInput(form)));
    } catch (e) {
      if (e instanceof ApiError && e.code === 'invalid-input' && Array.isArray(e.details)) {
        const byField: Partial<Record<keyof EntryForm, string>> = {};
        const rest: string[] = [];
        for (const d of e.details as { field: string; message: string }[]) {
          const field = formField(d.field);
          const message = inLanguage(d.message, lang);
          if (field) byField[field] = message;
          else rest.push(message);
        }
        setProblems(byField);
        setError(rest.length > 0 ? rest.join(' ') : l.fix);
      } else setError(cabinetError(e, lang));
    }
  };

  const weekdayChips = (
    <Input.Wrapper label={l.weekdays} error={problems.weekdays} withAsterisk>
      <Chip.Group multiple value={form.weekdays} onChange={(weekdays) => set({ weekdays })}>
        <Group gap={4} mt={4}>
          {WEEKDAY_ORDER.map((w) => (
            <Chip
              key={w}
              value={String(w)}
              size="xs"
              color={w === 0 ? 'red' : w === 6 ? 'blue' : undefined}
              data-testid={`schedule-weekday-${w}`}
            >
              {SCHEDULE_WEEKDAYS[w]?.[lang]}
            </Chip>
          ))}
        </Group>
      </Chip.Group>
    </Input.Wrapper>
  );

  return (
    <Modal
      opened
      onClose={onClose}
      fullScreen={fullScreen}
      size="lg"
      title={<Text fw={700}>{target.mode === 'edit' ? l.edit : l.add}</Text>}
    >
      <form onSubmit={submit} noValidate data-testid="schedule-form">
        <Stack gap="sm">
          <Select
            label={l.kind}
            withAsterisk
            allowDeselect={false}
            data={SCHEDULE_KIND_CODES.map((k) => ({ value: k, label: SCHEDULE_KINDS[k][lang] }))}
            value={form.kind}
            onChange={(kind) => kind && set({ kind: kind as EntryForm['kind'] })}
            error={problems.kind}
          />
          <Input.Wrapper label={l.who}>
            <SegmentedControl
              fullWidth
              mt={4}
              value={form.who}
              onChange={(who) => set({ who: who as EntryForm['who'] })}
              data={[
                { value: 'person', label: l.whoPerson },
                { value: 'facility', label: l.whoFacility },
              ]}
            />
          </Input.Wrapper>
          {form.who === 'person' ? (
            <Select
              label={l.person}
              withAsterisk
              searchable
              data={personOptions}
              value={form.person || null}
              onChange={(person) => set({ person: person ?? '' })}
              error={problems.person}
              data-testid="schedule-person"
            />
          ) : (
            <Select
              label={l.facility}
              withAsterisk
              searchable
              data={facilityOptions}
              value={form.facility || null}
              onChange={(facility) => set({ facility: facility ?? '' })}
              error={problems.facility}
            />
          )}
          <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
            <TextInput
              type="date"
              label={form.repeat === 'none' ? l.date : l.firstDate}
              withAsterisk
              value={form.date}
              onChange={(e) => set({ date: e.currentTarget.value })}
              error={problems.date}
            />
            <TextInput
              type="time"
              step={300}
              label={l.start}
              withAsterisk
              value={form.startTime}
              onChange={(e) => set({ startTime: e.currentTarget.value })}
              error={problems.startTime}
            />
            <TextInput
              type="time"
              step={300}
              label={l.end}
              withAsterisk
              value={form.endTime}
              onChange={(e) => set({ endTime: e.currentTarget.value })}
              error={problems.endTime}
            />
            <NumberInput
              label={l.nights}
              min={0}
              max={60}
              allowDecimal={false}
              value={form.nights}
              onChange={(v) => set({ nights: typeof v === 'number' ? v : Number(v) || 0 })}
              error={problems.nights}
            />
          </SimpleGrid>
          <Radio.Group
            label={l.recurrence}
            value={form.repeat}
            onChange={(value) => {
              const repeat = value as Repeat;
              set({
                repeat,
                interval:
                  repeat === 'monthly' ? 1 : repeat === 'every-weeks' ? Math.max(2, form.interval) : 1,
              });
            }}
            error={problems.repeat}
          >
            <Group gap="md" mt={6}>
              <Radio value="none" label={l.repeatNone} />
              <Radio value="weekly" label={l.repeatWeekly} />
              <Radio value="every-weeks" label={l.repeatEveryWeeks} />
              <Radio value="monthly" label={l.repeatMonthly} />
            </Group>
          </Radio.Group>
          {form.repeat !== 'none' && (
            <Stack gap="sm" pl="sm" style={{ borderLeft: '3px solid var(--mantine-color-default-border)' }}>
              {form.repeat === 'monthly' && (
                <Input.Wrapper label={l.nths} error={problems.nths} withAsterisk>
                  <Chip.Group multiple value={form.nths} onChange={(nths) => set({ nths })}>
                    <Group gap={4} mt={4}>
                      {NTHS.map((n) => (
                        <Chip key={n} value={String(n)} size="xs">
                          {l.nth(n)}
                        </Chip>
                      ))}
                    </Group>
                  </Chip.Group>
                </Input.Wrapper>
              )}
              {weekdayChips}
              {(form.repeat === 'every-weeks' || form.repeat === 'monthly') && (
                <NumberInput
                  label={form.repeat === 'monthly' ? l.intervalMonths : l.interval}
                  min={form.repeat === 'monthly' ? 1 : 2}
                  max={12}
                  allowDecimal={false}
                  w={160}
                  value={form.interval}
                  onChange={(v) => set({ interval: typeof v === 'number' ? v : Number(v) || 1 })}
                  error={problems.interval}
                />
              )}
              <Radio.Group
                label={l.ends}
                value={form.ends}
                onChange={(ends) => set({ ends: ends as EntryForm['ends'] })}
              >
                <Group gap="md" mt={6}>
                  <Radio value="never" label={l.endsNever} />
                  <Radio value="until" label={l.endsUntil} />
                  <Radio value="count" label={l.endsCount} />
                </Group>
              </Radio.Group>
              {form.ends === 'until' && (
                <TextInput
                  type="date"
                  label={l.until}
                  w={200}
                  value={form.until}
                  onChange={(e) => set({ until: e.currentTarget.value })}
                  error={problems.until}
                />
              )}
              {form.ends === 'count' && (
                <NumberInput
                  label={l.count}
                  min={1}
                  max={999}
                  allowDecimal={false}
                  w={160}
                  value={form.count}
                  onChange={(v) => set({ count: typeof v === 'number' ? v : Number(v) || 1 })}
                  error={problems.count}
                />
              )}
            </Stack>
          )}
          <Textarea
            label={l.note}
            autosize
            minRows={2}
            maxLength={500}
            value={form.note}
            onChange={(e) => set({ note: e.currentTarget.value })}
            error={problems.note}
          />
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {l.cancel}
            </Button>
            <Button type="submit" loading={save.isPending} data-testid="schedule-save">
              {l.save}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
