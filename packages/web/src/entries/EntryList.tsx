import { ENTRY_KINDS, ENTRY_LABELS, type EntryKind, type EntryVersion, mayEnter } from '@hie/contract';
import {
  Alert,
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  Spoiler,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useActiveSession } from '../auth/session';
import { useI18n } from '../i18n';
import { westernDateTime } from '../lib/dates';
import { deleteEntry, entryErrorMessage } from './api';
import { professionLabel, useDescribeEntry } from './EntryText';
import { type EntryState, ofKind } from './entries';

/** Who did a version: the profession, marked when it is the user. */
function useWho(): (v: EntryVersion) => string {
  const { t, lang } = useI18n();
  const session = useActiveSession();
  return (v) => {
    const profession = professionLabel(v.profession, lang);
    return v.userId === session.user.id ? t('entries.list.me', { profession }) : profession;
  };
}

/**
 * この施設で入力した記録: every entry by kind, current first; 修正 / 削除 for whoever may enter that kind,
 * 履歴 for everyone. A deleted entry stays, marked 削除済み with its reason.
 */
export function EntryList({
  states,
  facility,
  localId,
  onEdit,
  onChanged,
  message,
}: {
  /** What the last change in the list did (a deletion), said at its top. */
  message: string | null;
  states: EntryState[];
  facility: string;
  localId: string;
  onEdit: (state: EntryState) => void;
  onChanged: (message: string) => void;
}) {
  const { t, lang } = useI18n();
  const [history, setHistory] = useState<EntryState | null>(null);
  const [removing, setRemoving] = useState<EntryState | null>(null);
  const kinds = ENTRY_KINDS.filter((k) => ofKind(states, k).length > 0);

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="entries-list-title">
      <Stack gap="sm">
        <div>
          <Title order={2} size="h4" id="entries-list-title">
            {t('entries.list.title')}
          </Title>
          <Text size="xs" c="dimmed">
            {t('entries.list.hint')}
          </Text>
        </div>
        {message && (
          <Alert color="teal" role="status" data-testid="entry-list-message">
            {message}
          </Alert>
        )}
        {kinds.length === 0 ? (
          <Text size="sm" c="dimmed" data-testid="entries-empty">
            {t('entries.list.empty')}
          </Text>
        ) : (
          kinds.map((kind) => (
            <Stack key={kind} gap={6} component="section" aria-label={ENTRY_LABELS[kind][lang]}>
              <Group gap="xs">
                <Title order={3} size="h5">
                  {ENTRY_LABELS[kind][lang]}
                </Title>
                <Text size="xs" c="dimmed">
                  {t('entries.list.count', { count: ofKind(states, kind).length })}
                </Text>
              </Group>
              {ofKind(states, kind).map((s) => (
                <EntryCard
                  key={s.id}
                  state={s}
                  onEdit={() => onEdit(s)}
                  onDelete={() => setRemoving(s)}
                  onHistory={() => setHistory(s)}
                />
              ))}
            </Stack>
          ))
        )}
      </Stack>
      <HistoryDialog state={history} onClose={() => setHistory(null)} />
      <DeleteDialog
        state={removing}
        facility={facility}
        localId={localId}
        onClose={() => setRemoving(null)}
        onDeleted={(kind) => {
          setRemoving(null);
          onChanged(t('entries.deleted', { kind: ENTRY_LABELS[kind][lang] }));
        }}
      />
    </Paper>
  );
}

