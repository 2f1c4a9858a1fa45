import { Badge, Box, Group, Stack, Text } from '@mantine/core';
import type { CSSProperties } from 'react';
import { useI18n } from '../../i18n';
import { westernDate } from '../../lib/dates';
import { axisTicks, position, type Timeline, type TimelineBar } from '../../records/medication-timeline';
import { FacilityBadge, facilityColor } from './common';

const LANE = 10;
const LANE_GAP = 3;
const NAME_COLUMN = 'minmax(120px, 220px) 1fr';

const STOPPED: CSSProperties = {
  background:
    'repeating-linear-gradient(135deg, var(--mantine-color-gray-6) 0 3px, var(--mantine-color-gray-1) 3px 6px)',
  outline: '1px solid var(--mantine-color-gray-7)',
};
const DUPLICATE_BAND: CSSProperties = { background: 'rgba(224, 49, 49, 0.18)' };

function barStyle(oid: string, bar: TimelineBar): CSSProperties {
  if (bar.stopped) return STOPPED;
  const color = `var(--mantine-color-${facilityColor(oid)}-6)`;
  // Without days the end is assumed: the bar fades out instead of ending sharply.
  return { background: bar.unknownEnd ? `linear-gradient(90deg, ${color} 40%, transparent)` : color };
}

