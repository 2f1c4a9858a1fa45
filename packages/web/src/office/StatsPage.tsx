import { Button, Grid, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useMemo } from 'react';
import { api, apiBlob, saveBlob } from '../api/client';
import type { HubStats } from '../api/types';
import { useI18n } from '../i18n';
import { ErrorAlert, Loading } from '../layout/Feedback';

const EChart = lazy(() => import('../charts/EChart'));

function Figure({ label, value }: { label: string; value: number }) {
  return (
    <Paper withBorder p="md" radius="md">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {value.toLocaleString('ja-JP')}
      </Text>
    </Paper>
  );
}

const csv = (table: 'facilities' | 'users' | 'views', asOf: string) =>
  apiBlob('/admin/stats.csv', { query: { table } }).then((b) => saveBlob(b, `stats-${table}-${asOf}.csv`));

/** 利用統計: participation as the seed's tables show it, with charts and CSV export. */
export default function StatsPage() {
  const { t, lang } = useI18n();
  const stats = useQuery({ queryKey: ['admin', 'stats'], queryFn: () => api<HubStats>('/admin/stats') });
  const charts = useMemo(() => {
    if (!stats.data) return null;
    const s = stats.data;
    return {
      byType: {
        tooltip: { trigger: 'item' },
        series: [
          {
            type: 'pie',
            radius: ['35%', '65%'],
            data: s.facilities.byType
              .filter((r) => r.facilities > 0)
              .map((r) => ({ name: r.label[lang], value: r.facilities })),
          },
        ],
      },
      byProfession: {
        tooltip: { trigger: 'axis' },
        grid: { left: 140, right: 24, top: 8, bottom: 24 },
        xAxis: { type: 'value', minInterval: 1 },
        yAxis: { type: 'category', inverse: true, data: s.users.byProfession.map((r) => r.label[lang]) },
        series: [
          { type: 'bar', data: s.users.byProfession.map((r) => r.users), itemStyle: { color: '#0c8599' } },
        ],
      },
      perMonth: {
        tooltip: { trigger: 'axis' },
        legend: { top: 0 },
        grid: { left: 48, right: 24, top: 32, bottom: 32 },
        xAxis: { type: 'category', data: s.perMonth.map((r) => r.month) },
        yAxis: { type: 'value', minInterval: 1 },
        series: [
          {
            name: t('access.kind_view'),
            type: 'bar',
            stack: 'a',
            data: s.perMonth.map((r) => r.views),
            itemStyle: { color: '#0c8599' },
          },
          {
            name: t('access.kind_search'),
            type: 'bar',
            stack: 'a',
            data: s.perMonth.map((r) => r.searches),
            itemStyle: { color: '#74c0fc' },
          },
          {
            name: t('access.kind_break-glass'),
            type: 'line',
            data: s.perMonth.map((r) => r.breakGlass),
            itemStyle: { color: '#b3261e' },
          },
        ],
      },
    };
  }, [stats.data, lang, t]);

  if (stats.isPending) return <Loading />;
  if (stats.isError) return <ErrorAlert error={stats.error} onRetry={() => void stats.refetch()} />;
  const s = stats.data;

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('office.stats')}
        </Title>
        <Text size="sm" c="dimmed">
          {s.asOf}
        </Text>
      </Group>
      <SimpleGrid cols={{ base: 2, md: 5 }}>
        <Figure label={t('office.facilitiesTotal')} value={s.facilities.total} />
        <Figure label={t('office.discloses')} value={s.facilities.disclosing} />
        <Figure label={t('office.views')} value={s.facilities.viewing} />
        <Figure label={t('office.usersTotal')} value={s.users.total} />
        <Figure label={t('office.consented')} value={s.consentedPatients} />
      </SimpleGrid>
      <Grid>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Paper withBorder p="md" radius="md">
            <Group justify="space-between" mb="xs">
              <Title order={2} size="h5">
                {t('office.byType')}
              </Title>
              <Button size="compact-xs" variant="default" onClick={() => void csv('facilities', s.asOf)}>
                {t('app.csv')}
              </Button>
            </Group>
            <Suspense fallback={<Loading />}>
              {charts && <EChart option={charts.byType} height={260} label={t('office.byType')} />}
            </Suspense>
            <Table verticalSpacing={2} fz="sm" mt="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('office.type')}</Table.Th>
                  <Table.Th ta="right">{t('office.count')}</Table.Th>
                  <Table.Th ta="right">{t('office.share')}</Table.Th>
                  <Table.Th ta="right">{t('office.discloses')}</Table.Th>
                  <Table.Th ta="right">{t('office.views')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {s.facilities.byType.map((r) => (
                  <Table.Tr key={r.type}>
                    <Table.Td>{r.label[lang]}</Table.Td>
                    <Table.Td ta="right">{r.facilities}</Table.Td>
                    <Table.Td ta="right">{r.share}%</Table.Td>
                    <Table.Td ta="right">{r.disclosing}</Table.Td>
                    <Table.Td ta="right">{r.viewing}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Paper withBorder p="md" radius="md">
            <Group justify="space-between" mb="xs">
              <Title order={2} size="h5">
                {t('office.usersByProfession')}
              </Title>
              <Button size="compact-xs" variant="default" onClick={() => void csv('users', s.asOf)}>
                {t('app.csv')}
              </Button>
            </Group>
            <Suspense fallback={<Loading />}>
              {charts && (
                <EChart
                  option={charts.byProfession}
                  height={Math.max(200, 28 * s.users.byProfession.length)}
                  label={t('office.usersByProfession')}
                />
              )}
            </Suspense>
          </Paper>
        </Grid.Col>
        <Grid.Col span={12}>
          <Paper withBorder p="md" radius="md">
            <Group justify="space-between" mb="xs">
              <Title order={2} size="h5">
                {t('office.viewsPerMonth')}
              </Title>
              <Button size="compact-xs" variant="default" onClick={() => void csv('views', s.asOf)}>
                {t('app.csv')}
              </Button>
            </Group>
            <Suspense fallback={<Loading />}>
              {charts && <EChart option={charts.perMonth} height={280} label={t('office.viewsPerMonth')} />}
            </Suspense>
          </Paper>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
