import { SCHEDULE_KINDS, SCHEDULE_WEEKDAYS } from '@hie/contract';
import { ActionIcon, Badge, Box, Group, Paper, Stack, Text, UnstyledButton } from '@mantine/core';
import type { CSSProperties } from 'react';
import { type DayItem, monthDays, monthGrid, type Occurrence, occurrencesByDay } from './calendar';
import { KIND_COLORS } from './labels';
import { useScheduleLabels } from './useScheduleLabels';

/** Sunday red, Saturday blue, as on a Japanese calendar. */
export const weekdayColor = (weekday: number): string | undefined =>
  weekday === 0 ? 'red.9' : weekday === 6 ? 'blue.9' : undefined;

const shortName = (name: string | null | undefined) => (name ?? '').split(/[\s　]/)[0] ?? '';

/** An occurrence's words for a screen reader and a tooltip. */
export function occurrenceText(o: Occurrence, lang: 'ja' | 'en'): string {
  const who = o.person?.name ?? o.facility.name ?? o.facility.oid;
  const end = o.endDate === o.date ? o.endTime : `${o.endDate.slice(5).replace('-', '/')} ${o.endTime}`;
  return `${o.startTime}–${end} ${SCHEDULE_KINDS[o.kind][lang]} ${who}`;
}

/** One occurrence as a coloured chip: time, kind, person (or facility); 重複 in red when it conflicts. */
export function OccurrenceChip({
  item,
  compact,
  onOpen,
}: {
  item: DayItem;
  compact: boolean;
  onOpen: (o: Occurrence) => void;
}) {
  const { l, lang } = useScheduleLabels();
  const o = item.occurrence;
  const color = KIND_COLORS[o.kind];
  const conflict = o.conflicts.length > 0;
  const cancelled = o.status === 'cancelled';
  const style: CSSProperties = {
    display: 'block',
    width: '100%',
    padding: compact ? '1px 4px' : '4px 8px',
    borderRadius: 4,
    borderLeft: `3px solid var(--mantine-color-${color}-filled)`,
    background: `var(--mantine-color-${color}-light)`,
    outline: conflict ? '2px solid var(--mantine-color-red-filled)' : undefined,
    outlineOffset: -1,
    opacity: cancelled ? 0.55 : 1,
    textDecoration: cancelled ? 'line-through' : undefined,
    minWidth: 0,
  };
  const who = o.person
    ? compact
      ? shortName(o.person.name)
      : (o.person.name ?? '')
    : (o.facility.name ?? '');
  return (
    <UnstyledButton
      style={style}
      onClick={() => onOpen(o)}
      aria-label={`${occurrenceText(o, lang)}${conflict ? ` ${l.conflict}` : ''}${cancelled ? ` ${l.cancelled}` : ''}`}
      title={occurrenceText(o, lang)}
      data-testid="schedule-chip"
      data-conflict={conflict || undefined}
    >
      <Group gap={4} wrap="nowrap" style={{ minWidth: 0 }}>
        <Text size="xs" fw={600} style={{ flexShrink: 0 }}>
          {item.continued
            ? '…'
            : compact
              ? o.startTime
              : `${o.startTime}–${o.endDate === o.date ? o.endTime : '…'}`}
        </Text>
        <Text size="xs" truncate="end" style={{ minWidth: 0 }}>
          {SCHEDULE_KINDS[o.kind][lang]}
        </Text>
      </Group>
      <Group gap={4} wrap="nowrap" justify="space-between" style={{ minWidth: 0 }}>
        <Text size="xs" c="dimmed" truncate="end" style={{ minWidth: 0 }}>
          {who}
          {o.status === 'moved' && !compact ? ` · ${l.moved}` : ''}
        </Text>
        {conflict && (
          <Badge color="red" size="xs" radius="sm" variant="filled" px={3} style={{ flexShrink: 0 }}>
            {l.conflict}
          </Badge>
        )}
      </Group>
    </UnstyledButton>
  );
}

