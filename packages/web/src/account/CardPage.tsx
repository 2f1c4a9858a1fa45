import { Alert, Anchor, Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, api } from '../api/client';
import { errorMessage } from '../api/errors';
import type { CardBinding, CardCheck, CardTrust, LoginMethods } from '../api/types';
import { CardSummaryText, dnPart, hcRoleLabel } from '../auth/CardSummaryText';
import { useSession } from '../auth/session';
import { professionLabel } from '../cabinet/core/cabinet-state';
import { useI18n } from '../i18n/index';
import { ErrorAlert, Loading } from '../layout/Feedback';
import { westernDateTime } from '../lib/dates';

const STATUS_COLOUR = { pending: 'yellow', active: 'teal', revoked: 'gray' } as const;

/**
 * 「HPKIカード」: my cards and enrolling the one in the reader (on the card listener); for
 * administrators, the requests to approve and the cards in force; for the office, the CRLs' state.
 */
export default function CardPage() {
  const { t } = useI18n();
  const { state } = useSession();
  if (state.status !== 'active') return null;
  const { user, facility } = state.session;
  const administers = user.office || facility.role === 'admin';
  return (
    <Stack gap="lg" maw={1100}>
      <Title order={1} size="h2">
        {t('card.title')}
      </Title>
      {!user.office && <MyCards />}
      {administers && <Approvals />}
      {user.office && <TrustState />}
    </Stack>
  );
}

function StatusBadge({ status }: { status: CardBinding['status'] }) {
  const { t } = useI18n();
  return (
    <Badge
      color={STATUS_COLOUR[status]}
      variant="light"
      style={{ flexShrink: 0, overflow: 'visible' }}
      miw="max-content"
    >
      {t(`card.status.${status}`)}
    </Badge>
  );
}

const cnOf = (dn: string | null) => (dn ? (dnPart(dn, 'CN').at(-1) ?? dn) : '—');
const caOf = (dn: string) => dnPart(dn, 'CN').at(-1) ?? dnPart(dn, 'OU').at(-1) ?? dn;

