import { DEFAULT_TIMELINE_COLUMNS, type TimelineColumn } from '@hie/contract';
import { Button, Center, Stack, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useI18n } from '../i18n/index';
import { ErrorAlert, Loading } from '../layout/Feedback';
import { usePosts } from './core/api';
import type { PostFilters } from './core/types';
import type { PostActions } from './PostCard';
import { PostFeed } from './PostFeed';
import { TimelineGrid } from './TimelineGrid';

const NO_FILTERS: PostFilters = {};

/** 「もっと見る」: the next page of posts, while there is one. */
export function MoreButton({
  hasNext,
  loading,
  onMore,
}: {
  hasNext: boolean;
  loading: boolean;
  onMore: () => void;
}) {
  const { t } = useI18n();
  return (
    <Center py="sm">
      {hasNext ? (
        <Button variant="default" onClick={onMore} loading={loading} data-testid="posts-more">
          {t('cabinet.more')}
        </Button>
      ) : (
        <Text size="xs" c="dimmed">
          {t('cabinet.noMore')}
        </Text>
      )}
    </Center>
  );
}

/** タイムライン: the 4 columns on a tablet or wider; the plain feed on a phone. */
export function TimelineTab({
  cabinetId,
  columns,
  actions,
}: {
  cabinetId: string;
  columns: readonly TimelineColumn[];
  actions: PostActions;
}) {
  const { t } = useI18n();
  const phone = useMediaQuery('(max-width: 36em)');
  const compact = useMediaQuery('(max-width: 75em)') ?? false;
  const posts = usePosts(cabinetId, NO_FILTERS);
  if (posts.isPending) return <Loading />;
  if (posts.isError) return <ErrorAlert error={posts.error} onRetry={() => void posts.refetch()} />;
  const all = posts.data.pages.flatMap((p) => p.posts);
  const pageColumns = posts.data.pages[0]?.columns;
  const shown = pageColumns?.length ? pageColumns : columns.length ? columns : DEFAULT_TIMELINE_COLUMNS;
  return (
    <Stack gap="xs">
      {all.length === 0 ? (
        <Text c="dimmed" py="md">
          {t('cabinet.timeline.empty')}
        </Text>
      ) : phone ? (
        <PostFeed posts={all} actions={actions} />
      ) : (
        <TimelineGrid posts={all} columns={shown} compact={compact} actions={actions} />
      )}
      {all.length > 0 && (
        <MoreButton
          hasNext={posts.hasNextPage}
          loading={posts.isFetchingNextPage}
          onMore={() => void posts.fetchNextPage()}
        />
      )}
    </Stack>
  );
}