/** The month as a calendar: a row of weekdays (日…土) and a cell per day; today highlighted. */
export function MonthGrid({
  month,
  today,
  occurrences,
  canWrite,
  compact,
  onOpen,
  onAdd,
}: {
  month: string;
  today: string;
  occurrences: readonly Occurrence[];
  canWrite: boolean;
  compact: boolean;
  onOpen: (o: Occurrence) => void;
  onAdd: (date: string) => void;
}) {
  const { l, lang } = useScheduleLabels();
  const byDay = occurrencesByDay(occurrences, month);
  const cols: CSSProperties = {
    display: 'grid',
    gridTemplateColumns: 'repeat(7, minmax(0, 1fr))',
  };
  const border = '1px solid var(--mantine-color-default-border)';
  return (
    <Box role="grid" aria-label={l.title} data-testid="schedule-grid" style={{ border, borderRadius: 6 }}>
      <Box role="row" style={cols}>
        {SCHEDULE_WEEKDAYS.map((w, i) => (
          <Text
            key={w.en}
            role="columnheader"
            ta="center"
            size="sm"
            fw={700}
            c={weekdayColor(i)}
            py={4}
            style={{ borderBottom: border, borderLeft: i > 0 ? border : undefined }}
          >
            {w[lang]}
          </Text>
        ))}
      </Box>
      {monthGrid(month).map((week) => (
        <Box role="row" key={week[0]?.date} style={cols}>
          {week.map((d) => {
            const items = byDay.get(d.date) ?? [];
            const isToday = d.date === today;
            return (
              <Box
                role="gridcell"
                key={d.date}
                aria-current={isToday ? 'date' : undefined}
                data-today={isToday || undefined}
                style={{
                  minHeight: compact ? 84 : 110,
                  padding: 3,
                  borderLeft: d.weekday > 0 ? border : undefined,
                  borderBottom: border,
                  background: isToday
                    ? 'var(--mantine-color-yellow-light)'
                    : d.inMonth
                      ? undefined
                      : 'var(--mantine-color-default-hover)',
                  minWidth: 0,
                }}
              >
                <Group justify="space-between" gap={0} wrap="nowrap" mb={2}>
                  <Text
                    size="sm"
                    fw={isToday ? 800 : 500}
                    c={d.inMonth ? weekdayColor(d.weekday) : 'dimmed'}
                    style={
                      isToday
                        ? {
                            border: '2px solid var(--mantine-color-yellow-filled)',
                            borderRadius: 999,
                            padding: '0 6px',
                          }
                        : undefined
                    }
                  >
                    {d.day}
                  </Text>
                  {canWrite && d.inMonth && (
                    <ActionIcon
                      size="xs"
                      variant="subtle"
                      aria-label={`${l.add} ${d.date}`}
                      onClick={() => onAdd(d.date)}
                    >
                      +
                    </ActionIcon>
                  )}
                </Group>
                {d.inMonth && (
                  <Stack gap={2}>
                    {items.map((item) => (
                      <OccurrenceChip
                        key={`${item.occurrence.key}-${d.date}`}
                        item={item}
                        compact={compact}
                        onOpen={onOpen}
                      />
                    ))}
                  </Stack>
                )}
              </Box>
            );
          })}
        </Box>
      ))}
    </Box>
  );
}

/** On a phone: the month as a list, a section per day that has something (today's always). */
export function DayList({
  month,
  today,
  occurrences,
  canWrite,
  onOpen,
  onAdd,
}: {
  month: string;
  today: string;
  occurrences: readonly Occurrence[];
  canWrite: boolean;
  onOpen: (o: Occurrence) => void;
  onAdd: (date: string) => void;
}) {
  const { l, lang } = useScheduleLabels();
  const byDay = occurrencesByDay(occurrences, month);
  const days = monthDays(month).filter((d) => byDay.has(d) || d === today);
  if (days.length === 0)
    return (
      <Text c="dimmed" py="md">
        {l.empty}
      </Text>
    );
  return (
    <Stack gap="xs" data-testid="schedule-list">
      {days.map((date) => {
        const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
        const isToday = date === today;
        const items = byDay.get(date) ?? [];
        return (
          <Paper
            key={date}
            withBorder
            p="xs"
            radius="md"
            aria-current={isToday ? 'date' : undefined}
            style={
              isToday ? { borderColor: 'var(--mantine-color-yellow-filled)', borderWidth: 2 } : undefined
            }
          >
            <Group justify="space-between" mb={4} wrap="nowrap">
              <Group gap={6}>
                <Text fw={700} c={weekdayColor(weekday)}>
                  {l.dayTitle(
                    Number(date.slice(5, 7)),
                    Number(date.slice(8)),
                    SCHEDULE_WEEKDAYS[weekday]?.[lang] ?? '',
                  )}
                </Text>
                {isToday && (
                  <Badge color="yellow" variant="light" size="sm">
                    {l.today}
                  </Badge>
                )}
              </Group>
              {canWrite && (
                <ActionIcon variant="light" aria-label={`${l.add} ${date}`} onClick={() => onAdd(date)}>
                  +
                </ActionIcon>
              )}
            </Group>
            <Stack gap={4}>
              {items.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {l.noneThatDay}
                </Text>
              ) : (
                items.map((item) => (
                  <OccurrenceChip key={item.occurrence.key} item={item} compact={false} onOpen={onOpen} />
                ))
              )}
            </Stack>
          </Paper>
        );
      })}
    </Stack>
  );
}
