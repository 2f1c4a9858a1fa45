import { ENTRY_LABELS, type EntryKind } from '@hie/contract';
import { Alert, Anchor, Button, Group, Paper, SimpleGrid, Stack, Tabs, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, api } from '../api/client';
import type { PatientHeader } from '../api/types';
import { useActiveSession } from '../auth/session';
import { useI18n } from '../i18n';
import { ErrorAlert, Loading } from '../layout/Feedback';
import { todayInJapan } from '../lib/dates';
import { PatientHeaderCard } from '../patient-header/PatientHeader';
import {
  createEntry,
  entriesKey,
  entryErrorMessage,
  listEntries,
  notATenant,
  refusedFields,
  updateEntry,
} from './api';
import { EntryFields, READABLE_ERRORS } from './EntryFields';
import { EntryList } from './EntryList';
import { professionLabel } from './EntryText';
import {
  type AnyForm,
  checkEntry,
  clearChanged,
  type EntryForms,
  type EntryState,
  emptyForm,
  entryStates,
  formOf,
  offeredKinds,
  type Problems,
} from './entries';

/**
 * 記録の入力: the staff of a facility whose records live in the network's repository (no electronic
 * record system of its own) enter allergies, diagnoses, medications, 服薬指導 and notes for their own
 * patient, each kind only by the professions that may state it; corrections are new versions and
 * deletions keep their reason.
 */
export default function EntriesPage() {
  const { personId = '' } = useParams();
  const { t, lang } = useI18n();
  const session = useActiveSession();
  const kinds = offeredKinds(session.user.profession);
  const path = `/patients/${encodeURIComponent(personId)}`;

  if (session.user.office || kinds.length === 0)
    return (
      <Stack gap="md" maw={760}>
        <Title order={1} size="h2">
          {t('entries.title')}
        </Title>
        <Alert color="gray" data-testid="entries-not-offered">
          <Stack gap={4}>
            <Text size="sm">
              {session.user.office
                ? t('entries.notices.office')
                : t('entries.notices.noKinds', {
                    profession: professionLabel(session.user.profession, lang),
                  })}
            </Text>
            {!session.user.office && <Text size="sm">{t('entries.notices.registerInstead')}</Text>}
          </Stack>
        </Alert>
        <Group gap="sm">
          {!session.user.office && (
            <Button component={Link} to="/patients/register" variant="light">
              {t('register.open')}
            </Button>
          )}
          {(session.abilities?.viewRecords ?? true) && (
            <Button component={Link} to={path} variant="default">
              {t('entries.back')}
            </Button>
          )}
        </Group>
      </Stack>
    );
  return <ForPerson personId={personId} kinds={kinds} />;
}

function ForPerson({ personId, kinds }: { personId: string; kinds: EntryKind[] }) {
  const { t } = useI18n();
  const session = useActiveSession();
  const path = `/patients/${encodeURIComponent(personId)}`;
  // The patient page's own query: opened from there, the header is already here.
  const header = useQuery({ queryKey: ['patient', personId], queryFn: () => api<PatientHeader>(path) });

  if (header.isPending) return <Loading />;
  if (header.isError) {
    const hidden =
      header.error instanceof ApiError && (header.error.status === 404 || header.error.status === 403);
    return (
      <Stack gap="md" maw={760}>
        {hidden ? (
          <Alert color="gray" data-testid="not-visible">
            {t('entries.notices.notVisible')}
          </Alert>
        ) : (
          <ErrorAlert error={header.error} onRetry={() => void header.refetch()} />
        )}
        <Anchor component={Link} to="/patients">
          {t('app.back')}
        </Anchor>
      </Stack>
    );
  }
  const own = header.data.identifiers.find((r) => r.facilityOid === session.facility.oid);
  return (
    <Stack gap="md">
      <PatientHeaderCard header={header.data} />
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
        <div>
          <Title order={1} size="h2">
            {t('entries.title')}
          </Title>
          <Text size="sm" c="dimmed" data-testid="entries-record">
            {own
              ? t('entries.record', { facility: session.facility.name, localId: own.localId })
              : session.facility.name}
          </Text>
        </div>
        <Button component={Link} to={path} variant="default" size="xs">
          {t('entries.back')}
        </Button>
      </Group>
      {own ? (
        <Workspace personId={personId} facility={session.facility.oid} localId={own.localId} kinds={kinds} />
      ) : (
        <Alert color="yellow" data-testid="entries-no-record">
          {t('entries.notices.noRecord', { facility: session.facility.name })}
        </Alert>
      )}
    </Stack>
  );
}

