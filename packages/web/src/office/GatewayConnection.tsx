import { Alert, Button, Code, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import type { Facility, GatewayChange } from '../api/types';
import { useActiveSession } from '../auth/session';
import { useI18n } from '../i18n';
import { ErrorAlert, Loading } from '../layout/Feedback';
import { westernDateTime } from '../lib/dates';

/**
 * ゲートウェイ接続: where the facility's gateway is and which TLS key it must present. Changed by two
 * people: the network office or the facility's administrator proposes, the other side confirms.
 */
export function GatewayConnection({ oid }: { oid: string }) {
  const { t, lang } = useI18n();
  const session = useActiveSession();
  const mySide = session.user.office ? 'office' : 'facility';
  const queryClient = useQueryClient();
  const base = `/admin/facilities/${encodeURIComponent(oid)}`;
  const facility = useQuery({ queryKey: ['admin', 'facility', oid], queryFn: () => api<Facility>(base) });
  const changes = useQuery({
    queryKey: ['admin', 'gateway-changes', oid],
    queryFn: () => api<{ changes: GatewayChange[] }>(`${base}/gateway-changes`),
  });
  const [url, setUrl] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<unknown>(null);

  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: ['admin', 'facility', oid] });
    await queryClient.invalidateQueries({ queryKey: ['admin', 'gateway-changes', oid] });
  };
  const act = async (request: () => Promise<unknown>) => {
    setError(null);
    try {
      await request();
      await refresh();
    } catch (e) {
      setError(e);
    }
  };
  const propose = (event: FormEvent) => {
    event.preventDefault();
    void act(async () => {
      await api(`${base}/gateway-changes`, {
        method: 'POST',
        body: { gatewayUrl: url.trim() || null, tlsPin: pin.trim() || null },
      });
      setUrl('');
      setPin('');
    });
  };
  const decide = (id: string, verb: 'confirm' | 'reject') =>
    act(() => api(`${base}/gateway-changes/${encodeURIComponent(id)}/${verb}`, { method: 'POST' }));

  if (facility.isPending || changes.isPending) return <Loading />;
  if (facility.isError) return <ErrorAlert error={facility.error} onRetry={() => void facility.refetch()} />;
  if (changes.isError) return <ErrorAlert error={changes.error} onRetry={() => void changes.refetch()} />;
  const side = (s: 'office' | 'facility') => t(`office.gatewaySide_${s}`);

  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('office.gatewayConnection')}
        </Title>
        <Text size="sm">{t('office.gatewayConnectionHint')}</Text>
        {error !== null && <Alert color="red">{errorMessage(error, lang)}</Alert>}
        <Group gap="xs" wrap="wrap">
          <Text size="sm" fw={700}>
            {t('office.gatewayCurrent')}:
          </Text>
          <Code>{facility.data.gatewayUrl ?? t('office.gatewayNone')}</Code>
          {facility.data.gatewayTlsPin && <Code>{facility.data.gatewayTlsPin}</Code>}
        </Group>
        {changes.data.changes.length > 0 && (
          <Table.ScrollContainer minWidth={640}>
            <Table striped>
              <Table.Tbody>
                {changes.data.changes.map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td>
                      <Text
                        component="span"
                        size="xs"
                        fw={700}
                        c={c.status === 'pending' ? 'red.9' : c.status === 'applied' ? 'teal.9' : 'gray.7'}
                        style={{ whiteSpace: 'nowrap' }}
                      >
                        {t(`office.gatewayStatus_${c.status}`)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Code>{c.gatewayUrl ?? t('office.gatewayNone')}</Code>
                      {c.status === 'pending' &&
                        hostOf(c.gatewayUrl) !== hostOf(facility.data.gatewayUrl) && (
                          <Text size="xs" c="red.9" fw={700}>
                            {t('office.gatewayNewHost')}
                          </Text>
                        )}
                      {c.tlsPin && (
                        <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
                          {c.tlsPin}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs">
                        {t('office.gatewayProposedBy', {
                          side: side(c.proposedSide),
                          at: westernDateTime(c.proposedAt),
                        })}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {c.status === 'pending' && c.proposedSide !== mySide && (
                        <Group gap="xs" wrap="nowrap">
                          <Button size="xs" color="teal" onClick={() => void decide(c.id, 'confirm')}>
                            {t('office.gatewayConfirm')}
                          </Button>
                          <Button size="xs" variant="default" onClick={() => void decide(c.id, 'reject')}>
                            {t('office.gatewayReject')}
                          </Button>
                        </Group>
                      )}
                      {c.status === 'pending' && c.proposedSide === mySide && (
                        <Group gap="xs" wrap="nowrap">
                          <Text size="xs" c="dimmed">
                            {t('office.gatewayWaitOther', {
                              side: side(mySide === 'office' ? 'facility' : 'office'),
                            })}
                          </Text>
                          <Button size="xs" variant="default" onClick={() => void decide(c.id, 'reject')}>
                            {t('office.gatewayWithdraw')}
                          </Button>
                        </Group>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <form onSubmit={propose}>
          <Group align="flex-end" wrap="wrap">
            <TextInput
              label={t('office.gatewayUrl')}
              placeholder="https://gw.example.jp:8443"
              value={url}
              onChange={(e) => setUrl(e.currentTarget.value)}
              w={320}
            />
            <TextInput
              label={t('office.gatewayPin')}
              description={t('office.gatewayPinHint')}
              placeholder="sha256/…"
              value={pin}
              onChange={(e) => setPin(e.currentTarget.value)}
              w={420}
            />
            <Button type="submit" variant="light">
              {t('office.gatewayPropose')}
            </Button>
          </Group>
        </form>
      </Stack>
    </Paper>
  );
}

/** The host and port of a URL (a move to another host is what an attacker would propose). */
function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
