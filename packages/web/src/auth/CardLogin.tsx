import { Alert, Button, Divider, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { ApiError, api } from '../api/client';
import { errorMessage } from '../api/errors';
import { useLoginMethods } from '../api/hooks';
import type { CardCheck, LoginResult } from '../api/types';
import { useI18n } from '../i18n/index';
import { CardSummaryText } from './CardSummaryText';
import { FacilitySelect, useFacilityChoice } from './facility-choice';

/**
 * The HPKI card login under the password form. On the card listener (`here`): read the card the
 * browser presented, show whose it is, log in (choosing the facility when there are several). On the
 * portal: a link to the card listener, where the browser asks for the card and its PIN.
 */
export function CardLogin({ onLogin }: { onLogin: (result: LoginResult) => void }) {
  const { t, lang } = useI18n();
  const methods = useLoginMethods();
  const [check, setCheck] = useState<CardCheck | null>(null);
  const choice = useFacilityChoice();
  const { facilityOid } = choice;
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const hpki = methods.data?.methods.find((m) => m.id === 'hpki');
  if (hpki?.id !== 'hpki') return null;

  if (!hpki.here) {
    if (!hpki.url) return null;
    return (
      <Stack gap="xs">
        <Divider label={t('card.or')} labelPosition="center" />
        <Button
          component="a"
          href={`${hpki.url.replace(/\/$/, '')}/login`}
          variant="light"
          data-testid="card-login-link"
        >
          {t('card.loginWithCard')}
        </Button>
        <Text size="xs" c="dimmed">
          {t('card.linkHint')}
        </Text>
      </Stack>
    );
  }

  const logIn = async () => {
    setBusy(true);
    setError(null);
    try {
      const read = await api<CardCheck>('/auth/hpki/card');
      setCheck(read);
      if (read.refusal) return;
      const result = await api<LoginResult>('/auth/hpki/login', {
        method: 'POST',
        body: facilityOid ? { facilityOid } : {},
      });
      onLogin(result);
    } catch (e) {
      if (!choice.offer(e)) setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack gap="xs" data-testid="card-login">
      <Divider label={t('card.or')} labelPosition="center" />
      <Text size="sm">{t('card.hereHint')}</Text>
      {check?.card && <CardSummaryText card={check.card} />}
      {check?.refusal && (
        <Alert color="red" role="alert" title={t('card.refused')}>
          {errorMessage(new ApiError(403, check.refusal.code, check.refusal.message), lang)}
        </Alert>
      )}
      {error !== null && (
        <Alert color="red" role="alert" title={t('card.refused')}>
          {errorMessage(error, lang)}
        </Alert>
      )}
      <FacilitySelect choice={choice} />
      <Button onClick={() => void logIn()} loading={busy} variant="filled" color="teal">
        {t('card.loginWithCard')}
      </Button>
    </Stack>
  );
}
