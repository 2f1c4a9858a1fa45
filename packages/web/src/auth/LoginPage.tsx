import {
  Alert,
  Anchor,
  Button,
  Center,
  Code,
  Image,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Navigate, useLocation } from 'react-router';
import { ApiError, api } from '../api/client';
import { errorMessage } from '../api/errors';
import type { Enrolment, LoginResult, LoginStep } from '../api/types';
import { useI18n } from '../i18n/index';
import { LanguageSwitch } from '../i18n/LanguageSwitch';
import { useNetworkName } from '../lib/network-name';
import { CardLogin } from './CardLogin';
import { FederatedLogin } from './FederatedLogin';
import { FacilitySelect, useFacilityChoice } from './facility-choice';
import { useSession } from './session';

type Step = { kind: 'password' } | { kind: 'code'; pending: string; enrolment: Enrolment | null };

/** Password, then the TOTP code (with enrolment on first login). */
export function LoginPage() {
  const { t, lang } = useI18n();
  const network = useNetworkName();
  const { state, start } = useSession();
  const location = useLocation();
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const [loginId, setLoginId] = useState('');
  const [password, setPassword] = useState('');
  const choice = useFacilityChoice();
  const { facilityOid } = choice;
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  if (state.status === 'active') {
    // Back to the hub's SAML IdP (an SSO into another system that asked for this login): a page of the
    // server, not of the app. Only that path: never an open redirect.
    const next = new URLSearchParams(location.search).get('next');
    if (next && /^\/saml\/idp\/(sso|init)\?/.test(next)) {
      window.location.replace(next);
      return null;
    }
    const from = (location.state as { from?: string } | null)?.from;
    return <Navigate to={from ?? '/'} replace />;
  }

  const submitPassword = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await api<LoginStep>('/auth/login', {
        method: 'POST',
        body: { loginId, password, ...(facilityOid ? { facilityOid } : {}) },
      });
      let enrolment: Enrolment | null = null;
      if (answer.next === 'enrol') {
        enrolment = await api<Enrolment>('/auth/totp/enrol', {
          method: 'POST',
          body: { pending: answer.pending },
        });
      }
      setPassword('');
      setStep({ kind: 'code', pending: answer.pending, enrolment });
    } catch (e) {
      if (!choice.offer(e)) setError(e);
    } finally {
      setBusy(false);
    }
  };

  const submitCode = async (event: FormEvent) => {
    event.preventDefault();
    if (step.kind !== 'code') return;
    setBusy(true);
    setError(null);
    try {
      const result = await api<LoginResult>('/auth/totp', {
        method: 'POST',
        body: { pending: step.pending, code: code.replace(/\s/g, '') },
      });
      start(result);
    } catch (e) {
      setError(e);
      setCode('');
      if (e instanceof ApiError && e.code === 'login-expired') setStep({ kind: 'password' });
    } finally {
      setBusy(false);
    }
  };

  const reason = state.status === 'anonymous' ? state.reason : undefined;

  return (
    <Center mih="100vh" p="md" component="main" id="main">
      <Paper withBorder shadow="sm" p="xl" w={420} maw="100%" radius="md">
        <Stack gap="md">
          <div>
            <Text size="sm" c="dimmed">
              {t('app.subtitle')}
            </Text>
            <Title order={1} size="h2">
              {network}
            </Title>
          </div>
          <LanguageSwitch />
          {reason === 'expired' && <Alert color="yellow">{t('login.expired')}</Alert>}
          {reason === 'logged-out' && <Alert color="blue">{t('login.loggedOut')}</Alert>}
          {error !== null && (
            <Alert color="red" role="alert" title={t('login.title')}>
              {errorMessage(error, lang)}
            </Alert>
          )}
          {step.kind === 'password' ? (
            <form onSubmit={submitPassword} aria-label={t('login.title')}>
              <Stack gap="sm">
                <Title order={2} size="h4">
                  {t('login.title')}
                </Title>
                <TextInput
                  label={t('login.loginId')}
                  name="loginId"
                  autoComplete="username"
                  required
                  autoFocus
                  value={loginId}
                  onChange={(e) => setLoginId(e.currentTarget.value)}
                />
                <PasswordInput
                  label={t('login.password')}
                  name="password"
                  autoComplete="current-password"
                  required
                  value={password}
                  onChange={(e) => setPassword(e.currentTarget.value)}
                />
                <FacilitySelect choice={choice} />
                <Button type="submit" loading={busy}>
                  {t('login.submit')}
                </Button>
              </Stack>
            </form>
          ) : null}
          {step.kind === 'password' ? (
            <>
              <CardLogin onLogin={start} />
              <FederatedLogin from={(location.state as { from?: string } | null)?.from} />
            </>
          ) : (
            <form onSubmit={submitCode} aria-label={t('login.totpTitle')}>
              <Stack gap="sm">
                <Title order={2} size="h4">
                  {step.enrolment ? t('login.enrolTitle') : t('login.totpTitle')}
                </Title>
                {step.enrolment ? (
                  <>
                    <Text size="sm">{t('login.enrolHint')}</Text>
                    <Center>
                      <Image src={step.enrolment.qrDataUrl} alt={t('login.qrAlt')} w={200} h={200} />
                    </Center>
                    <Text size="xs" c="dimmed">
                      {t('login.enrolSecret')}
                    </Text>
                    <Code block data-testid="totp-secret">
                      {step.enrolment.secret}
                    </Code>
                  </>
                ) : (
                  <Text size="sm">{t('login.totpHint')}</Text>
                )}
                <TextInput
                  label={t('login.totpTitle')}
                  name="code"
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  pattern="[0-9 ]{6,7}"
                  maxLength={7}
                  required
                  autoFocus
                  value={code}
                  onChange={(e) => setCode(e.currentTarget.value)}
                />
                <Button type="submit" loading={busy}>
                  {t('login.totpSubmit')}
                </Button>
                <Anchor
                  component="button"
                  type="button"
                  size="sm"
                  onClick={() => {
                    setStep({ kind: 'password' });
                    setCode('');
                    setError(null);
                  }}
                >
                  {t('login.startOver')}
                </Anchor>
              </Stack>
            </form>
          )}
        </Stack>
      </Paper>
    </Center>
  );
}
