import { Anchor, Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useI18n } from '../i18n/index';
import { westernDateTime } from '../lib/dates';
import { useNotifications } from './core/api';
import { professionLabel } from './core/cabinet-state';

/** 新着: the unread posts across my cabinets, urgent and mentions first; each opens its cabinet. */
export function NewPosts() {
  const { t, lang } = useI18n();
  const { data } = useNotifications(true);
  if (!data) return null;
  return (
    <Paper withBorder p="sm" data-testid="cabinet-new-posts">
      <Group gap="xs" mb={4}>
        <Title order={2} size="h4">
          {t('cabinet.unreadList')}
        </Title>
        {data.unread > 0 && <Badge color="red">{data.unread}</Badge>}
      </Group>
      {data.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('cabinet.unreadListNone')}
        </Text>
      ) : (
        <Stack gap={6}>
          {data.items.map((item) => {
            const author = item.author as { name?: string; profession?: string } | null;
            return (
              <Anchor
                key={item.postId}
                component={Link}
                to={`/cabinets/${encodeURIComponent(item.cabinetId)}`}
                underline="never"
                c="inherit"
              >
                <Group gap={6} wrap="nowrap" align="baseline">
                  {item.urgent && (
                    <Badge color="red" size="sm">
                      {t('cabinet.post.urgent')}
                    </Badge>
                  )}
                  {item.mentionsMe && (
                    <Badge color="grape" size="sm">
                      {t('cabinet.mentioned')}
                    </Badge>
                  )}
                  <Text size="sm" fw={600} style={{ whiteSpace: 'nowrap' }}>
                    {item.patientName}
                  </Text>
                  <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                    {author?.name} ({author?.profession ? professionLabel(author.profession, lang) : ''})
                  </Text>
                  <Text size="sm" lineClamp={1} style={{ flex: 1, minWidth: 0 }}>
                    {item.excerpt}
                  </Text>
                  <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                    {westernDateTime(item.createdAt)}
                  </Text>
                </Group>
              </Anchor>
            );
          })}
        </Stack>
      )}
    </Paper>
  );
}
