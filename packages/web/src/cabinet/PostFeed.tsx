import { Stack } from '@mantine/core';
import { useMemo } from 'react';
import type { PostView } from './core/types';
import { type PostActions, PostCard } from './PostCard';
import { DaySeparator } from './TimelineGrid';
import { feedItems, repliesByParent } from './timeline';

/** The plain feed: one post under the other, newest first, a separator per day. */
export function PostFeed({ posts, actions }: { posts: PostView[]; actions: PostActions }) {
  const items = useMemo(() => feedItems(posts), [posts]);
  const replies = useMemo(() => repliesByParent(posts), [posts]);
  const byId = useMemo(() => new Map(posts.map((p) => [p.id, p])), [posts]);
  return (
    <Stack gap="xs" data-testid="post-feed">
      {items.map((item) =>
        item.type === 'day' ? (
          <DaySeparator key={item.key} day={item.day} />
        ) : (
          <PostCard
            key={item.key}
            post={item.post}
            parent={item.post.replyTo ? byId.get(item.post.replyTo) : null}
            replies={replies.get(item.post.id) ?? []}
            compact={false}
            actions={actions}
          />
        ),
      )}
    </Stack>
  );
}
