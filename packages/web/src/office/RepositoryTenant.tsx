import type { IntakeIssue } from '@hie/contract';
import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  NumberInput,
  Paper,
  PasswordInput,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api/client';
import { errorMessage } from '../api/errors';
import { useI18n } from '../i18n';
import { ErrorAlert, Loading } from '../layout/Feedback';
import { westernDateTime } from '../lib/dates';

/** Intake kinds the repository records (rp_intake.kind). */
const KINDS = ['orca', 'uke', 'okusuri-techo', 'lab', 'ssmix2', 'manual'] as const;
type Kind = (typeof KINDS)[number] | 'other';
const kindOf = (kind: string): Kind =>
  (KINDS as readonly string[]).includes(kind) ? (kind as Kind) : 'other';

interface Intake {
  id: string;
  kind: string;
  name: string;
  status: string;
  received_at: string;
  counts: { resources?: number; patients?: number; deleted?: number };
  issues: IntakeIssue[];
}

interface TenantStatus {
  registered: boolean;
  repositoryUrl: string;
  tenant?: {
    oid: string;
    name: string;
    status: string;
    orca: { url: string; username: string; everyMinutes: number } | null;
    feed: boolean;
  };
  counts?: { resources: number; patients: number; rejectedIntakes: number };
  orca?: {
    since?: string;
    until?: string;
    patients?: number;
    failures?: number;
    error?: string;
    message?: string;
    at: string;
  } | null;
  feed?: { advancedAt: string | null };
  intakes?: Intake[];
  senders?: { id: string; name: string; kind: string }[];
}

/**
 * リポジトリ（小規模施設）: a clinic's or pharmacy's tenant in the network's repository — register it
 * from the directory, see what came in (counts, the last ORCA pull, every intake with its first problem),
 * set its ORCA connection and issue its senders' credentials (each shown once).
 */