function Workspace({
  personId,
  facility,
  localId,
  kinds,
}: {
  personId: string;
  facility: string;
  localId: string;
  kinds: EntryKind[];
}) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const entries = useQuery({
    queryKey: entriesKey(facility, localId),
    queryFn: () => listEntries(facility, localId),
    retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
  });
  // What the last save said, where it was done: the form (登録・修正) or the list (削除).
  const [message, setMessage] = useState<{ text: string; where: 'form' | 'list' } | null>(null);
  const [editing, setEditing] = useState<{ state: EntryState; nonce: number } | null>(null);
  const changed = (text: string, where: 'form' | 'list') => {
    setMessage({ text, where });
    void queryClient.invalidateQueries({ queryKey: entriesKey(facility, localId) });
    // The patient's record (allergy banner, summary) shows the facility's entries too.
    void queryClient.invalidateQueries({ queryKey: ['patient', personId] });
  };

  if (entries.isPending) return <Loading />;
  if (entries.isError)
    return notATenant(entries.error) ? (
      <Alert color="gray" data-testid="entries-not-tenant">
        {t('entries.refused.entry-no-repository')}
      </Alert>
    ) : (
      <Alert color="red" role="alert">
        {entryErrorMessage(entries.error, lang)}
      </Alert>
    );
  const states = entryStates(entries.data);
  const counts = Object.fromEntries(
    kinds.map((k) => [k, states.filter((s) => s.kind === k && !s.deleted).length]),
  ) as Record<EntryKind, number>;
  return (
    <SimpleGrid minColWidth={420} autoFlow="auto-fit" spacing="md" style={{ alignItems: 'start' }}>
      <EntryForm
        facility={facility}
        localId={localId}
        kinds={kinds}
        editing={editing}
        onDone={(text) => {
          setEditing(null);
          changed(text, 'form');
        }}
        onCancel={() => setEditing(null)}
        message={message?.where === 'form' ? message.text : null}
        onTyping={() => setMessage(null)}
        counts={counts}
      />
      <EntryList
        states={states}
        facility={facility}
        localId={localId}
        onEdit={(state) => {
          setMessage(null);
          setEditing({ state, nonce: Date.now() });
        }}
        onChanged={(text) => changed(text, 'list')}
        message={message?.where === 'list' ? message.text : null}
      />
    </SimpleGrid>
  );
}

