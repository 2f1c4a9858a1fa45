import { Alert, Button, Modal, PasswordInput, Stack } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { useI18n } from '../i18n/index';
import { useSession } from './session';

/** Shown when the hub says the password must be changed (first login with an initial password). */
export function PasswordChange() {
  const { t, lang } = useI18n();
  const { refresh } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('/auth/password', { method: 'POST', body: { current, next } });
      await refresh();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={() => undefined} withCloseButton={false} title={t('login.mustChange')} centered>
      <form onSubmit={submit}>
        <Stack gap="sm">
          {error !== null && <Alert color="red">{errorMessage(error, lang)}</Alert>}
          <PasswordInput
            label={t('login.password')}
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
          />
          <PasswordInput
            label={t('login.newPassword')}
            autoComplete="new-password"
            required
            minLength={12}
            value={next}
            onChange={(e) => setNext(e.currentTarget.value)}
          />
          <Button type="submit" loading={busy}>
            {t('app.save')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}
