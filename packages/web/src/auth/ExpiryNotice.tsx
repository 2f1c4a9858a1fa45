import { Button, Group, Modal, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/index';
import { useSession } from './session';

/** Warn this long before the session ends. */
const WARN_MS = 2 * 60_000;

/** A notice before the session expires (idle or absolute), with "stay logged in" and "log out". */
export function ExpiryNotice() {
  const { t } = useI18n();
  const { state, refresh, logout, expire } = useSession();
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);

  const active = state.status === 'active';
  const end = active ? Math.min(state.idleExpiresAt, state.expiresAt) : Number.POSITIVE_INFINITY;
  const absolute = active && state.expiresAt <= state.idleExpiresAt;
  const left = end - now;

  useEffect(() => {
    if (active && left <= 0) expire();
  }, [active, left, expire]);

  if (!active || left > WARN_MS || left <= 0) return null;
  const seconds = Math.max(0, Math.ceil(left / 1000));
  const values = { minutes: Math.floor(seconds / 60), seconds: seconds % 60 };
  return (
    <Modal opened onClose={() => void refresh()} title={t('session.expiringTitle')} centered>
      <Text role="status" aria-live="polite">
        {absolute ? t('session.absoluteBody', values) : t('session.expiringBody', values)}
      </Text>
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={() => void logout()}>
          {t('session.logoutNow')}
        </Button>
        {!absolute && (
          <Button onClick={() => void refresh()} data-autofocus>
            {t('session.extend')}
          </Button>
        )}
      </Group>
    </Modal>
  );
}
