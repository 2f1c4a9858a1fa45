import { Button, Popover, Stack, Text } from '@mantine/core';
import { useI18n } from '../i18n/index';
import { westernDateTime } from '../lib/dates';
import { professionLabel } from './core/cabinet-state';
import type { PostView } from './core/types';
import { readers } from './timeline';

/** 既読 3: who read the post and when; who read an older version says which. */
export function ReadReceipts({ post, size }: { post: PostView; size: 'compact-xs' | 'xs' }) {
  const { t, lang } = useI18n();
  const list = readers(post);
  return (
    <Popover position="bottom-start" withArrow shadow="md" width={280}>
      <Popover.Target>
        <Button size={size} variant="subtle" color="gray" data-testid="read-receipts">
          {t('cabinet.post.readCount', { count: list.length })}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        {list.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('cabinet.post.readNone')}
          </Text>
        ) : (
          <Stack gap={6} component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
            {list.map((r) => (
              <li key={`${r.name}-${r.readAt}`}>
                <Text size="sm" fw={600} span>
                  {r.name}
                </Text>
                <Text size="xs" c="dimmed" span ml={6}>
                  {professionLabel(r.profession, lang)}
                </Text>
                <Text size="xs" c="dimmed">
                  {westernDateTime(r.readAt)}
                  {r.old && (
                    <Text span size="xs" c="orange.9" ml={6} fw={600}>
                      {t('cabinet.post.readOlder', { version: r.version })}
                    </Text>
                  )}
                </Text>
              </li>
            ))}
          </Stack>
        )}
      </Popover.Dropdown>
    </Popover>
  );
}
