import {
  Badge,
  Button,
  Code,
  Group,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import { useI18n } from '../i18n';
import { ErrorAlert } from '../layout/Feedback';
import { westernDateTime } from '../lib/dates';

interface NodeCertificate {
  fingerprint: string;
  subject: string;
  issuer: string;
  validTo: string;
  registeredAt: string;
}

interface PixConsumer {
  facilityOid: string;
  endpoint: string;
  status: 'active' | 'paused';
  delivered: number;
  failures: number;
  lastAttemptAt: string | null;
  lastError: string | null;
  retryAt: string | null;
}

/**
 * IHE 連携: a facility's systems of other makers on the hub's IHE endpoints — the client certificates
 * they present (mutual TLS), and where the hub tells their PIX Consumer of changes (ITI-46), with how
 * delivery goes. (packages/hub/README.md § IHE endpoints)
 */
export function IheConnection({ oid }: { oid: string }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const base = `/admin/facilities/${encodeURIComponent(oid)}`;
  const certificates = useQuery({
    queryKey: ['admin', 'node-certificates', oid],
    queryFn: () =>
      api<{ certificates: NodeCertificate[] }>(`${base}/node-certificates`).then((r) => r.certificates),
  });
  const consumers = useQuery({
    queryKey: ['admin', 'pix-consumers'],
    queryFn: () => api<{ consumers: PixConsumer[] }>('/admin/pix-consumers').then((r) => r.consumers),
  });
  const consumer = consumers.data?.find((c) => c.facilityOid === oid) ?? null;
  const [pem, setPem] = useState('');
  const [endpoint, setEndpoint] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['admin'] });
  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
      await refresh();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Paper withBorder p="md" mt="md" data-testid="ihe-connection">
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t('office.ihe')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('office.iheHint')}
        </Text>
        <Title order={4} size="h5">
          {t('office.iheCertificates')}
        </Title>
        {(certificates.data ?? []).length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('office.iheNoCertificates')}
          </Text>
        ) : (
          <Table striped withTableBorder fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('office.iheSubject')}</Table.Th>
                <Table.Th>{t('office.iheFingerprint')}</Table.Th>
                <Table.Th>{t('office.iheValidTo')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(certificates.data ?? []).map((c) => (
                <Table.Tr key={c.fingerprint}>
                  <Table.Td>{c.subject.replace(/\n/g, ', ')}</Table.Td>
                  <Table.Td>
                    <Code>{`${c.fingerprint.slice(0, 16)}…`}</Code>
                  </Table.Td>
                  <Table.Td>{westernDateTime(c.validTo)}</Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      color="red"
                      onClick={() =>
                        void act(() =>
                          api(`${base}/node-certificates/${c.fingerprint}`, { method: 'DELETE' }),
                        )
                      }
                    >
                      {t('office.iheWithdraw')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <Textarea
          label={t('office.iheCertificatePem')}
          placeholder="-----BEGIN CERTIFICATE-----"
          autosize
          minRows={2}
          maxRows={6}
          value={pem}
          onChange={(e) => setPem(e.currentTarget.value)}
          styles={{ input: { fontFamily: 'monospace', fontSize: 12 } }}
        />
        <Group justify="flex-end">
          <Button
            variant="default"
            disabled={pem.trim() === ''}
            onClick={() =>
              void act(async () => {
                await api(`${base}/node-certificates`, { method: 'POST', body: { pem: pem.trim() } });
                setPem('');
              })
            }
          >
            {t('office.iheRegister')}
          </Button>
        </Group>

        <Title order={4} size="h5">
          {t('office.ihePixConsumer')}
        </Title>
        {consumer && (
          <Group gap="xs" data-testid="pix-consumer-status">
            <Badge color={consumer.lastError ? 'red' : consumer.status === 'active' ? 'teal' : 'gray'}>
              {consumer.status === 'active' ? t('office.iheActive') : t('office.ihePaused')}
            </Badge>
            <Text size="sm">{t('office.iheDelivered', { count: consumer.delivered })}</Text>
            {consumer.lastAttemptAt && (
              <Text size="sm" c="dimmed">
                {t('office.iheLastAttempt', { at: westernDateTime(consumer.lastAttemptAt) })}
              </Text>
            )}
            {consumer.lastError && (
              <Text size="sm" c="red">
                {consumer.lastError}
                {consumer.retryAt
                  ? ` — ${t('office.iheRetryAt', { at: westernDateTime(consumer.retryAt) })}`
                  : ''}
              </Text>
            )}
          </Group>
        )}
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label={t('office.iheEndpoint')}
            placeholder="https://ehr.example.jp/pix-consumer"
            style={{ flex: 1, minWidth: 260 }}
            value={endpoint ?? consumer?.endpoint ?? ''}
            onChange={(e) => setEndpoint(e.currentTarget.value)}
          />
          <Select
            label={t('office.iheStatus')}
            w={140}
            data={[
              { value: 'active', label: t('office.iheActive') },
              { value: 'paused', label: t('office.ihePaused') },
            ]}
            value={status ?? consumer?.status ?? 'active'}
            onChange={setStatus}
            allowDeselect={false}
          />
          <Button
            variant="default"
            disabled={(endpoint ?? consumer?.endpoint ?? '') === ''}
            onClick={() =>
              void act(() =>
                api(`${base}/pix-consumer`, {
                  method: 'PUT',
                  body: {
                    endpoint: endpoint ?? consumer?.endpoint,
                    status: status ?? consumer?.status ?? 'active',
                  },
                }),
              )
            }
          >
            {t('office.iheSaveEndpoint')}
          </Button>
        </Group>
        {error !== null && <ErrorAlert error={error} />}
      </Stack>
    </Paper>
  );
}
