import { Badge, Button, Checkbox, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useI18n } from '../i18n';
import { westernDateTime } from '../lib/dates';

/** What the hub reports of one system it sends to (ITI-46 notifications, ITI-59 directory feed). */
export interface Delivery {
  endpoint: string;
  status: 'active' | 'paused';
  delivered: number;
  failures: number;
  lastAttemptAt: string | null;
  lastError: string | null;
  retryAt: string | null;
  /** Directory changes not yet acknowledged (ITI-59 only). */
  pending?: number;
  feedTokenPending?: boolean;
}

export interface EndpointChoice {
  endpoint: string;
  status: string;
  issueFeedToken?: boolean;
  resend?: boolean;
}

/**
 * One endpoint the hub sends to, for the office: how delivery goes (sending or paused, how many
 * delivered, what is pending, the last attempt, the last error and the next try), and a form to set the
 * endpoint and pause it. With `feedToken`, the directory feed's choices: hand the system a new feed token,
 * send the whole directory again.
 */
export function PushEndpoint({
  title,
  section,
  deliveredLabel,
  current,
  placeholder,
  suggested,
  feedToken = false,
  onSave,
}: {
  title: string;
  /** `data-testid` of the section; its status line is `<section>-status`. */
  section: string;
  /** How the delivered count reads. */
  deliveredLabel: (count: number) => string;
  current: Delivery | null;
  placeholder: string;
  /** Filled in when nothing is registered yet (a gateway's own endpoint). */
  suggested?: string | undefined;
  feedToken?: boolean;
  onSave: (choice: EndpointChoice) => Promise<void>;
}) {
  const { t } = useI18n();
  const [endpoint, setEndpoint] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [issueToken, setIssueToken] = useState(false);
  const value = endpoint ?? current?.endpoint ?? suggested ?? '';
  const save = (resend: boolean) =>
    onSave({
      endpoint: value,
      status: status ?? current?.status ?? 'active',
      ...(feedToken ? { issueFeedToken: issueToken, resend } : {}),
    }).then(() => setIssueToken(false));
  return (
    <Stack gap="xs" data-testid={section}>
      <Title order={4} size="h5">
        {title}
      </Title>
      {current && (
        <Group gap="xs" data-testid={`${section}-status`}>
          <Badge color={current.lastError ? 'red' : current.status === 'active' ? 'teal' : 'gray'}>
            {current.status === 'active' ? t('office.iheActive') : t('office.ihePaused')}
          </Badge>
          <Text size="sm">{deliveredLabel(current.delivered)}</Text>
          {current.pending !== undefined && (
            <Text size="sm" c={current.pending > 0 ? 'orange' : 'dimmed'}>
              {t('office.ihePending', { count: current.pending })}
            </Text>
          )}
          {current.feedTokenPending && (
            <Badge color="orange" variant="light">
              {t('office.iheFeedTokenPending')}
            </Badge>
          )}
          {current.lastAttemptAt && (
            <Text size="sm" c="dimmed">
              {t('office.iheLastAttempt', { at: westernDateTime(current.lastAttemptAt) })}
            </Text>
          )}
          {current.lastError && (
            <Text size="sm" c="red">
              {current.lastError}
              {current.retryAt
                ? ` — ${t('office.iheRetryAt', { at: westernDateTime(current.retryAt) })}`
                : ''}
            </Text>
          )}
        </Group>
      )}
      <Group align="flex-end" wrap="wrap">
        <TextInput
          label={t('office.iheEndpoint')}
          placeholder={placeholder}
          style={{ flex: 1, minWidth: 260 }}
          value={value}
          onChange={(e) => setEndpoint(e.currentTarget.value)}
        />
        <Select
          label={t('office.iheStatus')}
          w={140}
          data={[
            { value: 'active', label: t('office.iheActive') },
            { value: 'paused', label: t('office.ihePaused') },
          ]}
          value={status ?? current?.status ?? 'active'}
          onChange={setStatus}
          allowDeselect={false}
        />
        <Button variant="default" disabled={value === ''} onClick={() => void save(false)}>
          {t('office.iheSaveEndpoint')}
        </Button>
        {feedToken && current && (
          <Button variant="subtle" onClick={() => void save(true)}>
            {t('office.iheResend')}
          </Button>
        )}
      </Group>
      {feedToken && (
        <Checkbox
          size="sm"
          label={t('office.iheIssueFeedToken')}
          checked={issueToken}
          onChange={(e) => setIssueToken(e.currentTarget.checked)}
        />
      )}
    </Stack>
  );
}