function EntryCard({
  state,
  onEdit,
  onDelete,
  onHistory,
}: {
  state: EntryState;
  onEdit: () => void;
  onDelete: () => void;
  onHistory: () => void;
}) {
  const { t } = useI18n();
  const session = useActiveSession();
  const describe = useDescribeEntry();
  const who = useWho();
  const d = describe(state.kind, state.content.body);
  const may = !state.deleted && mayEnter(session.user.profession, state.kind);
  const updated = state.versions.filter((v) => v.action === 'update').at(-1);
  return (
    <Paper
      withBorder
      p="sm"
      radius="sm"
      data-testid="entry"
      data-kind={state.kind}
      data-deleted={state.deleted ? 'true' : 'false'}
      bg={state.deleted ? 'gray.0' : undefined}
      style={{ borderLeft: `4px solid var(--mantine-color-${state.deleted ? 'gray-4' : 'teal-6'})` }}
    >
      <Stack gap={4}>
        <Group gap={6} wrap="wrap">
          <Text
            fw={700}
            size="sm"
            td={state.deleted ? 'line-through' : undefined}
            c={state.deleted ? 'dimmed' : undefined}
            data-testid="entry-headline"
          >
            {d.headline}
          </Text>
          {d.flags.map((f) => (
            <Badge key={f.label} color={f.color} variant={f.filled ? 'filled' : 'light'} size="sm" tt="none">
              {f.label}
            </Badge>
          ))}
          {state.deleted && (
            <Badge color="gray" variant="filled" size="sm" tt="none" data-testid="entry-deleted">
              {t('entries.list.deleted')}
            </Badge>
          )}
        </Group>
        {d.details.length > 0 && (
          <Text size="sm" c={state.deleted ? 'dimmed' : undefined}>
            {d.details.join('　')}
          </Text>
        )}
        {d.text !== undefined && (
          <Spoiler maxHeight={72} showLabel={t('entries.list.more')} hideLabel={t('entries.list.less')}>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} c={state.deleted ? 'dimmed' : undefined}>
              {d.text}
            </Text>
          </Spoiler>
        )}
        {state.deleted && state.last.reason && (
          <Text size="sm" c="red.9" data-testid="entry-deleted-reason">
            {t('entries.list.deletedReason', { reason: state.last.reason })}
          </Text>
        )}
        <Group gap="xs" justify="space-between" align="flex-end" wrap="wrap">
          <Stack gap={0}>
            <Text size="xs" c="dimmed">
              {t('entries.list.created', { at: westernDateTime(state.created.at), who: who(state.created) })}
            </Text>
            {updated && !state.deleted && (
              <Text size="xs" c="dimmed">
                {t('entries.list.updated', { at: westernDateTime(updated.at), who: who(updated) })}
              </Text>
            )}
            {state.deleted && (
              <Text size="xs" c="dimmed">
                {t('entries.list.deletedAt', { at: westernDateTime(state.last.at), who: who(state.last) })}
              </Text>
            )}
          </Stack>
          <Group gap={6}>
            {may && (
              <Button
                size="compact-sm"
                variant="light"
                onClick={onEdit}
                aria-label={t('entries.list.editLabel', { what: d.headline })}
              >
                {t('entries.list.edit')}
              </Button>
            )}
            {may && (
              <Button
                size="compact-sm"
                variant="light"
                color="red"
                onClick={onDelete}
                aria-label={t('entries.list.deleteLabel', { what: d.headline })}
              >
                {t('entries.list.delete')}
              </Button>
            )}
            <Button
              size="compact-sm"
              variant="default"
              onClick={onHistory}
              aria-label={t('entries.list.historyLabel', { what: d.headline })}
            >
              {t('entries.list.history')}
              {state.versions.length > 1 && `（${state.versions.length}）`}
            </Button>
          </Group>
        </Group>
      </Stack>
    </Paper>
  );
}

