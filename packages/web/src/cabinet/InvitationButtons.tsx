import { Alert, Button, Group, Stack } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useI18n } from '../i18n/index';
import { answerInvitation, keys } from './core/api';
import { cabinetError } from './core/errors';

/** 承諾 / 辞退 of an invitation; the lists and the cabinet are asked again afterwards. */
export function InvitationButtons({
  cabinetId,
  onAnswered,
  size = 'sm',
}: {
  cabinetId: string;
  onAnswered?: (answer: 'accept' | 'decline') => void;
  size?: 'xs' | 'sm' | 'md';
}) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const answer = useMutation({
    mutationFn: (a: 'accept' | 'decline') => answerInvitation(cabinetId, a),
    onSuccess: async (_r, a) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.list }),
        queryClient.invalidateQueries({ queryKey: keys.one(cabinetId) }),
        queryClient.invalidateQueries({ queryKey: keys.notifications }),
      ]);
      onAnswered?.(a);
    },
  });
  return (
    <Stack gap={4}>
      <Group gap="xs">
        <Button
          size={size}
          onClick={() => answer.mutate('accept')}
          loading={answer.isPending && answer.variables === 'accept'}
          data-testid="invitation-accept"
        >
          {t('cabinet.accept')}
        </Button>
        <Button
          size={size}
          variant="default"
          onClick={() => window.confirm(t('cabinet.declineConfirm')) && answer.mutate('decline')}
          loading={answer.isPending && answer.variables === 'decline'}
          data-testid="invitation-decline"
        >
          {t('cabinet.decline')}
        </Button>
      </Group>
      {answer.isError && (
        <Alert color="red" role="alert">
          {cabinetError(answer.error, lang)}
        </Alert>
      )}
    </Stack>
  );
}
