import { Alert, Button, Group, List, Radio, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../api/errors';
import { useActiveSession } from '../auth/session';
import { useI18n } from '../i18n/index';
import { classifyRefusal, issueText, type NotebookImported, type NotebookIssue } from './api';

/** The repository's answer: what was imported, or why nothing was, or which patient it is. */
export function ImportOutcome({
  done,
  error,
  pending,
  onChoose,
  onNext,
}: {
  done: NotebookImported | null;
  error: unknown;
  pending: boolean;
  onChoose: (patientId: string) => void;
  onNext: () => void;
}) {
  const { t, lang } = useI18n();
  const session = useActiveSession();
  const can = session.abilities ?? { viewRecords: true, registerConsents: true };

  if (done)
    return (
      <Alert
        color="teal"
        role="status"
        data-testid="notebook-done"
        title={t('notebook.done', { count: done.dispensings })}
      >
        <Stack gap="xs">
          <Text size="sm">
            {done.newPatient
              ? t('notebook.doneNew', { patientId: done.patientId })
              : t('notebook.doneFound', { patientId: done.patientId })}
          </Text>
          {done.newPatient && <Text size="sm">{t('notebook.doneConsent')}</Text>}
          {done.warnings.length > 0 && (
            <Stack gap={2}>
              <Text size="sm" fw={600}>
                {t('notebook.warnings')}
              </Text>
              <Issues issues={done.warnings} />
            </Stack>
          )}
          <Group gap="sm">
            <Button size="md" onClick={onNext}>
              {t('notebook.next')}
            </Button>
            {done.newPatient && can.registerConsents && (
              <Button
                size="md"
                variant="default"
                component={Link}
                to={`/consents?localId=${encodeURIComponent(done.patientId)}`}
              >
                {t('notebook.toConsent')}
              </Button>
            )}
          </Group>
        </Stack>
      </Alert>
    );
  if (error === null || error === undefined) return null;

  const refusal = classifyRefusal(error);
  switch (refusal.kind) {
    case 'ambiguous':
      return <ChoosePatient candidates={refusal.candidates} pending={pending} onChoose={onChoose} />;
    case 'rejected':
      return (
        <Alert color="red" role="alert" data-testid="notebook-refused" title={t('notebook.refused')}>
          <Issues issues={refusal.issues} />
        </Alert>
      );
    case 'forbidden':
      return (
        <Alert color="red" role="alert" data-testid="notebook-refused">
          {t('notebook.forbidden')}
        </Alert>
      );
    case 'not-tenant':
      return (
        <Alert color="gray" role="alert" data-testid="notebook-refused">
          {t('notebook.notTenant')}
        </Alert>
      );
    case 'unreachable':
      return (
        <Alert color="red" role="alert" data-testid="notebook-refused">
          {t('notebook.unreachable')}
        </Alert>
      );
    default:
      return (
        <Alert color="red" role="alert" data-testid="notebook-refused">
          {errorMessage(refusal.error, lang)}
        </Alert>
      );
  }
}

function Issues({ issues }: { issues: readonly NotebookIssue[] }) {
  const { t, lang } = useI18n();
  return (
    <List size="sm" spacing={4}>
      {issues.map((issue, i) => {
        const place = [
          issue.line !== undefined && t('notebook.line', { line: issue.line }),
          issue.field && t('notebook.field', { field: issue.field }),
        ]
          .filter(Boolean)
          .join('・');
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: the repository's order, never reordered
          <List.Item key={i} data-code={issue.code}>
            <Text size="sm" span>
              {issueText(issue, lang)}
            </Text>
            {place && (
              <Text size="xs" c="dimmed" span ml="xs">
                （{place}）
              </Text>
            )}
          </List.Item>
        );
      })}
    </List>
  );
}

function ChoosePatient({
  candidates,
  pending,
  onChoose,
}: {
  candidates: string[];
  pending: boolean;
  onChoose: (patientId: string) => void;
}) {
  const { t } = useI18n();
  const [picked, setPicked] = useState<string | null>(null);
  return (
    <Alert color="yellow" role="alert" data-testid="notebook-ambiguous">
      <Stack gap="sm">
        <Text size="sm">{t('notebook.ambiguous')}</Text>
        <Radio.Group label={t('notebook.candidates')} value={picked} onChange={setPicked}>
          <Stack gap={6} mt={4}>
            {candidates.map((id) => (
              <Radio key={id} value={id} label={id} />
            ))}
          </Stack>
        </Radio.Group>
        <Button
          size="md"
          disabled={picked === null}
          loading={pending}
          onClick={() => picked && onChoose(picked)}
          maw={260}
        >
          {t('notebook.choose')}
        </Button>
      </Stack>
    </Alert>
  );
}
