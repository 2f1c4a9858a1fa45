import {
  Button,
  Checkbox,
  Group,
  NativeSelect,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useI18n } from '../i18n/index';
import { DateField } from '../layout/DateField';
import { ErrorAlert, Loading } from '../layout/Feedback';
import { usePosts } from './core/api';
import { professionLabel } from './core/cabinet-state';
import type { CabinetMember, PostFilters } from './core/types';
import { EMPTY_FILTERS, type FilterForm, filtersOf } from './filters';
import type { PostActions } from './PostCard';
import { PostFeed } from './PostFeed';
import { MoreButton } from './TimelineTab';

/** 一覧: every post newest first, filtered by the hub (author, profession, kind, urgent, days, words). */
export function FeedTab({
  cabinetId,
  members,
  actions,
}: {
  cabinetId: string;
  members: CabinetMember[];
  actions: PostActions;
}) {
  const { t, lang } = useI18n();
  const [form, setForm] = useState<FilterForm>(EMPTY_FILTERS);
  const [filters, setFilters] = useState<PostFilters>({});
  const posts = usePosts(cabinetId, filters);
  const set = (patch: Partial<FilterForm>) => setForm((f) => ({ ...f, ...patch }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFilters(filtersOf(form));
  };
  const authors = [...new Map(members.map((m) => [m.userId, m.name])).entries()];
  const professions = [...new Set(members.map((m) => m.profession))];
  const any = { value: '', label: t('cabinet.feed.any') };
  const all = posts.data?.pages.flatMap((p) => p.posts) ?? [];

  return (
    <Stack gap="sm">
      <Paper withBorder p="sm" radius="md" component="form" onSubmit={submit} aria-labelledby="feed-filters">
        <Stack gap="xs">
          <Title order={2} size="h5" id="feed-filters">
            {t('cabinet.feed.filters')}
          </Title>
          <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="xs" verticalSpacing="xs">
            <NativeSelect
              label={t('cabinet.feed.author')}
              value={form.author}
              onChange={(e) => set({ author: e.currentTarget.value })}
              data={[any, ...authors.map(([value, label]) => ({ value, label }))]}
            />
            <NativeSelect
              label={t('cabinet.feed.profession')}
              value={form.profession}
              onChange={(e) => set({ profession: e.currentTarget.value })}
              data={[any, ...professions.map((p) => ({ value: p, label: professionLabel(p, lang) }))]}
            />
            <NativeSelect
              label={t('cabinet.feed.kind')}
              value={form.kind}
              onChange={(e) => set({ kind: e.currentTarget.value })}
              data={[
                any,
                { value: 'soap', label: t('cabinet.post.soap') },
                { value: 'free', label: t('cabinet.post.free') },
              ]}
            />
            <TextInput
              label={t('cabinet.feed.q')}
              value={form.q}
              onChange={(e) => set({ q: e.currentTarget.value })}
              type="search"
              name="q"
            />
            <DateField label={t('cabinet.feed.from')} value={form.from} onChange={(from) => set({ from })} />
            <DateField label={t('cabinet.feed.to')} value={form.to} onChange={(to) => set({ to })} />
            <Checkbox
              mt={{ base: 0, xs: 30 }}
              label={t('cabinet.feed.urgentOnly')}
              checked={form.urgent}
              onChange={(e) => set({ urgent: e.currentTarget.checked })}
            />
          </SimpleGrid>
          <Group gap="xs">
            <Button type="submit">{t('cabinet.feed.apply')}</Button>
            <Button
              variant="default"
              onClick={() => {
                setForm(EMPTY_FILTERS);
                setFilters({});
              }}
            >
              {t('cabinet.feed.reset')}
            </Button>
          </Group>
        </Stack>
      </Paper>
      {posts.isPending ? (
        <Loading />
      ) : posts.isError ? (
        <ErrorAlert error={posts.error} onRetry={() => void posts.refetch()} />
      ) : all.length === 0 ? (
        <Text c="dimmed">{t('cabinet.feed.empty')}</Text>
      ) : (
        <>
          <PostFeed posts={all} actions={actions} />
          <MoreButton
            hasNext={posts.hasNextPage}
            loading={posts.isFetchingNextPage}
            onMore={() => void posts.fetchNextPage()}
          />
        </>
      )}
    </Stack>
  );
}
