import { Button, Group, Paper, Stack, Switch, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { enablePush, pushSupport, removePushDevice, resyncPush, thisDeviceId } from '../api/push-device';
import { useI18n } from '../i18n/index';
import { ErrorAlert } from '../layout/Feedback';
import { westernDateTime } from '../lib/dates';
import { keys, sendTestPush, usePushSettings } from './core/api';

/**
 * この端末への通知: turn Web Push on or off for this browser, see and remove the user's devices, send a
 * test. Only a count is ever pushed. Where the network has no push (closed networks) or the browser
 * cannot (an iPad's Safari outside the home screen), it says so: the badge and 新着 still tell.
 */
export function PushPanel() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const settings = usePushSettings();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [testResult, setTestResult] = useState<string | null>(null);
  const data = settings.data;
  const support = pushSupport();
  const mine = thisDeviceId();
  const on = data?.devices.some((d) => d.id === mine) ?? false;

  useEffect(() => {
    if (!data?.enabled || !data.publicKey) return;
    resyncPush(data.publicKey, data.devices)
      .then((changed) => {
        if (changed) void queryClient.invalidateQueries({ queryKey: keys.push });
      })
      .catch(() => undefined);
  }, [data, queryClient]);

  if (!data) return null;
  const failure = (status: string) =>
    status === 'network' ? t('cabinet.push.unreachable') : t('cabinet.push.refused', { status });
  const act = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
      await queryClient.invalidateQueries({ queryKey: keys.push });
    }
  };
  const toggle = (wanted: boolean) =>
    act(async () => {
      if (wanted && data.publicKey) await enablePush(data.publicKey);
      else if (!wanted && mine) await removePushDevice(mine);
    });

  return (
    <Paper withBorder p="sm" data-testid="cabinet-push">
      <Stack gap={6}>
        <Title order={2} size="h5">
          {t('cabinet.push.title')}
        </Title>
        {!data.enabled ? (
          <Text size="sm" c="dimmed" data-testid="cabinet-push-off">
            {t('cabinet.push.offNetwork')}
          </Text>
        ) : support === 'unsupported' ? (
          <Text size="sm" c="dimmed">
            {t('cabinet.push.unsupported')}
          </Text>
        ) : (
          <>
            <Switch
              checked={on}
              disabled={busy || support === 'denied'}
              onChange={(e) => void toggle(e.currentTarget.checked)}
              label={t('cabinet.push.switch')}
              description={support === 'denied' ? t('cabinet.push.denied') : t('cabinet.push.countOnly')}
              data-testid="cabinet-push-switch"
            />
            {data.devices.length > 0 && (
              <Stack gap={4} data-testid="cabinet-push-devices">
                {data.devices.map((device) => (
                  <Group key={device.id} gap="xs" wrap="wrap" justify="space-between">
                    <Text size="sm">
                      {device.label}
                      {device.id === mine ? ` — ${t('cabinet.push.thisDevice')}` : ''}
                      <Text span size="xs" c="dimmed">
                        {' '}
                        {device.service} ·{' '}
                        {t('cabinet.push.since', { at: westernDateTime(device.createdAt) })}
                        {device.lastStatus && !/^2\d\d$/.test(device.lastStatus)
                          ? ` · ${t('cabinet.push.lastFailed', { why: failure(device.lastStatus) })}`
                          : device.lastSentAt
                            ? ` · ${t('cabinet.push.lastSent', { at: westernDateTime(device.lastSentAt) })}`
                            : ''}
                      </Text>
                    </Text>
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      color="red"
                      disabled={busy}
                      onClick={() => void act(() => removePushDevice(device.id))}
                    >
                      {t('cabinet.push.remove')}
                    </Button>
                  </Group>
                ))}
                <Group gap="xs">
                  <Button
                    size="compact-sm"
                    variant="light"
                    disabled={busy}
                    data-testid="cabinet-push-test"
                    onClick={() =>
                      void act(async () => {
                        const { results } = await sendTestPush();
                        const sent = results.filter((r) => /^2\d\d$/.test(r.status)).length;
                        setTestResult(t('cabinet.push.testResult', { sent, all: results.length }));
                      })
                    }
                  >
                    {t('cabinet.push.test')}
                  </Button>
                  {testResult && (
                    <Text size="sm" data-testid="cabinet-push-test-result">
                      {testResult}
                    </Text>
                  )}
                </Group>
              </Stack>
            )}
          </>
        )}
        {error !== null && (
          <ErrorAlert
            error={
              error instanceof Error && error.message === 'permission-denied'
                ? new Error(t('cabinet.push.denied'))
                : error
            }
          />
        )}
      </Stack>
    </Paper>
  );
}
