import type { TimelineColumn } from '@hie/contract';
import { Box, Text } from '@mantine/core';
import { useMemo } from 'react';
import { useI18n } from '../i18n/index';
import type { PostView } from './core/types';
import { type PostActions, PostCard } from './PostCard';
import { dayLabel, repliesByParent, timelineRows } from './timeline';

/** A day's separator across the columns: 2025/06/03（火）. */
export function DaySeparator({ day }: { day: string }) {
  const { lang } = useI18n();
  return (
    <Box
      py={4}
      px="xs"
      bg="teal.0"
      style={{ borderRadius: 4, gridColumn: '1 / -1' }}
      data-testid="day-separator"
    >
      <Text component="h3" size="sm" fw={700} c="teal.9" m={0}>
        {dayLabel(day, lang)}
      </Text>
    </Box>
  );
}

/**
 * 4列タイムライン: a column per group of professions, rows by time (newest first), a separator per day.
 * A reply sits in its author's column at its own time, and is listed under the post it answers.
 */
export function TimelineGrid({
  posts,
  columns,
  compact,
  actions,
}: {
  posts: PostView[];
  columns: readonly TimelineColumn[];
  compact: boolean;
  actions: PostActions;
}) {
  const { t, lang } = useI18n();
  const rows = useMemo(() => timelineRows(posts, columns), [posts, columns]);
  const replies = useMemo(() => repliesByParent(posts), [posts]);
  const byId = useMemo(() => new Map(posts.map((p) => [p.id, p])), [posts]);
  const grid: React.CSSProperties = {
    display: 'grid',
    gridTemplateColumns: `repeat(${columns.length}, minmax(0, 1fr))`,
    gap: compact ? 4 : 8,
  };
  return (
    <section aria-label={t('cabinet.timeline.label')} data-testid="timeline-grid">
      <div
        style={{
          ...grid,
          position: 'sticky',
          top: 'var(--app-shell-header-height, 56px)',
          zIndex: 2,
          background: 'var(--mantine-color-body)',
          paddingBlock: 4,
        }}
      >
        {columns.map((c) => (
          <Text
            key={c.id}
            fw={700}
            size={compact ? 'sm' : 'md'}
            ta="center"
            py={4}
            bg="gray.1"
            style={{ borderRadius: 4 }}
          >
            {c.label[lang] || c.label.ja}
          </Text>
        ))}
      </div>
      <div style={{ ...grid, rowGap: compact ? 6 : 10, marginTop: 4 }}>
        {rows.map((row) =>
          row.type === 'day' ? (
            <DaySeparator key={row.key} day={row.day} />
          ) : (
            <div key={row.key} style={{ display: 'contents' }}>
              {columns.map((c) => {
                const post = row.cells[c.id];
                return (
                  <div key={c.id} style={{ minWidth: 0 }} data-column={c.id}>
                    {post && (
                      <PostCard
                        post={post}
                        parent={post.replyTo ? byId.get(post.replyTo) : null}
                        replies={replies.get(post.id) ?? []}
                        compact={compact}
                        actions={actions}
                      />
                    )}
                  </div>
                );
              })}
            </div>
          ),
        )}
      </div>
    </section>
  );
}
