import { Badge, Divider, Group, Modal, Stack, Text } from '@mantine/core';
import { Fragment } from 'react';
import { useI18n } from '../i18n/index';
import { ErrorAlert, Loading } from '../layout/Feedback';
import { westernDateTime } from '../lib/dates';
import { useVersions } from './core/api';
import { nameOf } from './core/cabinet-state';
import type { PostInputView } from './core/types';
import { PostBody } from './PostBody';

/** The versions' inputs as lines: the PostView's list, or a record of field id → value. */
function versionInputs(inputs: unknown): PostInputView[] | string[] {
  if (Array.isArray(inputs)) return inputs as PostInputView[];
  if (inputs && typeof inputs === 'object')
    return Object.entries(inputs).map(([k, v]) => `${k}: ${v === true ? '✓' : String(v)}`);
  return [];
}

/** 編集履歴: every version of a post, newest first. */
export function VersionsModal({
  cabinetId,
  postId,
  onClose,
}: {
  cabinetId: string;
  postId: string | null;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const versions = useVersions(cabinetId, postId);
  return (
    <Modal opened={postId !== null} onClose={onClose} title={t('cabinet.post.versions')} size="lg">
      {versions.isPending ? (
        <Loading />
      ) : versions.isError ? (
        <ErrorAlert error={versions.error} onRetry={() => void versions.refetch()} />
      ) : (
        <Stack gap="sm" data-testid="post-versions">
          {[...versions.data]
            .sort((a, b) => b.version - a.version)
            .map((v, i) => {
              const inputs = versionInputs(v.inputs);
              return (
                <Fragment key={v.version}>
                  {i > 0 && <Divider />}
                  <Stack gap={4}>
                    <Group gap="xs">
                      <Badge variant="light">{t('cabinet.post.version', { version: v.version })}</Badge>
                      {v.urgent && <Badge color="red">{t('cabinet.post.urgent')}</Badge>}
                      <Text size="xs" c="dimmed">
                        {t('cabinet.post.editedBy', {
                          at: westernDateTime(v.editedAt),
                          name: nameOf(v.editedBy),
                        })}
                      </Text>
                    </Group>
                    <PostBody
                      soap={v.soap}
                      text={v.text}
                      inputs={inputs.every((x) => typeof x === 'string') ? [] : (inputs as PostInputView[])}
                      compact={false}
                    />
                    {inputs.length > 0 && inputs.every((x) => typeof x === 'string') && (
                      <Text size="sm">{(inputs as string[]).join('　')}</Text>
                    )}
                  </Stack>
                </Fragment>
              );
            })}
        </Stack>
      )}
    </Modal>
  );
}
