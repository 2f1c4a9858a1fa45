import { Alert, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useLinkedSystems } from '../auth/linked-systems';
import { useI18n } from '../i18n/index';
import { ErrorAlert, Loading } from '../layout/Feedback';

/** 「連携システム」: the systems the network trusts with this user's sign-in (SAML SPs), opened in one click. */
export default function LinkedSystemsPage() {
  const { t } = useI18n();
  const systems = useLinkedSystems(true);
  if (systems.isLoading) return <Loading />;
  if (systems.error) return <ErrorAlert error={systems.error} />;
  return (
    <Stack gap="md" maw={900}>
      <Title order={1} size="h2">
        {t('linked.title')}
      </Title>
      <Alert color="blue">{t('linked.hint')}</Alert>
      {(systems.data ?? []).map((s) => (
        <Paper key={s.entityId} withBorder p="md" radius="md">
          <Group justify="space-between" wrap="nowrap">
            <div>
              <Text fw={600}>{s.name}</Text>
              <Text size="xs" c="dimmed">
                {s.entityId}
              </Text>
            </div>
            <Button component="a" href={s.url}>
              {t('linked.open')}
            </Button>
          </Group>
        </Paper>
      ))}
    </Stack>
  );
}
