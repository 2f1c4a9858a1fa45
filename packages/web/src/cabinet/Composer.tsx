import { SOAP_SECTIONS, type SoapSection } from '@hie/contract';
import {
  Alert,
  Button,
  Drawer,
  Group,
  MultiSelect,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Text,
  Textarea,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/client';
import { READABLE_ERRORS } from '../entries/EntryFields';
import { useI18n } from '../i18n/index';
import { westernDateTime } from '../lib/dates';
import { createPost, updatePost, useCabinetWrite, useTemplates } from './core/api';
import { inLanguage, professionLabel } from './core/cabinet-state';
import { cabinetError } from './core/errors';
import type { CabinetMember, OfferedTemplate, PostView } from './core/types';
import { ComposerAttachments, type ComposerDrawing } from './files/ComposerAttachments';
import { useUploads } from './files/useUploads';
import {
  checkPost,
  clearTouched,
  emptyPostForm,
  formOfPost,
  insertAt,
  orderTemplates,
  type PostForm,
  type Problem,
  type Problems,
  serverProblems,
} from './post-form';
import { TemplateInputs } from './TemplateInputs';
import { excerpt } from './timeline';

export type ComposerMode =
  | { type: 'new' }
  | { type: 'reply'; parent: PostView }
  | { type: 'edit'; post: PostView };

const KNOWN_PROBLEMS = [
  'empty',
  'too-long',
  'not-a-number',
  'out-of-range',
  'too-precise',
  'control-character',
  'not-an-option',
  'too-many',
] as const;

/** A field's problem in the user's words: ours by code, the hub's by its own message. */
function useProblemText(): (problem: Problem | undefined) => string | undefined {
  const { t, lang } = useI18n();
  return (problem) => {
    if (!problem) return undefined;
    if (problem.message) return inLanguage(problem.message, lang);
    const known = KNOWN_PROBLEMS.find((c) => c === problem.code);
    return known ? t(`cabinet.problem.${known}`, problem.values ?? {}) : problem.code;
  };
}

/**
 * The composer (投稿): SOAP or free text, a template's inputs and stock phrases, 至急, @mentions, the
 * post it answers. Sized for a finger on a tablet; a phone gets the whole screen. An edit opens it
 * on the post's current version and saves a new one.
 */
export function Composer({
  cabinetId,
  mode,
  members,
  myUserId,
  onClose,
  onSaved,
}: {
  cabinetId: string;
  /** Null: closed. */
  mode: ComposerMode | null;
  members: CabinetMember[];
  myUserId: string;
  onClose: () => void;
  onSaved: (post: PostView, edited: boolean) => void;
}) {
  const { t } = useI18n();
  const phone = useMediaQuery('(max-width: 48em)');
  const [dirty, setDirty] = useState(false);
  /** A modal over the composer (the schema editor): Escape is not for the composer then. */
  const [covered, setCovered] = useState(false);
  useEffect(() => {
    if (mode === null) setCovered(false);
  }, [mode]);
  const close = () => {
    if (dirty && !window.confirm(t('cabinet.composer.discard'))) return;
    setDirty(false);
    onClose();
  };
  const title =
    mode?.type === 'edit'
      ? t('cabinet.composer.titleEdit')
      : mode?.type === 'reply'
        ? t('cabinet.composer.titleReply')
        : t('cabinet.composer.title');
  return (
    <Drawer
      opened={mode !== null}
      onClose={close}
      position="right"
      size={phone ? '100%' : 'lg'}
      closeOnEscape={!covered}
      title={<Text fw={700}>{title}</Text>}
      closeButtonProps={{ 'aria-label': t('app.close'), size: 'lg' }}
    >
      {mode && (
        <ComposerForm
          key={
            mode.type === 'edit'
              ? `edit-${mode.post.id}-${mode.post.version}`
              : mode.type === 'reply'
                ? `reply-${mode.parent.id}`
                : 'new'
          }
          cabinetId={cabinetId}
          mode={mode}
          members={members}
          myUserId={myUserId}
          onDirty={setDirty}
          onCovered={setCovered}
          onCancel={close}
          onSaved={(post) => {
            setDirty(false);
            onSaved(post, mode.type === 'edit');
          }}
        />
      )}
    </Drawer>
  );
}

function ComposerForm({
  cabinetId,
  mode,
  members,
  myUserId,
  onDirty,
  onCovered,
  onCancel,
  onSaved,
}: {
  cabinetId: string;
  mode: ComposerMode;
  members: CabinetMember[];
  myUserId: string;
  onDirty: (dirty: boolean) => void;
  onCovered: (covered: boolean) => void;
  onCancel: () => void;
  onSaved: (post: PostView) => void;
}) {
  const { t, lang } = useI18n();
  const problemText = useProblemText();
  const templates = useTemplates(cabinetId);
  const [form, setForm] = useState<PostForm>(() =>
    mode.type === 'edit'
      ? formOfPost(mode.post)
      : emptyPostForm(mode.type === 'reply' ? mode.parent.id : null),
  );
  const [problems, setProblems] = useState<Problems>({});
  const [focus, setFocus] = useState<string | null>(null);
  const uploads = useUploads(cabinetId);
  const [drawings, setDrawings] = useState<ComposerDrawing[]>([]);
  /** The attachments as last sent, in order: the hub's `attachments.<i>` problems name them by index. */
  const [sentKeys, setSentKeys] = useState<string[]>([]);
  const [waitUploads, setWaitUploads] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const areas = useRef<Partial<Record<SoapSection | 'text', HTMLTextAreaElement | null>>>({});
  const cursors = useRef<Partial<Record<SoapSection | 'text', { start: number; end: number }>>>({});

  const save = useCabinetWrite(cabinetId, (body: Parameters<typeof createPost>[1]) =>
    mode.type === 'edit' ? updatePost(cabinetId, mode.post.id, body) : createPost(cabinetId, body),
  );

  const list = orderTemplates(templates.data ?? []);
  const template: OfferedTemplate | null = list.find((tp) => tp.id === form.templateId) ?? null;

  const update = (next: PostForm) => {
    setProblems((p) => clearTouched(p, form, next));
    setForm(next);
    onDirty(true);
  };

  // Something attached is something to lose: closing asks first.
  const attachedCount = uploads.items.length + drawings.length;
  useEffect(() => {
    if (attachedCount > 0) onDirty(true);
  }, [attachedCount, onDirty]);
  useEffect(() => {
    if (!uploads.busy) setWaitUploads(false);
  }, [uploads.busy]);

  useEffect(() => {
    if (focus === null) return;
    const target = formRef.current?.querySelector<HTMLElement>(`[name="${CSS.escape(focus)}"]`);
    target?.focus();
    setFocus(null);
  }, [focus]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.reset();
    const checked = checkPost(form, template);
    if (!checked.ok) {
      setProblems(checked.problems);
      setFocus(Object.keys(checked.problems)[0] ?? null);
      return;
    }
    setProblems({});
    if (uploads.busy) {
      setWaitUploads(true);
      return;
    }
    const keys = [...uploads.refKeys, ...drawings.map((d) => d.ref.id)];
    setSentKeys(keys);
    const body = { ...checked.body, attachments: [...uploads.refs, ...drawings.map((d) => d.ref)] };
    save.mutate(body, {
      onSuccess: (post) => {
        uploads.commit();
        onSaved(post as PostView);
      },
      onError: (error) => {
        if (error instanceof ApiError && error.status === 422) {
          const fields = serverProblems(error.details);
          setProblems(fields);
          const first = Object.keys(fields).find((f) => f !== '');
          if (first) setFocus(first);
        }
      },
    });
  };

  /** A stock phrase at the cursor of its section (the end when the field was never touched). */
  const insertPhrase = (section: SoapSection | 'text', phrase: string) => {
    const current = section === 'text' ? form.text : form.soap[section];
    const at = cursors.current[section];
    const { value, cursor } = insertAt(current, at?.start ?? null, at?.end ?? null, phrase);
    cursors.current[section] = { start: cursor, end: cursor };
    update(
      section === 'text' ? { ...form, text: value } : { ...form, soap: { ...form.soap, [section]: value } },
    );
    const area = areas.current[section];
    if (area && document.activeElement === area)
      requestAnimationFrame(() => area.setSelectionRange(cursor, cursor));
  };

  const track = (section: SoapSection | 'text') => (e: React.SyntheticEvent<HTMLTextAreaElement>) => {
    cursors.current[section] = { start: e.currentTarget.selectionStart, end: e.currentTarget.selectionEnd };
  };

  const sectionField = (section: SoapSection | 'text') => {
    const name = section === 'text' ? 'text' : `soap.${section}`;
    const phrases = (template?.phrases ?? []).filter((p) => p.section === section);
    return (
      <Stack key={section} gap={4}>
        <Textarea
          ref={(el) => {
            areas.current[section] = el;
          }}
          name={name}
          label={section === 'text' ? t('cabinet.composer.text') : t(`cabinet.post.sectionName.${section}`)}
          size="md"
          autosize
          minRows={section === 'text' ? 5 : 2}
          maxRows={14}
          value={section === 'text' ? form.text : form.soap[section]}
          onChange={(e) => {
            const value = e.currentTarget.value;
            track(section)(e);
            update(
              section === 'text'
                ? { ...form, text: value }
                : { ...form, soap: { ...form.soap, [section]: value } },
            );
          }}
          onSelect={track(section)}
          onBlur={track(section)}
          onKeyUp={track(section)}
          onClick={track(section)}
          error={problemText(problems[name])}
        />
        {phrases.length > 0 && (
          <Group
            gap={6}
            wrap="wrap"
            aria-label={t('cabinet.composer.phrases')}
            data-testid={`phrases-${section}`}
          >
            {phrases.map((p) => (
              <Button
                key={p.text}
                size="sm"
                radius="xl"
                variant="light"
                onClick={() => insertPhrase(section, p.text)}
                aria-label={t('cabinet.composer.insertPhrase', { phrase: p.text })}
              >
                {p.text}
              </Button>
            ))}
          </Group>
        )}
      </Stack>
    );
  };

  const people = [
    ...new Map(
      members
        .filter((m) => m.status === 'active' && m.userId !== myUserId)
        .map((m) => [
          m.userId,
          {
            value: m.userId,
            label: `${m.name}（${professionLabel(m.profession, lang)}・${m.facilityName}）`,
          },
        ]),
    ).values(),
  ];
  const parent = mode.type === 'reply' ? mode.parent : null;
  const fieldErrors = Object.fromEntries(
    (template?.fields ?? []).map((f) => [f.id, problemText(problems[`inputs.${f.id}`])]),
  );
  /** The hub's refusals of attachments, beside the file or the drawing they name. */
  const attachmentProblems: Record<string, string> = {};
  sentKeys.forEach((key, index) => {
    const text = problemText(problems[`attachments.${index}`]);
    if (text) attachmentProblems[key] = text;
  });
  const shown = new Set([
    ...SOAP_SECTIONS.map((s) => `soap.${s}`),
    'text',
    'mentions',
    ...(template?.fields ?? []).map((f) => `inputs.${f.id}`),
    ...sentKeys.map((_, index) => `attachments.${index}`),
  ]);
  const elsewhere = Object.entries(problems).filter(
    ([field]) => !shown.has(field) || (form.kind === 'soap' ? field === 'text' : field.startsWith('soap.')),
  );
  const problemCount = Object.keys(problems).length;
  const refused = save.isError && !(save.error instanceof ApiError && save.error.status === 422);

  return (
    <form ref={formRef} onSubmit={submit} style={READABLE_ERRORS} data-testid="composer" noValidate>
      <Stack gap="md">
        {mode.type === 'edit' && (
          <Text size="sm" c="dimmed">
            {t('cabinet.composer.editHint')}
          </Text>
        )}
        {(parent || form.replyTo) && (
          <Paper withBorder p="xs" bg="gray.0" data-testid="composer-reply-to">
            <Text size="xs" c="dimmed">
              {t('cabinet.composer.replyTo')}
            </Text>
            {parent ? (
              <>
                <Text size="sm" fw={600}>
                  {parent.author.name}（{westernDateTime(parent.createdAt)}）
                </Text>
                <Text size="sm" lineClamp={2}>
                  {excerpt(parent, 100)}
                </Text>
              </>
            ) : (
              <Text size="sm">{t('cabinet.post.replyToMissing')}</Text>
            )}
          </Paper>
        )}
        <SegmentedControl
          size="md"
          fullWidth
          value={form.kind}
          onChange={(v) => {
            const kind = v === 'free' ? 'free' : 'soap';
            const keep = !template || template.kind === kind;
            update({
              ...form,
              kind,
              templateId: keep ? form.templateId : null,
              inputs: keep ? form.inputs : {},
            });
          }}
          data={[
            { value: 'soap', label: t('cabinet.post.soap') },
            { value: 'free', label: t('cabinet.post.free') },
          ]}
          aria-label={t('cabinet.composer.kind')}
        />
        <Select
          size="md"
          label={t('cabinet.composer.template')}
          placeholder={t('cabinet.composer.templateNone')}
          clearable
          searchable={list.length > 8}
          value={form.templateId}
          onChange={(id) => {
            const chosen = list.find((tp) => tp.id === id) ?? null;
            if ((chosen?.id ?? null) === form.templateId) return;
            update({ ...form, templateId: chosen?.id ?? null, kind: chosen?.kind ?? form.kind, inputs: {} });
          }}
          data={[
            {
              group: t('cabinet.composer.templateMine'),
              items: list
                .filter((tp) => tp.offered)
                .map((tp) => ({ value: tp.id, label: tp.name[lang] || tp.name.ja })),
            },
            {
              group: t('cabinet.composer.templateOther'),
              items: list
                .filter((tp) => !tp.offered)
                .map((tp) => ({ value: tp.id, label: tp.name[lang] || tp.name.ja })),
            },
          ].filter((g) => g.items.length > 0)}
          nothingFoundMessage={t('app.none')}
          comboboxProps={{ withinPortal: true }}
          data-testid="composer-template"
        />
        {template && (
          <TemplateInputs
            fields={template.fields}
            values={form.inputs}
            errors={fieldErrors}
            onChange={(id, value) => update({ ...form, inputs: { ...form.inputs, [id]: value } })}
          />
        )}
        {form.kind === 'soap' ? SOAP_SECTIONS.map((s) => sectionField(s)) : sectionField('text')}
        <ComposerAttachments
          cabinetId={cabinetId}
          uploads={uploads}
          drawings={drawings}
          onAddDrawing={(d) => setDrawings((list) => [...list, d])}
          onRemoveDrawing={(id) => {
            setDrawings((list) => list.filter((d) => d.ref.id !== id));
            setProblems((p) => {
              const index = sentKeys.indexOf(id);
              if (index < 0) return p;
              const { [`attachments.${index}`]: _gone, ...rest } = p;
              return rest;
            });
          }}
          problems={attachmentProblems}
          existing={mode.type === 'edit' ? (mode.post.attachments ?? []) : []}
          onDrawing={onCovered}
        />
        <Switch
          size="lg"
          color="red"
          label={t('cabinet.composer.urgent')}
          description={t('cabinet.composer.urgentHint')}
          checked={form.urgent}
          onChange={(e) => update({ ...form, urgent: e.currentTarget.checked })}
          data-testid="composer-urgent"
        />
        <MultiSelect
          size="md"
          name="mentions"
          label={t('cabinet.composer.mentions')}
          placeholder={form.mentions.length === 0 ? t('cabinet.composer.mentionsPlaceholder') : undefined}
          searchable
          clearable
          data={people}
          value={form.mentions}
          onChange={(mentions) => update({ ...form, mentions })}
          error={problemText(problems.mentions)}
          nothingFoundMessage={t('app.none')}
          comboboxProps={{ withinPortal: true }}
          data-testid="composer-mentions"
        />
        {elsewhere.map(([field, problem]) => (
          <Alert key={field || 'general'} color="red" role="alert">
            {field ? `${field}: ` : ''}
            {problemText(problem)}
          </Alert>
        ))}
        {problemCount > 0 && (
          <Text size="sm" c="red.8" role="alert">
            {t('cabinet.composer.checkFields', { count: problemCount })}
          </Text>
        )}
        {refused && (
          <Alert color="red" role="alert">
            {cabinetError(save.error, lang)}
          </Alert>
        )}
        {uploads.busy && (
          <Text size="sm" c={waitUploads ? 'red.8' : 'dimmed'} role={waitUploads ? 'alert' : undefined}>
            {t('cabinet.files.waitUploads')}
          </Text>
        )}
        <Group justify="flex-end" gap="sm">
          <Button size="md" variant="default" onClick={onCancel}>
            {t('cabinet.composer.cancel')}
          </Button>
          <Button
            size="md"
            type="submit"
            loading={save.isPending}
            disabled={!!form.templateId && templates.isPending}
            data-testid="composer-submit"
          >
            {mode.type === 'edit' ? t('cabinet.composer.submitEdit') : t('cabinet.composer.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