export function RepositoryTenant({ oid }: { oid: string }) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const base = `/admin/facilities/${encodeURIComponent(oid)}/repository`;
  const status = useQuery({
    queryKey: ['admin', 'repository', oid],
    queryFn: () => api<TenantStatus>(base),
    retry: false,
  });
  const [error, setError] = useState<unknown>(null);
  const [token, setToken] = useState<string | null>(null);
  const [senderName, setSenderName] = useState('');
  const [orca, setOrca] = useState({ url: '', username: '', password: '', everyMinutes: 15 });
  const act = async (request: () => Promise<unknown>) => {
    setError(null);
    try {
      await request();
      await queryClient.invalidateQueries({ queryKey: ['admin', 'repository', oid] });
      await queryClient.invalidateQueries({ queryKey: ['admin', 'facility', oid] });
    } catch (e) {
      setError(e);
    }
  };

  if (status.isPending) return <Loading />;
  if (status.isError) {
    if (status.error instanceof ApiError && status.error.code === 'repository-not-linked')
      return (
        <Paper withBorder p="md">
          <Title order={2} size="h4">
            {t('office.repository')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('office.repositoryNotLinked')}
          </Text>
        </Paper>
      );
    return <ErrorAlert error={status.error} onRetry={() => void status.refetch()} />;
  }
  const s = status.data;
  const saveOrca = (event: FormEvent) => {
    event.preventDefault();
    void act(() => api(`${base}/orca`, { method: 'PUT', body: orca }));
  };
  const issue = (event: FormEvent) => {
    event.preventDefault();
    void act(async () => {
      const answer = await api<{ token: string }>(`${base}/senders`, {
        method: 'POST',
        body: { name: senderName },
      });
      setToken(answer.token);
      setSenderName('');
    });
  };

  return (
    <Paper withBorder p="md" data-testid="repository-tenant">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('office.repository')}
        </Title>
        <Text size="sm">{t('office.repositoryHint')}</Text>
        {error !== null && <Alert color="red">{errorMessage(error, lang)}</Alert>}
        {!s.registered ? (
          <Group>
            <Button onClick={() => void act(() => api(base, { method: 'POST' }))}>
              {t('office.repositoryRegister')}
            </Button>
            <Text size="xs" c="dimmed">
              {s.repositoryUrl}
            </Text>
          </Group>
        ) : (
          <>
            <SimpleGrid cols={{ base: 2, sm: 4 }}>
              <Figure label={t('office.repositoryPatients')} value={s.counts?.patients ?? 0} />
              <Figure label={t('office.repositoryResources')} value={s.counts?.resources ?? 0} />
              <Figure label={t('office.repositoryRejected')} value={s.counts?.rejectedIntakes ?? 0} warn />
              <Stack gap={0}>
                <Text size="xs" c="dimmed">
                  {t('office.repositoryOrcaLast')}
                </Text>
                {s.orca ? (
                  s.orca.error ? (
                    <Text size="sm" c="red">
                      {westernDateTime(s.orca.at)} {s.orca.error}: {s.orca.message}
                    </Text>
                  ) : (
                    <Text size="sm">
                      {westernDateTime(s.orca.at)}{' '}
                      {t('office.repositoryOrcaPulled', {
                        patients: String(s.orca.patients ?? 0),
                        failures: String(s.orca.failures ?? 0),
                      })}
                    </Text>
                  )
                ) : (
                  <Text size="sm">—</Text>
                )}
              </Stack>
            </SimpleGrid>
            <Text size="sm" fw={700}>
              {t('office.repositoryIntakes')}
            </Text>
            <Table.ScrollContainer minWidth={640}>
              <Table striped fz="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('office.repositoryAt')}</Table.Th>
                    <Table.Th>{t('office.repositoryKind')}</Table.Th>
                    <Table.Th>{t('office.repositoryName')}</Table.Th>
                    <Table.Th>{t('office.status')}</Table.Th>
                    <Table.Th>{t('office.repositoryProblem')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {(s.intakes ?? []).map((i) => {
                    const first = i.issues[0];
                    return (
                      <Table.Tr key={i.id}>
                        <Table.Td>{westernDateTime(i.received_at)}</Table.Td>
                        <Table.Td>{t(`office.repositoryKind_${kindOf(i.kind)}`)}</Table.Td>
                        <Table.Td>{i.name}</Table.Td>
                        <Table.Td>
                          <Badge size="sm" color={i.status === 'imported' ? 'teal' : 'red'}>
                            {t(
                              `office.repositoryStatus_${i.status === 'imported' ? 'imported' : 'rejected'}`,
                            )}
                          </Badge>{' '}
                          {i.status === 'imported' &&
                            t('office.repositoryCounts', { resources: String(i.counts.resources ?? 0) })}
                        </Table.Td>
                        <Table.Td>
                          {first
                            ? `${[first.file, first.line !== undefined ? `${first.line}行` : '', first.field].filter(Boolean).join(' ')} ${first.code}: ${lang === 'ja' ? (first.messageJa ?? first.message) : first.message}`
                            : '—'}
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <form onSubmit={saveOrca}>
              <Stack gap="xs">
                <Text size="sm" fw={700}>
                  {t('office.repositoryOrca')}
                  {s.tenant?.orca
                    ? `: ${s.tenant.orca.url}（${s.tenant.orca.username}、${s.tenant.orca.everyMinutes}分ごと）`
                    : ''}
                </Text>
                <Group grow align="flex-end">
                  <TextInput
                    label="URL"
                    required
                    value={orca.url}
                    onChange={(e) => setOrca({ ...orca, url: e.currentTarget.value })}
                  />
                  <TextInput
                    label={t('office.repositoryOrcaUser')}
                    required
                    value={orca.username}
                    onChange={(e) => setOrca({ ...orca, username: e.currentTarget.value })}
                  />
                  <PasswordInput
                    label={t('office.repositoryOrcaPassword')}
                    required
                    value={orca.password}
                    onChange={(e) => setOrca({ ...orca, password: e.currentTarget.value })}
                  />
                  <NumberInput
                    label={t('office.repositoryOrcaEvery')}
                    min={1}
                    max={1440}
                    value={orca.everyMinutes}
                    onChange={(v) => setOrca({ ...orca, everyMinutes: Number(v) || 15 })}
                  />
                  <Button type="submit" variant="default">
                    {t('app.save')}
                  </Button>
                </Group>
              </Stack>
            </form>
            <form onSubmit={issue}>
              <Group align="flex-end">
                <TextInput
                  label={t('office.repositorySenderName')}
                  required
                  value={senderName}
                  onChange={(e) => setSenderName(e.currentTarget.value)}
                />
                <Button type="submit" variant="default">
                  {t('office.repositorySenderIssue')}
                </Button>
                <Text size="xs" c="dimmed">
                  {(s.senders ?? []).map((x) => x.name).join('、')}
                </Text>
              </Group>
            </form>
            {token && (
              <Alert color="yellow" title={t('office.feedTokenOnce')}>
                <Code block>{token}</Code>
              </Alert>
            )}
          </>
        )}
      </Stack>
    </Paper>
  );
}

function Figure({ label, value, warn }: { label: string; value: number; warn?: boolean }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="lg" fw={700} c={warn && value > 0 ? 'red' : undefined}>
        {value.toLocaleString('ja-JP')}
      </Text>
    </Stack>
  );
}
