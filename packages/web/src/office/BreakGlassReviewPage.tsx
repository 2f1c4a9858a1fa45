import {
  Alert,
  Badge,
  Button,
  Group,
  Modal,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { useFacilityName, useProfessions } from '../api/hooks';
import type { BreakGlassEvent } from '../api/types';
import { useI18n } from '../i18n';
import { ErrorAlert, Loading } from '../layout/Feedback';
import { westernDateTime } from '../lib/dates';
import { DataTable } from '../patients/tabs/common';
import { PersonName } from './PersonName';

/** 緊急時アクセスの確認: every break-the-glass use, with its reason, for the office to review. */
export default function BreakGlassReviewPage() {
  const { t, lang } = useI18n();
  const name = useFacilityName();
  const professions = useProfessions();
  const professionLabel = (code: string | null) =>
    professions.data?.find((p) => p.code === code)?.[lang] ?? code ?? '';
  const [status, setStatus] = useState<'open' | 'reviewed'>('open');
  const [reviewing, setReviewing] = useState<BreakGlassEvent | null>(null);
  const list = useQuery({
    queryKey: ['admin', 'break-glass', status],
    queryFn: () =>
      api<{ total: number; entries: BreakGlassEvent[] }>('/admin/break-glass', {
        query: { status, limit: 200 },
      }).then((r) => r.entries),
  });

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('office.breakGlass')}
      </Title>
      <SegmentedControl
        w="fit-content"
        value={status}
        onChange={(v) => setStatus(v === 'reviewed' ? 'reviewed' : 'open')}
        data={[
          { value: 'open', label: t('office.bgOpen') },
          { value: 'reviewed', label: t('office.bgReviewed') },
        ]}
      />
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <DataTable<BreakGlassEvent>
          caption={t('office.breakGlass')}
          rows={list.data}
          rowKey={(e) => e.id}
          minWidth={820}
          columns={[
            { key: 'at', header: t('office.started'), cell: (e) => westernDateTime(e.startedAt) },
            {
              key: 'user',
              header: t('access.user'),
              cell: (e) => (
                <Stack gap={0}>
                  <Text size="sm" fw={600}>
                    {e.user.name ?? e.user.id}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {professionLabel(e.user.profession)}
                  </Text>
                </Stack>
              ),
            },
            {
              key: 'facility',
              header: t('access.facility'),
              cell: (e) => e.facility.name ?? name(e.facility.oid),
            },
            {
              key: 'patient',
              header: t('office.patient'),
              cell: (e) => <PersonName personId={e.personId} />,
            },
            { key: 'reason', header: t('access.reason'), cell: (e) => <Text size="sm">{e.reason}</Text> },
            {
              key: 'review',
              header: t('office.status'),
              cell: (e) =>
                e.reviewStatus === 'reviewed' ? (
                  <Stack gap={0}>
                    <Badge color="teal" variant="light">
                      {t('office.bgReviewed')}
                    </Badge>
                    {e.reviewNote && <Text size="xs">{e.reviewNote}</Text>}
                  </Stack>
                ) : (
                  <Button size="compact-xs" onClick={() => setReviewing(e)}>
                    {t('office.bgMarkReviewed')}
                  </Button>
                ),
            },
          ]}
        />
      )}
      <Modal
        opened={reviewing !== null}
        onClose={() => setReviewing(null)}
        title={t('office.bgMarkReviewed')}
        centered
      >
        {reviewing && <ReviewForm event={reviewing} onDone={() => setReviewing(null)} />}
      </Modal>
    </Stack>
  );
}

function ReviewForm({ event, onDone }: { event: BreakGlassEvent; onDone: () => void }) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api(`/admin/break-glass/${encodeURIComponent(event.id)}/review`, {
        method: 'POST',
        body: { note },
      });
      await queryClient.invalidateQueries({ queryKey: ['admin', 'break-glass'] });
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form onSubmit={submit}>
      <Stack gap="sm">
        {error !== null && <Alert color="red">{errorMessage(error, lang)}</Alert>}
        <Text size="sm">
          {t('access.reason')}: {event.reason}
        </Text>
        <Textarea
          label={t('office.bgNote')}
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
          data-autofocus
        />
        <Group justify="flex-end">
          <Button type="submit">{t('office.bgMarkReviewed')}</Button>
        </Group>
      </Stack>
    </form>
  );
}
