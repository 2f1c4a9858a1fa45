import { BODY_DIAGRAMS, type BodyDiagramId } from '@hie/contract';
import { Alert, Chip, Group, Loader, Paper, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { useMemo, useState } from 'react';
import { errorMessage } from '../../api/errors';
import { westernDate, westernDateTime } from '../../lib/dates';
import { drawingSvgUrl, useDrawings } from './api';
import { COMPARE_MAX, defaultPick, sideBySide, togglePick } from './compare';
import { useDrawingLabels } from './labels';
import { StampLegend } from './StampLegend';

const seriesKey = (s: { bodyPart: string; label: string }) => JSON.stringify([s.bodyPart, s.label]);

/**
 * One wound over time: the drawings of one series (a body diagram and a name, e.g. 仙骨部褥瘡) side by
 * side, oldest on the left, with their dates — 2 to 4 of them, the newest two first. Without a series
 * given, the cabinet's series are offered.
 */
export function DrawingCompare({
  cabinetId,
  bodyPart,
  label,
}: {
  cabinetId: string;
  bodyPart?: BodyDiagramId | null;
  label?: string | null;
}) {
  const { L, lang } = useDrawingLabels();
  const all = useDrawings(cabinetId);
  const [chosenSeries, setChosenSeries] = useState<{ bodyPart: BodyDiagramId; label: string } | null>(
    bodyPart && label ? { bodyPart, label } : null,
  );
  const current = chosenSeries ?? all.data?.series[0] ?? null;
  const series = useDrawings(cabinetId, current ?? {}, !!current);
  const drawings = series.data?.drawings ?? [];
  const [picked, setPicked] = useState<string[] | null>(null);
  const chosen = (picked ?? defaultPick(drawings)).filter((id) => drawings.some((d) => d.id === id));
  const shown = useMemo(() => sideBySide(drawings, chosen), [drawings, chosen]);

  if (all.isPending || (current && series.isPending)) return <Loader size="sm" m="md" />;
  const error = all.error ?? series.error;
  if (error) return <Alert color="red">{errorMessage(error, lang)}</Alert>;
  if (!current) return <Text c="dimmed">{L.seriesNone}</Text>;

  const options = (all.data?.series ?? []).map((s) => ({
    value: seriesKey(s),
    label: `${s.label} — ${BODY_DIAGRAMS[s.bodyPart]?.name[lang] ?? s.bodyPart}（${L.drawn(s.count)}）`,
  }));
  if (!options.some((o) => o.value === seriesKey(current))) {
    options.unshift({
      value: seriesKey(current),
      label: `${current.label} — ${BODY_DIAGRAMS[current.bodyPart]?.name[lang] ?? ''}`,
    });
  }

  return (
    <Stack gap="sm">
      <Select
        label={L.series}
        size="md"
        allowDeselect={false}
        value={seriesKey(current)}
        data={options}
        onChange={(value) => {
          if (!value) return;
          const [part, name] = JSON.parse(value) as [BodyDiagramId, string];
          setChosenSeries({ bodyPart: part, label: name });
          setPicked(null);
        }}
      />
      <Stack gap={4}>
        <Text size="sm" fw={500}>
          {L.choose}
        </Text>
        <Group gap={6}>
          {drawings.map((d) => (
            <Chip
              key={d.id}
              size="md"
              checked={chosen.includes(d.id)}
              onChange={() => setPicked(togglePick(chosen, d.id))}
              disabled={!chosen.includes(d.id) && chosen.length >= COMPARE_MAX}
              title={chosen.length >= COMPARE_MAX ? L.chooseMax : undefined}
            >
              {westernDate(d.createdAt)}
            </Chip>
          ))}
        </Group>
      </Stack>
      <SimpleGrid cols={{ base: Math.min(2, shown.length || 1), sm: Math.max(1, shown.length) }} spacing="sm">
        {shown.map(({ drawing, days }) => (
          <Paper key={drawing.id} withBorder radius="md" p={6}>
            <Group justify="space-between" gap={4} wrap="nowrap">
              <Text size="sm" fw={700}>
                {westernDateTime(drawing.createdAt)}
              </Text>
              <Text size="xs" c="dimmed">
                {L.daysAfter(days)}
              </Text>
            </Group>
            <img
              src={drawingSvgUrl(cabinetId, drawing.id, lang)}
              alt={`${drawing.label} ${westernDate(drawing.createdAt)}`}
              style={{ display: 'block', width: '100%', height: 'auto', background: '#fff', marginTop: 4 }}
            />
            <Text size="xs" c="dimmed" mt={4}>
              {L.by(drawing.author.name)}
              {drawing.postId ? '' : `・${L.draft}`}
            </Text>
          </Paper>
        ))}
      </SimpleGrid>
      <StampLegend />
    </Stack>
  );
}
