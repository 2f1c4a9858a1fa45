import { Alert, Badge, Button, Group, List, Stack, Text } from '@mantine/core';
import { useI18n } from '../i18n/index';
import { dateWithWareki, westernDate } from '../lib/dates';
import { type NotebookState, notebookSummary, type ScannedCode } from './notebook-codes';

const headOf = (text: string) => {
  const first = text.split('\r\n')[0] ?? '';
  return first.length > 48 ? `${first.slice(0, 48)}…` : first;
};

/**
 * The codes read so far: what is still missing (or that they are complete), whose notebook it is and
 * its dispensings, and each code with its part number and a button to remove it.
 */
export function CollectedCodes({
  codes,
  state,
  onRemove,
  answered,
}: {
  codes: readonly ScannedCode[];
  state: NotebookState;
  onRemove: (text: string) => void;
  /** The repository refused these codes: its answer, below, says what to do, not "press 取り込む". */
  answered: boolean;
}) {
  const { t, lang } = useI18n();
  if (codes.length === 0)
    return (
      <Text size="sm" c="dimmed">
        {t('notebook.none')}
      </Text>
    );
  const { patient, dispensings } = notebookSummary(codes);
  const label = (c: ScannedCode) =>
    c.kind === 'part' && c.split
      ? t('notebook.part', { sequence: c.split.sequence, total: c.split.total })
      : c.kind === 'whole'
        ? t('notebook.whole')
        : t('notebook.other');
  const ordered = [...codes].sort(
    (a, b) =>
      (a.kind === 'other' ? 1 : 0) - (b.kind === 'other' ? 1 : 0) ||
      (a.split?.sequence ?? 0) - (b.split?.sequence ?? 0),
  );

  return (
    <Stack gap="sm">
      {!answered && <StateLine state={state} />}
      {patient && (
        <Stack gap={2} data-testid="notebook-patient">
          <Text size="xs" c="dimmed">
            {t('notebook.patient')}
          </Text>
          <Text fw={700} size="lg">
            {patient.name}
            {patient.kana && (
              <Text span size="sm" fw={400} ml="xs">
                （{patient.kana}）
              </Text>
            )}
          </Text>
          <Text size="sm">
            {[
              patient.birthDate && t('notebook.birth', { date: dateWithWareki(patient.birthDate, lang) }),
              patient.sex && t(`notebook.${patient.sex}`),
            ]
              .filter(Boolean)
              .join('　')}
          </Text>
        </Stack>
      )}
      {dispensings.length > 0 && (
        <Stack gap={2}>
          <Text size="xs" c="dimmed">
            {t('notebook.dispensings')}
          </Text>
          <List size="sm" spacing={0}>
            {dispensings.map((d, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a notebook may hold two dispensings of a day
              <List.Item key={i}>
                {westernDate(d.date)}
                {d.pharmacy ? `　${d.pharmacy}` : ''}
              </List.Item>
            ))}
          </List>
        </Stack>
      )}
      <Stack
        gap={6}
        component="ul"
        m={0}
        p={0}
        style={{ listStyle: 'none' }}
        aria-label={t('notebook.collected')}
      >
        {ordered.map((c) => (
          <Group component="li" key={c.text} gap="sm" wrap="nowrap" justify="space-between">
            <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
              <Badge variant="light" color={c.kind === 'other' ? 'orange' : 'teal'} style={{ flexShrink: 0 }}>
                {label(c)}
              </Badge>
              {c.kind === 'other' && (
                <Text size="xs" ff="monospace" truncate>
                  {headOf(c.text)}
                </Text>
              )}
              {c.unreadable && (
                <Text size="xs" c="red.8">
                  {t('notebook.unreadable')}
                </Text>
              )}
            </Group>
            <Button
              size="compact-sm"
              variant="subtle"
              color="gray"
              onClick={() => onRemove(c.text)}
              aria-label={t('notebook.remove', { what: label(c) })}
            >
              ×
            </Button>
          </Group>
        ))}
      </Stack>
    </Stack>
  );
}

function StateLine({ state }: { state: NotebookState }) {
  const { t } = useI18n();
  switch (state.state) {
    case 'complete':
      return (
        <Alert color="teal" p="xs" data-testid="notebook-state" data-state="complete">
          {state.total > 1
            ? t('notebook.stateCompleteSplit', { total: state.total })
            : t('notebook.stateComplete')}
        </Alert>
      );
    case 'incomplete':
      return (
        <Alert color="yellow" p="xs" data-testid="notebook-state" data-state="incomplete">
          {t('notebook.stateIncomplete', { total: state.total, missing: state.missing.join('・') })}
        </Alert>
      );
    case 'mixed':
      return (
        <Alert color="orange" p="xs" data-testid="notebook-state" data-state="mixed">
          {t('notebook.stateMixed')}
        </Alert>
      );
    case 'not-jahis':
      return (
        <Alert color="orange" p="xs" data-testid="notebook-state" data-state="not-jahis">
          {t('notebook.stateNotJahis')}
        </Alert>
      );
    default:
      return null;
  }
}