function EntryForm({
  facility,
  localId,
  kinds,
  editing,
  onDone,
  onCancel,
  message,
  onTyping,
  counts,
}: {
  /** Current entries per kind, on the tabs: what is on record already, when the list is out of sight. */
  counts: Record<EntryKind, number>;
  facility: string;
  localId: string;
  kinds: EntryKind[];
  editing: { state: EntryState; nonce: number } | null;
  onDone: (message: string) => void;
  onCancel: () => void;
  message: string | null;
  onTyping: () => void;
}) {
  const { t, lang } = useI18n();
  const today = todayInJapan();
  const [kind, setKind] = useState<EntryKind>(kinds[0]!);
  const [forms, setForms] = useState<EntryForms>(() => ({
    allergy: emptyForm('allergy', today),
    diagnosis: emptyForm('diagnosis', today),
    medication: emptyForm('medication', today),
    guidance: emptyForm('guidance', today),
    note: emptyForm('note', today),
  }));
  const [problems, setProblems] = useState<Problems>({});
  const panel = useRef<HTMLElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const [focusField, setFocusField] = useState<string | null>(null);

  // 修正: the entry's kind and what it says now, in the form, which comes into view.
  useEffect(() => {
    if (!editing) return;
    const { state } = editing;
    setKind(state.kind);
    setForms((f) => ({ ...f, [state.kind]: formOf(state.kind, state.content.body, todayInJapan()) }));
    setProblems({});
    panel.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
    setFocusField('');
  }, [editing]);
  // The field to look at: the first with a problem, or the first of the form.
  useEffect(() => {
    if (focusField === null) return;
    const form = formRef.current;
    const target = form?.querySelector<HTMLElement>(
      focusField ? `[name="${CSS.escape(focusField)}"]` : 'input:not([type=hidden]), textarea',
    );
    target?.focus({ preventScroll: focusField === '' });
    setFocusField(null);
  }, [focusField]);

  const save = useMutation({
    mutationFn: (v: { kind: EntryKind; body: unknown; id: string | null }) =>
      v.id
        ? updateEntry(facility, localId, v.kind, v.id, v.body)
        : createEntry(facility, localId, v.kind, v.body),
    onSuccess: (_r, v) => {
      setForms((f) => ({ ...f, [v.kind]: emptyForm(v.kind, todayInJapan()) }));
      setProblems({});
      onDone(t(v.id ? 'entries.updated' : 'entries.created', { kind: ENTRY_LABELS[v.kind][lang] }));
    },
    onError: (error) => {
      const fields = refusedFields(error);
      setProblems(fields);
      const first = Object.keys(fields).find((f) => f !== '');
      if (first) setFocusField(first);
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.reset();
    const checked = checkEntry(kind, forms[kind], todayInJapan());
    if (!checked.ok) {
      setProblems(checked.problems);
      setFocusField(Object.keys(checked.problems)[0] ?? null);
      return;
    }
    setProblems({});
    save.mutate({ kind, body: checked.body, id: editing?.state.kind === kind ? editing.state.id : null });
  };

  const cancel = () => {
    setForms((f) => ({ ...f, [kind]: emptyForm(kind, todayInJapan()) }));
    setProblems({});
    save.reset();
    onCancel();
  };

  const problemCount = Object.keys(problems).length;
  const refused = save.isError && Object.keys(refusedFields(save.error)).length === 0;
  const label = (k: EntryKind) => ENTRY_LABELS[k][lang];

  return (
    <Paper
      withBorder
      p="md"
      radius="md"
      component="section"
      aria-labelledby="entry-form-title"
      ref={panel}
      style={{ scrollMarginTop: 140, ...READABLE_ERRORS }}
      data-testid="entry-form"
      data-editing={editing ? 'true' : 'false'}
    >
      <Stack gap="sm">
        <div>
          <Title order={2} size="h4" id="entry-form-title">
            {editing ? t('entries.editing', { kind: label(editing.state.kind) }) : t('entries.newEntry')}
          </Title>
          {editing && (
            <Text size="xs" c="dimmed">
              {t('entries.editingNote')}
            </Text>
          )}
        </div>
        <Tabs
          value={kind}
          onChange={(v) => {
            if (!v) return;
            setKind(v as EntryKind);
            setProblems({});
            save.reset();
          }}
          keepMounted={false}
        >
          <Tabs.List aria-label={t('entries.kindLabel')}>
            {kinds.map((k) => (
              <Tabs.Tab
                key={k}
                value={k}
                disabled={!!editing && editing.state.kind !== k}
                data-testid={`entry-kind-${k}`}
              >
                {label(k)}
                {counts[k] > 0 && (
                  <Text span size="xs" c="dimmed" ml={6}>
                    {t('entries.list.count', { count: counts[k] })}
                  </Text>
                )}
              </Tabs.Tab>
            ))}
          </Tabs.List>
          {kinds.map((k) => (
            <Tabs.Panel key={k} value={k} pt="md">
              <form ref={k === kind ? formRef : undefined} onSubmit={submit} aria-label={label(k)}>
                <Stack gap="md">
                  <EntryFields
                    kind={k}
                    form={forms[k]}
                    onChange={(form: AnyForm) => {
                      setProblems((p) => clearChanged(p, forms[k], form));
                      setForms((f) => ({ ...f, [k]: form }));
                      onTyping();
                    }}
                    problems={problems}
                  />
                  {problemCount > 0 && (
                    <Text size="sm" c="red.8" role="alert">
                      {t('entries.checkFields', { count: problemCount })}
                    </Text>
                  )}
                  {refused && (
                    <Alert color="red" role="alert">
                      {entryErrorMessage(save.error, lang)}
                    </Alert>
                  )}
                  {message && (
                    <Alert color="teal" role="status" data-testid="entry-saved">
                      {message}
                    </Alert>
                  )}
                  <Group gap="sm">
                    <Button type="submit" loading={save.isPending}>
                      {editing ? t('entries.submitEdit') : t('entries.submit')}
                    </Button>
                    {editing && (
                      <Button variant="default" onClick={cancel}>
                        {t('entries.cancelEdit')}
                      </Button>
                    )}
                  </Group>
                </Stack>
              </form>
            </Tabs.Panel>
          ))}
        </Tabs>
      </Stack>
    </Paper>
  );
}
