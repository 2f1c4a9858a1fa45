import { Alert, Button, Center, Loader, Stack, Text } from '@mantine/core';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { errorMessage } from '../api/errors';
import { i18next, useI18n } from '../i18n/index';

export function Loading() {
  const { t } = useI18n();
  return (
    <Center p="xl" role="status" aria-live="polite" data-loading="true">
      <Stack align="center" gap="xs">
        <Loader size="sm" aria-hidden />
        <Text size="sm" c="dimmed">
          {t('app.loading')}
        </Text>
      </Stack>
    </Center>
  );
}

export function ErrorAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t, lang } = useI18n();
  return (
    <Alert color="red" role="alert" my="sm">
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{errorMessage(error, lang)}</Text>
        {onRetry && (
          <Button size="xs" variant="light" color="red" onClick={onRetry}>
            {t('app.retry')}
          </Button>
        )}
      </Stack>
    </Alert>
  );
}

/** A screen that fails to render shows a message instead of a blank page. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error(error, info.componentStack);
  }

  override render() {
    if (this.state.error !== null) {
      const lang = i18next.language === 'en' ? 'en' : 'ja';
      return (
        <Alert color="red" role="alert" m="md" title={i18next.t('errors.boundary')}>
          {errorMessage(this.state.error, lang)}
        </Alert>
      );
    }
    return this.props.children;
  }
}
