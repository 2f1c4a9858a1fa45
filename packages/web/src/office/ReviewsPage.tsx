import {
  Alert,
  Badge,
  Button,
  Grid,
  Group,
  Paper,
  Stack,
  Table,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { useFacilityName } from '../api/hooks';
import type { MpiRecord, ReviewDetail, ReviewSummary } from '../api/types';
import { useI18n } from '../i18n';
import { ErrorAlert, Loading } from '../layout/Feedback';
import { dateWithWareki, westernDateTime } from '../lib/dates';

const FIELD_LABELS: Record<string, { ja: string; en: string }> = {
  kana: { ja: '氏名（カナ）', en: 'Name (kana)' },
  kanji: { ja: '氏名（漢字）', en: 'Name (kanji)' },
  birthDate: { ja: '生年月日', en: 'Birth date' },
  sex: { ja: '性別', en: 'Sex' },
  postcode: { ja: '郵便番号', en: 'Postcode' },
  address: { ja: '住所', en: 'Address' },
  phone: { ja: '電話番号', en: 'Phone' },
};

const LEVEL_LABELS: Record<string, { ja: string; en: string }> = {
  exact: { ja: '一致', en: 'exact' },
  agree: { ja: '一致', en: 'agree' },
  similar: { ja: '類似', en: 'similar' },
  'family-only': { ja: '姓のみ一致', en: 'family name only' },
  'given-only': { ja: '名のみ一致', en: 'given name only' },
  typo: { ja: '1文字違い', en: 'one-character typo' },
  town: { ja: '町名まで一致', en: 'same town' },
  disagree: { ja: '不一致', en: 'disagree' },
  missing: { ja: '情報なし', en: 'missing' },
};

/** 名寄せ確認: the pairs the matcher could not decide, side by side, with why; link or keep apart. */
export default function ReviewsPage() {
  const { t } = useI18n();
  const [selected, setSelected] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ['admin', 'mpi', 'reviews'],
    queryFn: () =>
      api<{ total: number; reviews: ReviewSummary[] }>('/admin/mpi/reviews', {
        query: { status: 'open', limit: 100 },
      }),
  });
  const name = useFacilityName();
  const current = selected ?? list.data?.reviews[0]?.id ?? null;

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('office.reviews')}
      </Title>
      <Text size="sm">{t('office.reviewHint')}</Text>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.reviews.length === 0 ? (
        <Text c="dimmed">{t('office.noReviews')}</Text>
      ) : (
        <Grid>
          <Grid.Col span={{ base: 12, lg: 3 }}>
            <Stack gap={4} role="list" aria-label={t('office.reviews')}>
              {list.data.reviews.map((r) => (
                <UnstyledButton
                  role="listitem"
                  key={r.id}
                  onClick={() => setSelected(r.id)}
                  aria-current={r.id === current}
                  p="xs"
                  style={{
                    borderRadius: 4,
                    border: '1px solid var(--mantine-color-gray-3)',
                    background: r.id === current ? 'var(--mantine-color-teal-0)' : undefined,
                  }}
                  data-testid="review-item"
                  className="print-text"
                >
                  <Text size="sm" fw={600}>
                    {name(r.facilityOid)} {r.localId}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {t('office.score')} {r.score.toFixed(1)}・{westernDateTime(r.createdAt)}
                  </Text>
                </UnstyledButton>
              ))}
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 9 }}>
            {current && <ReviewView key={current} id={current} onDecided={() => setSelected(null)} />}
          </Grid.Col>
        </Grid>
      )}
    </Stack>
  );
}