function HistoryDialog({ state, onClose }: { state: EntryState | null; onClose: () => void }) {
  const { t } = useI18n();
  const describe = useDescribeEntry();
  const who = useWho();
  const title = state ? describe(state.kind, state.content.body).headline : '';
  return (
    <Modal
      opened={state !== null}
      onClose={onClose}
      size="xl"
      title={t('entries.history.title', { what: title })}
      closeButtonProps={{ 'aria-label': t('app.close') }}
    >
      {state && (
        <Table.ScrollContainer minWidth={560}>
          <Table striped verticalSpacing="xs" data-testid="entry-history">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('entries.history.version')}</Table.Th>
                <Table.Th>{t('entries.history.action')}</Table.Th>
                <Table.Th>{t('entries.history.at')}</Table.Th>
                <Table.Th>{t('entries.history.who')}</Table.Th>
                <Table.Th>{t('entries.history.content')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {[...state.versions].reverse().map((v) => {
                const d = v.action === 'delete' ? null : describe(state.kind, v.body);
                return (
                  <Table.Tr key={v.version} data-testid="entry-version" data-action={v.action}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{v.version}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Text
                        size="sm"
                        fw={700}
                        c={v.action === 'delete' ? 'red.9' : v.action === 'update' ? 'blue.9' : 'teal.9'}
                      >
                        {t(`entries.history.${v.action}`)}
                      </Text>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{westernDateTime(v.at)}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{who(v)}</Table.Td>
                    <Table.Td>
                      {d ? (
                        <Stack gap={0}>
                          <Text size="sm" fw={600}>
                            {d.headline} {d.flags.map((f) => `［${f.label}］`).join('')}
                          </Text>
                          {d.details.length > 0 && <Text size="xs">{d.details.join('　')}</Text>}
                          {d.text && (
                            <Text size="xs" style={{ whiteSpace: 'pre-wrap' }}>
                              {d.text}
                            </Text>
                          )}
                        </Stack>
                      ) : (
                        <Text size="sm" c="red.9">
                          {t('entries.list.deletedReason', { reason: v.reason ?? '—' })}
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Modal>
  );
}

function DeleteDialog({
  state,
  facility,
  localId,
  onClose,
  onDeleted,
}: {
  state: EntryState | null;
  facility: string;
  localId: string;
  onClose: () => void;
  onDeleted: (kind: EntryKind) => void;
}) {
  const { t, lang } = useI18n();
  const describe = useDescribeEntry();
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const remove = useMutation({
    mutationFn: (s: EntryState) => deleteEntry(facility, localId, s.kind, s.id, reason.trim()),
    onSuccess: (_r, s) => {
      setReason('');
      setMissing(false);
      onDeleted(s.kind);
    },
  });
  const d = state ? describe(state.kind, state.content.body) : null;
  const close = () => {
    setReason('');
    setMissing(false);
    remove.reset();
    onClose();
  };
  return (
    <Modal
      opened={state !== null}
      onClose={close}
      title={t('entries.remove.title')}
      closeButtonProps={{ 'aria-label': t('app.close') }}
    >
      {state && d && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim() === '') {
              setMissing(true);
              return;
            }
            remove.mutate(state);
          }}
        >
          <Stack gap="sm">
            <Paper withBorder p="xs" radius="sm">
              <Text size="xs" c="dimmed">
                {ENTRY_LABELS[state.kind][lang]}
              </Text>
              <Text fw={700}>{d.headline}</Text>
              {d.details.length > 0 && <Text size="sm">{d.details.join('　')}</Text>}
            </Paper>
            <Text size="sm">{t('entries.remove.body')}</Text>
            <Textarea
              name="reason"
              label={t('entries.remove.reason')}
              placeholder={t('entries.remove.reasonHint')}
              withAsterisk
              aria-required
              autosize
              minRows={2}
              maxLength={200}
              value={reason}
              onChange={(e) => {
                setReason(e.currentTarget.value);
                if (e.currentTarget.value.trim()) setMissing(false);
              }}
              error={missing ? t('entries.error.required') : undefined}
              data-autofocus
            />
            {remove.isError && (
              <Alert color="red" role="alert">
                {entryErrorMessage(remove.error, lang)}
              </Alert>
            )}
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={close}>
                {t('app.cancel')}
              </Button>
              <Button type="submit" color="red" loading={remove.isPending}>
                {t('entries.remove.confirm')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
