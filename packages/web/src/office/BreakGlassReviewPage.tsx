import {
  Alert,
  Anchor,
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
import { Link } from 'react-router';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import type { BreakGlassEvent, Label, Sex } from '../api/types';
import { useI18n } from '../i18n';
import { ErrorAlert, Loading } from '../layout/Feedback';
import { dateWithWareki, westernDateTime } from '../lib/dates';
import { DataTable } from '../patients/tabs/common';

/**
 * One entry of GET /admin/break-glass: the grant with who the patient is (from the patient index) and
 * who broke the glass, where — everything the row shows, in one answer.
 */
export type BreakGlassEntry = Omit<BreakGlassEvent, 'user'> & {
  patient: {
    personId: string;
    nameKanji: string | null;
    nameKana: string | null;
    birthDate: string | null;
    sex: Sex | null;
  } | null;
  user: BreakGlassEvent['user'] & { professionLabel?: Label | null };
};

/** 緊急時アクセスの確認: every break-the-glass use, with its reason, for the office to review. */
export default function BreakGlassReviewPage() {
  const { t, lang } = useI18n();
  const [status, setStatus] = useState<'open' | 'reviewed'>('open');
  const [reviewing, setReviewing] = useState<BreakGlassEntry | null>(null);
  const list = useQuery({
    queryKey: ['admin', 'break-glass', status],
    queryFn: () =>
      api<{ total: number; entries: BreakGlassEntry[] }>('/admin/break-glass', {
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
        <DataTable<BreakGlassEntry>
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
                    {e.user.professionLabel?.[lang] ?? e.user.profession ?? ''}
                  </Text>
                </Stack>
              ),
            },
            {
              key: 'facility',
              header: t('access.facility'),
              cell: (e) => e.facility.name ?? e.facility.oid,
            },
            {
              key: 'patient',
              header: t('office.patient'),
              cell: (e) => <PatientCell entry={e} />,
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

/** The patient by name (kanji, kana), birth date and sex, linked to the "who viewed" report. */
function PatientCell({ entry }: { entry: BreakGlassEntry }) {
  const { t, lang } = useI18n();
  const p = entry.patient;
  const personId = p?.personId ?? entry.personId;
  return (
    <Stack gap={0}>
      <Anchor
        component={Link}
        to={`/patients/${encodeURIComponent(personId)}/access-report`}
        fw={600}
        size="sm"
      >
        {p?.nameKanji ?? p?.nameKana ?? personId.slice(0, 8)}
      </Anchor>
      {p && (
        <Text size="xs" c="dimmed">
          {[
            p.nameKanji ? p.nameKana : null,
            p.birthDate ? dateWithWareki(p.birthDate, lang) : null,
            p.sex ? t(`sex.${p.sex}`) : null,
          ]
            .filter(Boolean)
            .join('　')}
        </Text>
      )}
    </Stack>
  );
}

function ReviewForm({ event, onDone }: { event: BreakGlassEntry; onDone: () => void }) {
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
