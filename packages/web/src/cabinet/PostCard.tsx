import { Anchor, Badge, Button, Collapse, Group, Paper, Stack, Text, UnstyledButton } from '@mantine/core';
import { useState } from 'react';
import { useI18n } from '../i18n/index';
import { westernDateTime } from '../lib/dates';
import { professionLabel } from './core/cabinet-state';
import type { PostView } from './core/types';
import { type CompareSeries, PostAttachments } from './files/PostAttachments';
import { PostBody } from './PostBody';
import { ReadReceipts } from './ReadReceipts';
import { excerpt, timeOf } from './timeline';

export interface PostActions {
  /** Null when the cabinet is read-only. */
  onReply: ((post: PostView) => void) | null;
  onEdit: ((post: PostView) => void) | null;
  onVersions: (post: PostView) => void;
  /** Brings a post of the page into view (a reply's parent, a parent's reply). */
  onShow: (postId: string) => void;
  /** Opens the comparison of a schema drawing's series (the same body diagram and name). */
  onCompareDrawing?: ((series: CompareSeries) => void) | null;
  myUserId: string;
}

export const postAnchor = (id: string) => `post-${id}`;

/** One post: who, when, what (SOAP or text, inputs), its marks (至急, @, 編集済, 既読) and its thread. */
export function PostCard({
  post,
  parent,
  replies,
  compact,
  actions,
}: {
  post: PostView;
  /** The post this one answers, when it is loaded. */
  parent: PostView | null | undefined;
  replies: PostView[];
  compact: boolean;
  actions: PostActions;
}) {
  const { t, lang } = useI18n();
  const [thread, setThread] = useState(false);
  const button = compact ? 'compact-xs' : 'xs';
  const mine = post.author.userId === actions.myUserId;
  const replyCount = Math.max(post.replyCount, replies.length);
  return (
    <Paper
      withBorder
      p={compact ? 6 : 'sm'}
      radius="sm"
      id={postAnchor(post.id)}
      tabIndex={-1}
      component="article"
      aria-label={`${post.author.name} ${westernDateTime(post.createdAt)}`}
      data-testid="post-card"
      data-post-id={post.id}
      data-urgent={post.urgent || undefined}
      style={{
        borderLeft: post.urgent ? '4px solid var(--mantine-color-red-7)' : undefined,
        background: post.mentionsMe ? 'var(--mantine-color-yellow-0)' : undefined,
        scrollMarginTop: 120,
        minWidth: 0,
      }}
    >
      <Stack gap={compact ? 4 : 6}>
        <Group gap={4} wrap="wrap" justify="space-between" align="flex-start">
          <Group gap={4} wrap="wrap">
            {post.urgent && (
              <Badge color="red" size={compact ? 'xs' : 'sm'} variant="filled">
                {t('cabinet.post.urgent')}
              </Badge>
            )}
            <Badge
              color={post.kind === 'soap' ? 'teal' : 'gray'}
              variant="light"
              size={compact ? 'xs' : 'sm'}
            >
              {post.kind === 'soap' ? t('cabinet.post.soap') : t('cabinet.post.free')}
            </Badge>
            {post.template && (
              <Text size="xs" c="dimmed" data-testid="post-template">
                {post.template.name[lang] || post.template.name.ja}
              </Text>
            )}
          </Group>
          <Text size="xs" c="dimmed" title={westernDateTime(post.createdAt)}>
            <time dateTime={post.createdAt}>{timeOf(post.createdAt)}</time>
          </Text>
        </Group>
        <div>
          <Text size={compact ? 'xs' : 'sm'} fw={700} span>
            {post.author.name}
          </Text>
          <Text size="xs" c="dimmed" span ml={6}>
            {professionLabel(post.author.profession, lang)}
          </Text>
          <Text size="xs" c="dimmed" lineClamp={compact ? 1 : undefined}>
            {post.author.facilityName}
          </Text>
        </div>
        {post.replyTo && (
          <Anchor
            component="button"
            type="button"
            size="xs"
            ta="left"
            onClick={() => post.replyTo && actions.onShow(post.replyTo)}
            data-testid="post-reply-to"
          >
            ↩{' '}
            {parent
              ? t('cabinet.post.replyTo', { name: parent.author.name, at: westernDateTime(parent.createdAt) })
              : t('cabinet.post.replyToMissing')}
          </Anchor>
        )}
        <PostBody soap={post.soap} text={post.text} inputs={post.inputs} compact={compact} />
        {post.attachments && post.attachments.length > 0 && (
          <PostAttachments
            attachments={post.attachments}
            compact={compact}
            onCompare={actions.onCompareDrawing ?? null}
          />
        )}
        {post.mentions.length > 0 && (
          <Group gap={4} wrap="wrap" data-testid="post-mentions">
            {post.mentions.map((m) => {
              const me = m.userId === actions.myUserId;
              return (
                <Text
                  key={m.userId}
                  size="xs"
                  fw={me ? 700 : 500}
                  c={me ? 'dark' : 'blue.8'}
                  bg={me ? 'yellow.3' : undefined}
                  px={me ? 4 : 0}
                  style={{ borderRadius: 4 }}
                  data-me={me || undefined}
                >
                  @{m.name}
                </Text>
              );
            })}
            {post.mentionsMe && (
              <Badge size="xs" color="yellow" variant="filled" c="dark">
                {t('cabinet.post.mentionsMe')}
              </Badge>
            )}
          </Group>
        )}
        <Group gap={2} wrap="wrap">
          {post.edited && (
            <Button
              size={button}
              variant="subtle"
              color="orange"
              c="#b03a09"
              onClick={() => actions.onVersions(post)}
              data-testid="post-edited"
            >
              {t('cabinet.post.edited')}
            </Button>
          )}
          <ReadReceipts post={post} size={button} />
          {actions.onReply && (
            <Button size={button} variant="subtle" onClick={() => actions.onReply?.(post)}>
              {t('cabinet.post.reply')}
            </Button>
          )}
          {actions.onEdit && mine && (
            <Button size={button} variant="subtle" onClick={() => actions.onEdit?.(post)}>
              {t('cabinet.post.edit')}
            </Button>
          )}
          {replyCount > 0 && (
            <Button
              size={button}
              variant="light"
              onClick={() => setThread((v) => !v)}
              aria-expanded={thread}
              disabled={replies.length === 0}
              data-testid="post-replies"
            >
              {t('cabinet.post.replies', { count: replyCount })}
            </Button>
          )}
        </Group>
        {replies.length > 0 && (
          <Collapse expanded={thread}>
            <Stack gap={4} pl={8} style={{ borderLeft: '2px solid var(--mantine-color-gray-3)' }}>
              {replies.map((r) => (
                <UnstyledButton key={r.id} onClick={() => actions.onShow(r.id)} style={{ textAlign: 'left' }}>
                  <Text size="xs" fw={600} span>
                    {r.author.name}
                  </Text>
                  <Text size="xs" c="dimmed" span ml={4}>
                    {westernDateTime(r.createdAt)}
                  </Text>
                  <Text size="xs" lineClamp={2}>
                    {excerpt(r)}
                  </Text>
                </UnstyledButton>
              ))}
            </Stack>
          </Collapse>
        )}
      </Stack>
    </Paper>
  );
}