function RecordCard({ title, record }: { title: string; record: MpiRecord | null }) {
  const { t, lang } = useI18n();
  const name = useFacilityName();
  if (!record)
    return (
      <Paper withBorder p="md">
        —
      </Paper>
    );
  const rows: [string, string][] = [
    [t('patient.facility'), `${name(record.facility_oid)}（${record.local_id}）`],
    [t('patients.kanji'), record.name_kanji ?? '—'],
    [t('patients.kana'), record.name_kana ?? '—'],
    [t('patients.birthDate'), dateWithWareki(record.birth_date, lang)],
    [t('patients.sex'), record.sex ? t(`sex.${record.sex as 'M'}`) : '—'],
    [FIELD_LABELS.postcode![lang], record.postcode ?? '—'],
    [FIELD_LABELS.address![lang], record.address ?? '—'],
    [FIELD_LABELS.phone![lang], record.phone ?? '—'],
  ];
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={3} size="h5" mb="xs">
        {title}
      </Title>
      <Table verticalSpacing={4}>
        <Table.Tbody>
          {rows.map(([k, v]) => (
            <Table.Tr key={k}>
              <Table.Th w={120}>{k}</Table.Th>
              <Table.Td>{v}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

function ReviewView({ id, onDecided }: { id: string; onDecided: () => void }) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const detail = useQuery({
    queryKey: ['admin', 'mpi', 'review', id],
    queryFn: () => api<ReviewDetail>(`/admin/mpi/reviews/${encodeURIComponent(id)}`),
  });
  if (detail.isPending) return <Loading />;
  if (detail.isError) return <ErrorAlert error={detail.error} />;
  const r = detail.data;

  const decide = async (decision: 'link' | 'not-same') => {
    setBusy(true);
    setError(null);
    try {
      await api(`/admin/mpi/reviews/${encodeURIComponent(id)}/decision`, {
        method: 'POST',
        body: { decision },
      });
      await queryClient.invalidateQueries({ queryKey: ['admin', 'mpi'] });
      onDecided();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack gap="md">
      {error !== null && <Alert color="red">{errorMessage(error, lang)}</Alert>}
      <Grid>
        <Grid.Col span={{ base: 12, sm: 6 }}>
          <RecordCard title={lang === 'ja' ? '新しい記録' : 'Incoming record'} record={r.record} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 6 }}>
          <RecordCard
            title={lang === 'ja' ? '候補の人物の記録' : 'Candidate person’s record'}
            record={r.candidateRecord}
          />
        </Grid.Col>
      </Grid>
      <Paper withBorder p="md" radius="md">
        <Group justify="space-between" mb="xs">
          <Title order={3} size="h5">
            {t('office.explanation')}
          </Title>
          <Text size="sm">
            {t('office.score')}: <strong>{r.explanation.score.toFixed(1)}</strong>（
            {lang === 'ja' ? '自動連結' : 'auto-link'} ≥ {r.explanation.thresholds.autoLink}、
            {lang === 'ja' ? '要確認' : 'review'} ≥ {r.explanation.thresholds.review}）
          </Text>
        </Group>
        <Table verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('office.field')}</Table.Th>
              <Table.Th>{lang === 'ja' ? '判定' : 'Level'}</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>{t('office.weight')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {r.explanation.fields.map((f) => (
              <Table.Tr key={f.field}>
                <Table.Td>{FIELD_LABELS[f.field]?.[lang] ?? f.field}</Table.Td>
                <Table.Td>{LEVEL_LABELS[f.level]?.[lang] ?? f.level}</Table.Td>
                <Table.Td
                  style={{ textAlign: 'right' }}
                  c={f.weight < 0 ? 'red.8' : f.weight > 0 ? 'teal.9' : undefined}
                >
                  {f.weight > 0 ? '+' : ''}
                  {f.weight.toFixed(1)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {r.explanation.reasons.length > 0 && (
          <Group gap={4} mt="xs">
            {r.explanation.reasons.map((reason) => (
              <Badge key={reason} color="orange" variant="light" tt="none">
                {reason}
              </Badge>
            ))}
          </Group>
        )}
        {r.candidateRecords.length > 1 && (
          <Text size="xs" c="dimmed" mt="xs">
            {lang === 'ja' ? '候補の人物の他の記録' : 'Other records of the candidate'}:{' '}
            {r.candidateRecords.length - 1}
          </Text>
        )}
      </Paper>
      <Group justify="flex-end">
        <Button variant="default" color="red" loading={busy} onClick={() => void decide('not-same')}>
          {t('office.notSame')}
        </Button>
        <Button loading={busy} onClick={() => void decide('link')}>
          {t('office.link')}
        </Button>
      </Group>
    </Stack>
  );
}
