import { Button, Code, Group, Paper, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import { useI18n } from '../i18n';
import { ErrorAlert } from '../layout/Feedback';
import { westernDateTime } from '../lib/dates';
import { type Delivery, PushEndpoint } from './PushEndpoint';

interface NodeCertificate {
  fingerprint: string;
  subject: string;
  issuer: string;
  validTo: string;
  registeredAt: string;
}

type Subscription = Delivery & { facilityOid: string };

/**
 * IHE 連携: a facility's systems of other makers on the hub's IHE endpoints — the client certificates
 * they present (mutual TLS), where the hub tells their PIX Consumer of changes (ITI-46) and where it
 * pushes the directory (ITI-59: a gateway's own `/ihe/hpd-feed`), with how delivery goes. (packages/hub/README.md § IHE endpoints)
 */
export function IheConnection({ oid, gatewayUrl }: { oid: string; gatewayUrl?: string | null | undefined }) {
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
    queryFn: () => api<{ consumers: Subscription[] }>('/admin/pix-consumers').then((r) => r.consumers),
  });
  const consumer = consumers.data?.find((c) => c.facilityOid === oid) ?? null;
  const subscribers = useQuery({
    queryKey: ['admin', 'hpd-subscribers'],
    queryFn: () => api<{ subscribers: Subscription[] }>('/admin/hpd-subscribers').then((r) => r.subscribers),
  });
  const subscriber = subscribers.data?.find((c) => c.facilityOid === oid) ?? null;
  const [pem, setPem] = useState('');
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

        <PushEndpoint
          title={t('office.ihePixConsumer')}
          section="pix-consumer"
          deliveredLabel={(count) => t('office.iheDelivered', { count })}
          current={consumer}
          placeholder="https://ehr.example.jp/pix-consumer"
          onSave={(choice) => act(() => api(`${base}/pix-consumer`, { method: 'PUT', body: choice }))}
        />
        <PushEndpoint
          title={t('office.iheDirectoryFeed')}
          section="hpd-subscriber"
          deliveredLabel={(count) => t('office.iheDirectoryDelivered', { count })}
          current={subscriber}
          placeholder="https://gw.example.jp/ihe/hpd-feed"
          suggested={gatewayUrl ? `${gatewayUrl.replace(/\/+$/, '')}/ihe/hpd-feed` : undefined}
          feedToken
          onSave={(choice) => act(() => api(`${base}/hpd-subscriber`, { method: 'PUT', body: choice }))}
        />
        {error !== null && <ErrorAlert error={error} />}
      </Stack>
    </Paper>
  );
}