/** 薬剤別: a Gantt-like row per drug, one lane per facility, bars for the supply periods. */
export function MedicationsTimeline({ timeline, today }: { timeline: Timeline; today: string }) {
  const { t } = useI18n();
  const window = { from: timeline.from, to: timeline.to };
  if (timeline.rows.length === 0) return <Text c="dimmed">{t('medications.timelineNone')}</Text>;
  const ticks = axisTicks(window);
  const facilities = new Map<string, string>();
  for (const row of timeline.rows) for (const l of row.lanes) facilities.set(l.facilityOid, l.facilityName);
  const todayAt = today >= window.from && today <= window.to ? position(today, window) : null;
  const tickLabel = (tick: { year: number; month: number }, i: number) =>
    ticks.length > 14 && tick.month !== 1 && i !== 0
      ? ''
      : tick.month === 1 || i === 0
        ? ticks.every((x) => x.month === 1)
          ? t('medications.year', { year: tick.year })
          : t('medications.yearMonth', { year: tick.year, month: tick.month })
        : t('medications.month', { month: tick.month });
  const grid = (children: React.ReactNode, extra: CSSProperties = {}) => (
    <Box style={{ display: 'grid', gridTemplateColumns: NAME_COLUMN, columnGap: 12, ...extra }}>
      {children}
    </Box>
  );
  const lines = (
    <>
      {ticks.map((tick) => (
        <Box
          key={tick.day}
          aria-hidden
          style={{
            position: 'absolute',
            top: 0,
            bottom: 0,
            left: `${position(tick.day, window)}%`,
            borderLeft: `1px ${tick.month === 1 ? 'solid' : 'dotted'} var(--mantine-color-gray-4)`,
          }}
        />
      ))}
      {todayAt !== null && (
        <Box
          aria-hidden
          style={{
            position: 'absolute',
            top: 0,
            bottom: 0,
            left: `${todayAt}%`,
            borderLeft: '2px solid var(--mantine-color-dark-4)',
          }}
        />
      )}
    </>
  );
  return (
    <Stack gap="xs" data-testid="med-timeline">
      <Text size="xs" c="dimmed">
        {t('medications.timelineCaption')} · {westernDate(window.from)}〜{westernDate(window.to)} ·{' '}
        {t('medications.rows', { count: timeline.rows.length })}
      </Text>
      <Group gap="xs" wrap="wrap" aria-label={t('medications.legend')} role="group">
        {[...facilities].map(([oid, name]) => (
          <Group key={oid} gap={4} wrap="nowrap">
            <Box
              aria-hidden
              w={18}
              h={LANE}
              style={{ background: `var(--mantine-color-${facilityColor(oid)}-6)`, borderRadius: 2 }}
            />
            <FacilityBadge oid={oid} name={name} />
          </Group>
        ))}
        <Group gap={4} wrap="nowrap">
          <Box aria-hidden w={18} h={LANE} style={{ ...STOPPED, borderRadius: 2 }} />
          <Text size="xs">{t('medications.legendStopped')}</Text>
        </Group>
        <Group gap={4} wrap="nowrap">
          <Box aria-hidden w={18} h={LANE + 6} style={DUPLICATE_BAND} />
          <Text size="xs">{t('medications.legendDuplicate')}</Text>
        </Group>
        <Group gap={4} wrap="nowrap">
          <Box aria-hidden w={2} h={LANE + 6} style={{ background: 'var(--mantine-color-dark-4)' }} />
          <Text size="xs">{t('medications.legendToday')}</Text>
        </Group>
      </Group>
      {grid(
        <>
          <span />
          <Box aria-hidden style={{ position: 'relative', height: 20 }}>
            {ticks.map((tick, i) => (
              <Text
                key={tick.day}
                size="xs"
                c="dark.4"
                style={{
                  position: 'absolute',
                  left: `${position(tick.day, window)}%`,
                  paddingLeft: 3,
                  whiteSpace: 'nowrap',
                }}
              >
                {tickLabel(tick, i)}
              </Text>
            ))}
          </Box>
        </>,
        { position: 'sticky', top: 0 },
      )}
      <Box
        component="ul"
        aria-label={t('medications.timelineCaption')}
        style={{ listStyle: 'none', margin: 0, padding: 0 }}
      >
        {timeline.rows.map((row) => {
          const height = row.lanes.length * (LANE + LANE_GAP) + 8;
          return (
            <Box
              component="li"
              key={row.key}
              data-testid="timeline-row"
              data-drug-key={row.key}
              style={{ borderTop: '1px solid var(--mantine-color-gray-3)', padding: '4px 0' }}
            >
              {grid(
                <>
                  <Group gap={4} align="center" wrap="wrap">
                    <Text size="sm" fw={row.current ? 700 : 400} lh={1.3} style={{ wordBreak: 'break-word' }}>
                      {row.name}
                    </Text>
                    {row.current && (
                      <Badge size="xs" variant="light" color="teal" radius="sm" tt="none">
                        {t('medications.taking')}
                      </Badge>
                    )}
                    {row.duplicates.length > 0 && (
                      <Badge size="xs" color="red" radius="sm" tt="none">
                        {t('medications.duplicate')}
                      </Badge>
                    )}
                  </Group>
                  <Box style={{ position: 'relative', minHeight: height, alignSelf: 'center' }}>
                    {lines}
                    {row.duplicates.map((d) => (
                      <Box
                        key={d.from}
                        aria-hidden
                        data-testid="timeline-duplicate"
                        style={{
                          ...DUPLICATE_BAND,
                          position: 'absolute',
                          top: 0,
                          bottom: 0,
                          left: `${position(d.from, window)}%`,
                          width: `${Math.max(0.4, position(d.to, window, true) - position(d.from, window))}%`,
                        }}
                      />
                    ))}
                    {row.lanes.map((lane, i) =>
                      lane.bars.map((bar) => {
                        const label = bar.stopped
                          ? t('medications.barStopped', {
                              facility: lane.facilityName,
                              from: westernDate(bar.start),
                            })
                          : t(bar.unknownEnd ? 'medications.barUnknown' : 'medications.bar', {
                              facility: lane.facilityName,
                              from: westernDate(bar.start),
                              to: westernDate(bar.end),
                              count: bar.count,
                            });
                        const left = position(bar.start, window);
                        return (
                          <Box
                            key={`${lane.facilityOid}-${bar.start}-${bar.stopped}`}
                            role="img"
                            aria-label={label}
                            title={label}
                            data-testid="timeline-bar"
                            data-facility={lane.facilityOid}
                            style={{
                              ...barStyle(lane.facilityOid, bar),
                              position: 'absolute',
                              top: 4 + i * (LANE + LANE_GAP),
                              height: LANE,
                              left: `${left}%`,
                              width: `${Math.max(0.4, position(bar.end, window, true) - left)}%`,
                              borderRadius: 2,
                            }}
                          />
                        );
                      }),
                    )}
                  </Box>
                </>,
              )}
            </Box>
          );
        })}
      </Box>
    </Stack>
  );
}