function MyCards() {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const methods = useQuery({
    queryKey: ['login-methods'],
    queryFn: () => api<LoginMethods>('/auth/methods'),
  });
  const mine = useQuery({
    queryKey: ['hpki', 'mine'],
    queryFn: () => api<{ bindings: CardBinding[] }>('/auth/hpki/bindings').then((r) => r.bindings),
  });
  const [check, setCheck] = useState<CardCheck | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const hpki = methods.data?.methods.find((m) => m.id === 'hpki');
  const here = hpki?.id === 'hpki' && hpki.here;
  // The card in the reader: already mine, someone else's, or one to enrol.
  const reader = useQuery({
    queryKey: ['hpki', 'reader'],
    queryFn: () => api<CardCheck>('/auth/hpki/card'),
    enabled: here,
  });

  const shownCard = (check ?? reader.data)?.card ?? null;

  const enrol = async () => {
    setBusy(true);
    setError(null);
    try {
      const read = await api<CardCheck>('/auth/hpki/card');
      setCheck(read);
      // An unbound card is what we expect here; any other refusal (revoked, role…) stops the request.
      if (read.refusal && read.refusal.code !== 'hpki-not-bound') {
        setError(new ApiError(403, read.refusal.code, read.refusal.message));
        return;
      }
      await api('/auth/hpki/enrol', { method: 'POST', body: {} });
      setDone(true);
      await queryClient.invalidateQueries({ queryKey: ['hpki'] });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('card.mine')}
        </Title>
        {mine.isLoading ? (
          <Loading />
        ) : mine.error ? (
          <ErrorAlert error={mine.error} />
        ) : (mine.data ?? []).length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('card.noneYet')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={560}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('card.holder')}</Table.Th>
                  <Table.Th>{t('card.role')}</Table.Th>
                  <Table.Th>{t('card.issuer')}</Table.Th>
                  <Table.Th>{t('card.validTo')}</Table.Th>
                  <Table.Th>{t('card.state')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(mine.data ?? []).map((b) => (
                  <Table.Tr key={b.id}>
                    <Table.Td>
                      {b.kind === 'holder' ? `${t('card.holderId')} ${b.matchValue}` : cnOf(b.subject)}
                    </Table.Td>
                    <Table.Td>{hcRoleLabel(b.hcRole, lang) ?? '—'}</Table.Td>
                    <Table.Td>{caOf(b.issuer)}</Table.Td>
                    <Table.Td>{b.notAfter ? westernDateTime(b.notAfter) : '—'}</Table.Td>
                    <Table.Td>
                      <StatusBadge status={b.status} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {here ? (
          <Stack gap="xs">
            <Text size="sm">{t('card.enrolHint')}</Text>
            {shownCard && <CardSummaryText card={shownCard} />}
            {reader.data?.yours && !done && <Alert color="teal">{t('card.alreadyYours')}</Alert>}
            {done && <Alert color="teal">{t('card.enrolled')}</Alert>}
            {error !== null && (
              <Alert color="red" role="alert" title={t('card.refused')}>
                {errorMessage(error, lang)}
              </Alert>
            )}
            <Group>
              <Button
                onClick={() => void enrol()}
                loading={busy}
                disabled={done || reader.data?.yours === true}
              >
                {t('card.enrol')}
              </Button>
            </Group>
          </Stack>
        ) : hpki?.id === 'hpki' && hpki.url ? (
          <Text size="sm">
            {t('card.enrolElsewhere')}{' '}
            <Anchor href={`${hpki.url.replace(/\/$/, '')}/cards`}>{hpki.url}</Anchor>
          </Text>
        ) : (
          <Text size="sm" c="dimmed">
            {t('card.notOffered')}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

function Approvals() {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<'pending' | 'active'>('pending');
  const list = useQuery({
    queryKey: ['hpki', 'review', status],
    queryFn: () =>
      api<{ bindings: CardBinding[] }>('/admin/hpki/bindings', { query: { status } }).then((r) => r.bindings),
  });
  const [error, setError] = useState<unknown>(null);
  const decide = async (id: string, verb: 'approve' | 'revoke') => {
    setError(null);
    try {
      await api(`/admin/hpki/bindings/${encodeURIComponent(id)}/${verb}`, { method: 'POST', body: {} });
      await queryClient.invalidateQueries({ queryKey: ['hpki'] });
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h4">
            {t('card.approvals')}
          </Title>
          <Group gap="xs">
            {(['pending', 'active'] as const).map((s) => (
              <Button
                key={s}
                size="xs"
                variant={status === s ? 'filled' : 'default'}
                onClick={() => setStatus(s)}
              >
                {t(`card.status.${s}`)}
              </Button>
            ))}
          </Group>
        </Group>
        <Text size="xs" c="dimmed">
          {t('card.approvalHint')}
        </Text>
        {error !== null && <Alert color="red">{errorMessage(error, lang)}</Alert>}
        {list.isLoading ? (
          <Loading />
        ) : list.error ? (
          <ErrorAlert error={list.error} />
        ) : (list.data ?? []).length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('app.none')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('card.user')}</Table.Th>
                  <Table.Th>{t('card.registered')}</Table.Th>
                  <Table.Th>{t('card.holder')}</Table.Th>
                  <Table.Th>{t('card.role')}</Table.Th>
                  <Table.Th>{t('card.issuer')}</Table.Th>
                  <Table.Th>{t('card.requestedAt')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(list.data ?? []).map((b) => (
                  <Table.Tr key={b.id}>
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {b.name}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {b.loginId}
                      </Text>
                    </Table.Td>
                    <Table.Td>{b.profession ? professionLabel(b.profession, lang) : '—'}</Table.Td>
                    <Table.Td>
                      {b.kind === 'holder' ? `${t('card.holderId')} ${b.matchValue}` : cnOf(b.subject)}
                    </Table.Td>
                    <Table.Td>{hcRoleLabel(b.hcRole, lang) ?? t('card.noRole')}</Table.Td>
                    <Table.Td>{caOf(b.issuer)}</Table.Td>
                    <Table.Td>{westernDateTime(b.requestedAt)}</Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        {b.status === 'pending' && (
                          <Button size="xs" color="teal" onClick={() => void decide(b.id, 'approve')}>
                            {t('card.approve')}
                          </Button>
                        )}
                        <Button
                          size="xs"
                          variant="default"
                          color="red"
                          onClick={() => void decide(b.id, 'revoke')}
                        >
                          {b.status === 'pending' ? t('card.reject') : t('card.revoke')}
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Paper>
  );
}

function TrustState() {
  const { t } = useI18n();
  const trust = useQuery({ queryKey: ['hpki', 'trust'], queryFn: () => api<CardTrust>('/admin/hpki/trust') });
  if (trust.isLoading) return <Loading />;
  if (trust.error) return <ErrorAlert error={trust.error} />;
  const data = trust.data;
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('card.trust')}
        </Title>
        {!data?.configured ? (
          <Text size="sm" c="dimmed">
            {t('card.notOffered')}
          </Text>
        ) : (
          <>
            <Text size="sm">
              {t('card.trustSummary', {
                anchors: data.anchors ?? 0,
                loadedAt: westernDateTime(data.loadedAt),
                hours: data.crlMaxAgeHours ?? 0,
              })}
            </Text>
            {(data.errors ?? []).map((e) => (
              <Alert key={e.source} color="orange" title={t('card.sourceError')}>
                {e.source}: {e.message}
              </Alert>
            ))}
            <Table.ScrollContainer minWidth={640}>
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('card.issuer')}</Table.Th>
                    <Table.Th>{t('card.thisUpdate')}</Table.Th>
                    <Table.Th>{t('card.nextUpdate')}</Table.Th>
                    <Table.Th>{t('card.revokedCount')}</Table.Th>
                    <Table.Th>{t('card.state')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {(data.crls ?? []).map((c) => (
                    <Table.Tr key={c.source}>
                      <Table.Td>{caOf(c.issuer)}</Table.Td>
                      <Table.Td>{westernDateTime(c.thisUpdate)}</Table.Td>
                      <Table.Td>{c.nextUpdate ? westernDateTime(c.nextUpdate) : '—'}</Table.Td>
                      <Table.Td>{c.revoked}</Table.Td>
                      <Table.Td>
                        <Badge color={c.stale ? 'red' : 'teal'} variant="light">
                          {c.stale ? t('card.crlStale') : t('card.crlFresh')}
                        </Badge>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </>
        )}
      </Stack>
    </Paper>
  );
}
