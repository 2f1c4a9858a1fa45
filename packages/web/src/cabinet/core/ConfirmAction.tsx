import {
  Alert,
  Button,
  type ButtonProps,
  Checkbox,
  Group,
  Modal,
  Stack,
  Text,
  Textarea,
} from '@mantine/core';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useI18n } from '../../i18n/index';
import { cabinetError } from './errors';

/**
 * A button whose action is asked again in a dialog: a warning, a reason when one is needed, and for the
 * heaviest (withdrawing a consent) a box to tick before the action can be taken.
 */
export function ConfirmAction({
  label,
  title,
  message,
  warning,
  reasonLabel,
  understood,
  confirmLabel,
  onConfirm,
  buttonProps,
  testId,
}: {
  label: ReactNode;
  title: string;
  message?: ReactNode;
  /** Shown in red above everything else. */
  warning?: string;
  /** A reason is asked (required) with this label. */
  reasonLabel?: string;
  /** A box to tick before confirming. */
  understood?: string;
  confirmLabel: string;
  onConfirm: (reason: string) => Promise<unknown>;
  buttonProps?: ButtonProps;
  testId?: string;
}) {
  const { t, lang } = useI18n();
  const [opened, setOpened] = useState(false);
  const [reason, setReason] = useState('');
  const [ticked, setTicked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const close = () => {
    setOpened(false);
    setReason('');
    setTicked(false);
    setError(null);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onConfirm(reason.trim());
      close();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const ready = (!reasonLabel || reason.trim() !== '') && (!understood || ticked);
  return (
    <>
      <Button
        color="red"
        variant="outline"
        {...buttonProps}
        onClick={() => setOpened(true)}
        data-testid={testId}
      >
        {label}
      </Button>
      <Modal opened={opened} onClose={close} title={<Text fw={700}>{title}</Text>} centered>
        <form onSubmit={submit}>
          <Stack gap="sm">
            {warning && (
              <Alert color="red" variant="filled" role="alert">
                {warning}
              </Alert>
            )}
            {message && <Text size="sm">{message}</Text>}
            {reasonLabel && (
              <Textarea
                label={reasonLabel}
                required
                autosize
                minRows={2}
                maxLength={500}
                value={reason}
                onChange={(e) => setReason(e.currentTarget.value)}
                data-autofocus
              />
            )}
            {understood && (
              <Checkbox
                label={understood}
                checked={ticked}
                onChange={(e) => setTicked(e.currentTarget.checked)}
                color="red"
              />
            )}
            {error !== null && (
              <Alert color="red" role="alert">
                {cabinetError(error, lang)}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('app.cancel')}
              </Button>
              <Button type="submit" color="red" loading={busy} disabled={!ready}>
                {confirmLabel}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
