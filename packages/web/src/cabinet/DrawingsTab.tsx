import { BODY_DIAGRAMS, type BodyDiagramId } from '@hie/contract';
import { Badge, Button, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useI18n } from '../i18n/index';
import { ErrorAlert, Loading } from '../layout/Feedback';
import { westernDate } from '../lib/dates';
import { useDrawings } from './drawings/api';

/**
 * シェーマ: the series drawn in this cabinet (a body diagram and a name, e.g. 仙骨部褥瘡 on 仙骨部), each
 * with its count and last day, and 比較 to see them side by side over time.
 */
export function DrawingsTab({
  cabinetId,
  onCompare,
}: {
  cabinetId: string;
  onCompare: (series: { bodyPart: BodyDiagramId; label: string }) => void;
}) {
  const { t, lang } = useI18n();
  const drawings = useDrawings(cabinetId);
  if (drawings.isPending) return <Loading />;
  if (drawings.isError) return <ErrorAlert error={drawings.error} onRetry={() => void drawings.refetch()} />;
  const series = drawings.data.series;
  return (
    <Stack gap="sm" data-testid="drawings-tab">
      <div>
        <Title order={2} size="h4">
          {t('cabinet.drawingsTab.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('cabinet.drawingsTab.intro')}
        </Text>
      </div>
      {series.length === 0 ? (
        <Text c="dimmed">{t('cabinet.drawingsTab.empty')}</Text>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
          {series.map((s) => {
            const latest = drawings.data.drawings.find(
              (d) => d.bodyPart === s.bodyPart && d.label === s.label,
            );
            return (
              <Paper
                key={`${s.bodyPart}|${s.label}`}
                withBorder
                radius="md"
                p="sm"
                data-testid="drawing-series"
              >
                <Group gap="sm" wrap="nowrap" align="center">
                  {latest && (
                    <img
                      src={latest.thumbnailUrl ?? latest.url}
                      alt=""
                      width={72}
                      height={72}
                      style={{
                        objectFit: 'contain',
                        background: '#fff',
                        border: '1px solid var(--mantine-color-gray-3)',
                        borderRadius: 6,
                        flexShrink: 0,
                      }}
                    />
                  )}
                  <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
                    <Text fw={700} truncate title={s.label}>
                      {s.label}
                    </Text>
                    <Text size="sm" c="dimmed" truncate>
                      {BODY_DIAGRAMS[s.bodyPart]?.name[lang] ?? s.bodyPart}
                    </Text>
                    <Group gap={6}>
                      <Badge variant="light" color="gray">
                        {t('cabinet.drawingsTab.count', { count: s.count })}
                      </Badge>
                      <Text size="xs" c="dimmed">
                        {t('cabinet.drawingsTab.last', { at: westernDate(s.lastAt) })}
                      </Text>
                    </Group>
                  </Stack>
                  <Button
                    size="md"
                    variant="light"
                    onClick={() => onCompare({ bodyPart: s.bodyPart, label: s.label })}
                    style={{ flexShrink: 0 }}
                  >
                    {t('cabinet.drawingsTab.compare')}
                  </Button>
                </Group>
              </Paper>
            );
          })}
        </SimpleGrid>
      )}
    </Stack>
  );
}
