import { Badge, Text } from '@mantine/core';
import { useI18n } from '../i18n/index';
import { inLanguage, knownReason } from './core/cabinet-state';
import type { Access } from './core/types';

/** Why a member may not read (or write), in a word: 同意撤回, 招待中, … (the hub's words beside it). */
export function AccessReasonBadge({ access }: { access: Pick<Access, 'reason' | 'message'> }) {
  const { t } = useI18n();
  const known = knownReason(access.reason);
  const color =
    access.reason === 'invitation-pending' ? 'yellow' : access.reason?.startsWith('consent') ? 'red' : 'gray';
  return (
    <Badge
      color={color}
      variant="light"
      tt="none"
      data-testid="access-reason"
      data-reason={access.reason ?? ''}
    >
      {known ? t(`cabinet.reason.${known}`) : (access.reason ?? t('cabinet.noAccess'))}
    </Badge>
  );
}

/** The hub's own message for the refusal, when it says more than the word. */
export function AccessMessage({ access }: { access: Pick<Access, 'message'> }) {
  const { lang } = useI18n();
  if (!access.message) return null;
  return (
    <Text size="sm" c="dimmed" data-testid="access-message">
      {inLanguage(access.message, lang)}
    </Text>
  );
}
