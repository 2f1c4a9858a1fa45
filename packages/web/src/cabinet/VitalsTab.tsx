import { Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { lazy, Suspense, useMemo } from 'react';
import { useI18n } from '../i18n/index';
import { ErrorAlert, Loading } from '../layout/Feedback';
import { westernDateTime } from '../lib/dates';
import { useVitals } from './core/api';
import { type VitalChart, vitalCharts, vitalOption } from './vitals';

const EChart = lazy(() => import('../charts/EChart'));

/** バイタル: a line chart per vital sign from the posts' template inputs (blood pressure as one). */
export function VitalsTab({ cabinetId }: { cabinetId: string }) {
  const { t, lang } = useI18n();
  const vitals = useVitals(cabinetId);
  const charts = useMemo(
    () => (vitals.data ? vitalCharts(vitals.data, lang, t('cabinet.vitals.bp')) : []),
    [vitals.data, lang, t],
  );
  if (vitals.isPending) return <Loading />;
  if (vitals.isError) return <ErrorAlert error={vitals.error} onRetry={() => void vitals.refetch()} />;
  if (charts.length === 0) return <Text c="dimmed">{t('cabinet.vitals.empty')}</Text>;
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" data-testid="vitals">
      {charts.map((chart) => (
        <VitalCard key={chart.key} chart={chart} />
      ))}
    </SimpleGrid>
  );
}

function VitalCard({ chart }: { chart: VitalChart }) {
  const { t } = useI18n();
  const option = useMemo(() => vitalOption(chart), [chart]);
  const count = chart.lines.reduce((n, l) => n + l.points.length, 0);
  const rows = chart.lines
    .flatMap((l) => l.points.map((p) => ({ ...p, name: l.name })))
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  return (
    <Paper withBorder p="sm" radius="md" data-testid={`vital-${chart.key}`}>
      <Stack gap="xs">
        <Title order={2} size="h5">
          {chart.title}
          {chart.unit && (
            <Text span size="sm" c="dimmed" ml={6}>
              （{chart.unit}）
            </Text>
          )}
        </Title>
        <Suspense fallback={<Loading />}>
          <EChart
            option={option}
            height={240}
            label={t('cabinet.vitals.chartLabel', { name: chart.title, count })}
            points={count}
          />
        </Suspense>
        <details>
          <summary>
            <Text span size="sm">
              {t('cabinet.vitals.values')}
            </Text>
          </summary>
          <Table.ScrollContainer minWidth={260} maxHeight={240}>
            <Table striped verticalSpacing={2} fz="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('cabinet.vitals.at')}</Table.Th>
                  {chart.lines.length > 1 && <Table.Th />}
                  <Table.Th>{t('cabinet.vitals.value')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((r) => (
                  <Table.Tr key={`${r.postId}-${r.name}-${r.at}`}>
                    <Table.Td>{westernDateTime(r.at)}</Table.Td>
                    {chart.lines.length > 1 && <Table.Td>{r.name}</Table.Td>}
                    <Table.Td>
                      {r.value} {chart.unit}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </details>
      </Stack>
    </Paper>
  );
}
