import type { EntryKind } from '@hie/contract';
import { Checkbox, Group, NativeSelect, Radio, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import { useI18n } from '../i18n';
import { DateField } from '../layout/DateField';
import type {
  AllergyForm,
  AnyForm,
  DiagnosisForm,
  GuidanceForm,
  MedicationForm,
  NoteForm,
  Problem,
  Problems,
} from './entries';

/** Mantine's error red is too light for small text on white (WCAG AA): the darker red of the theme. */
export const READABLE_ERRORS = {
  '--mantine-color-error': 'var(--mantine-color-red-8)',
} as React.CSSProperties;

/** The message of a field's problem, in the user's language. */
export function useProblemText(): (problem: Problem | undefined) => string | undefined {
  const { t } = useI18n();
  return (problem) => (problem ? t(`entries.error.${problem.code}`, problem.values ?? {}) : undefined);
}

interface FieldsProps<F> {
  form: F;
  onChange: (form: F) => void;
  problems: Problems;
}

const CATEGORIES = ['medication', 'food', 'environment', 'biologic'] as const;
const CRITICALITIES = ['high', 'low', 'unable-to-assess'] as const;
const VERIFICATIONS = ['confirmed', 'unconfirmed'] as const;
const STATUSES = ['active', 'resolved', 'remission'] as const;
const SOURCES = ['other-clinic', 'otc', 'supplement', 'own'] as const;

/** The fields of one entry kind (the submit button and the messages are the panel's). */
export function EntryFields({
  kind,
  form,
  onChange,
  problems,
}: {
  kind: EntryKind;
  form: AnyForm;
  onChange: (form: AnyForm) => void;
  problems: Problems;
}) {
  const props = { form, onChange, problems } as never;
  switch (kind) {
    case 'allergy':
      return <AllergyFields {...(props as FieldsProps<AllergyForm>)} />;
    case 'diagnosis':
      return <DiagnosisFields {...(props as FieldsProps<DiagnosisForm>)} />;
    case 'medication':
      return <MedicationFields {...(props as FieldsProps<MedicationForm>)} />;
    case 'guidance':
      return <GuidanceFields {...(props as FieldsProps<GuidanceForm>)} />;
    case 'note':
      return <NoteFields {...(props as FieldsProps<NoteForm>)} />;
  }
}

/** Two fields a row where there is room, one on a narrow screen. */
function Row({ children }: { children: React.ReactNode }) {
  return (
    <SimpleGrid minColWidth={200} autoFlow="auto-fit" spacing="sm" verticalSpacing="sm">
      {children}
    </SimpleGrid>
  );
}

function AllergyFields({ form, onChange, problems }: FieldsProps<AllergyForm>) {
  const { t } = useI18n();
  const error = useProblemText();
  const set = (patch: Partial<AllergyForm>) => onChange({ ...form, ...patch });
  return (
    <Stack gap="sm">
      <TextInput
        name="substance"
        label={t('entries.fields.substance')}
        description={t('entries.hints.substance')}
        withAsterisk
        aria-required
        value={form.substance}
        onChange={(e) => set({ substance: e.currentTarget.value })}
        error={error(problems.substance)}
        maxLength={200}
      />
      <Row>
        <NativeSelect
          name="category"
          label={t('entries.fields.category')}
          withAsterisk
          value={form.category}
          onChange={(e) => set({ category: e.currentTarget.value })}
          error={error(problems.category)}
          data={CATEGORIES.map((c) => ({ value: c, label: t(`entries.category.${c}`) }))}
        />
        <TextInput
          name="reaction"
          label={t('entries.fields.reaction')}
          placeholder={t('entries.hints.reaction')}
          value={form.reaction}
          onChange={(e) => set({ reaction: e.currentTarget.value })}
          error={error(problems.reaction)}
          maxLength={200}
        />
      </Row>
      <Row>
        <Radio.Group
          name="criticality"
          label={t('entries.fields.criticality')}
          description={t('entries.hints.criticality')}
          value={form.criticality}
          onChange={(v) => set({ criticality: v })}
          error={error(problems.criticality)}
        >
          <Group gap="md" mt={6}>
            {CRITICALITIES.map((c) => (
              <Radio key={c} value={c} label={t(`entries.criticality.${c}`)} />
            ))}
          </Group>
        </Radio.Group>
        <Radio.Group
          name="verification"
          label={t('entries.fields.verification')}
          value={form.verification}
          onChange={(v) => set({ verification: v })}
          error={error(problems.verification)}
        >
          <Group gap="md" mt={6}>
            {VERIFICATIONS.map((c) => (
              <Radio key={c} value={c} label={t(`entries.verification.${c}`)} />
            ))}
          </Group>
        </Radio.Group>
      </Row>
      <Row>
        <DateField
          name="onset"
          label={t('entries.fields.onset')}
          value={form.onset}
          onChange={(onset) => set({ onset })}
          error={error(problems.onset)}
        />
      </Row>
    </Stack>
  );
}

function DiagnosisFields({ form, onChange, problems }: FieldsProps<DiagnosisForm>) {
  const { t } = useI18n();
  const error = useProblemText();
  const set = (patch: Partial<DiagnosisForm>) => onChange({ ...form, ...patch });
  const ended = form.status !== 'active';
  return (
    <Stack gap="sm">
      <TextInput
        name="name"
        label={t('entries.fields.name')}
        withAsterisk
        aria-required
        value={form.name}
        onChange={(e) => set({ name: e.currentTarget.value })}
        error={error(problems.name)}
        maxLength={200}
      />
      <Row>
        <TextInput
          name="icd10"
          label={t('entries.fields.icd10')}
          placeholder={t('entries.hints.icd10')}
          value={form.icd10}
          onChange={(e) => set({ icd10: e.currentTarget.value })}
          error={error(problems.icd10)}
          autoComplete="off"
          maxLength={8}
        />
        <Checkbox
          name="suspected"
          mt={{ base: 0, xs: 28 }}
          label={t('entries.fields.suspected')}
          description={t('entries.hints.suspected')}
          checked={form.suspected}
          onChange={(e) => set({ suspected: e.currentTarget.checked })}
        />
      </Row>
      <Radio.Group
        name="status"
        label={t('entries.fields.status')}
        value={form.status}
        onChange={(v) => set({ status: v })}
        error={error(problems.status)}
      >
        <Group gap="md" mt={6}>
          {STATUSES.map((s) => (
            <Radio key={s} value={s} label={t(`entries.status.${s}`)} />
          ))}
        </Group>
      </Radio.Group>
      <Row>
        <DateField
          name="onset"
          label={t('entries.fields.diagnosisOnset')}
          value={form.onset}
          onChange={(onset) => set({ onset })}
          error={error(problems.onset)}
        />
        {ended && (
          <DateField
            name="abatement"
            label={t('entries.fields.abatement')}
            withAsterisk={form.status === 'resolved'}
            aria-required={form.status === 'resolved'}
            value={form.abatement}
            onChange={(abatement) => set({ abatement })}
            error={error(problems.abatement)}
          />
        )}
      </Row>
    </Stack>
  );
}

function MedicationFields({ form, onChange, problems }: FieldsProps<MedicationForm>) {
  const { t } = useI18n();
  const error = useProblemText();
  const set = (patch: Partial<MedicationForm>) => onChange({ ...form, ...patch });
  return (
    <Stack gap="sm">
      <TextInput
        name="name"
        label={t('entries.fields.drug')}
        withAsterisk
        aria-required
        value={form.name}
        onChange={(e) => set({ name: e.currentTarget.value })}
        error={error(problems.name)}
        maxLength={200}
      />
      <Radio.Group
        name="source"
        label={t('entries.fields.source')}
        description={t('entries.hints.source')}
        withAsterisk
        value={form.source}
        onChange={(v) => set({ source: v })}
        error={error(problems.source)}
      >
        <Group gap="md" mt={6}>
          {SOURCES.map((s) => (
            <Radio key={s} value={s} label={t(`entries.source.${s}`)} />
          ))}
        </Group>
      </Radio.Group>
      <Row>
        <TextInput
          name="dosage"
          label={t('entries.fields.dosage')}
          placeholder={t('entries.hints.dosage')}
          value={form.dosage}
          onChange={(e) => set({ dosage: e.currentTarget.value })}
          error={error(problems.dosage)}
          maxLength={200}
        />
        <TextInput
          name="yj"
          label={t('entries.fields.yj')}
          placeholder={t('entries.hints.yj')}
          value={form.yj}
          onChange={(e) => set({ yj: e.currentTarget.value })}
          error={error(problems.yj)}
          autoComplete="off"
          maxLength={14}
        />
      </Row>
      <Row>
        <DateField
          name="start"
          label={t('entries.fields.start')}
          value={form.start}
          onChange={(start) => set({ start })}
          error={error(problems.start)}
        />
        <DateField
          name="end"
          label={t('entries.fields.end')}
          value={form.end}
          onChange={(end) => set({ end })}
          error={error(problems.end)}
        />
      </Row>
    </Stack>
  );
}

function GuidanceFields({ form, onChange, problems }: FieldsProps<GuidanceForm>) {
  const { t } = useI18n();
  const error = useProblemText();
  const set = (patch: Partial<GuidanceForm>) => onChange({ ...form, ...patch });
  return (
    <Stack gap="sm">
      <Row>
        <DateField
          name="date"
          label={t('entries.fields.date')}
          withAsterisk
          aria-required
          value={form.date}
          onChange={(date) => set({ date })}
          error={error(problems.date)}
        />
      </Row>
      <Textarea
        name="text"
        label={t('entries.fields.text')}
        withAsterisk
        aria-required
        autosize
        minRows={5}
        maxRows={16}
        value={form.text}
        onChange={(e) => set({ text: e.currentTarget.value })}
        error={error(problems.text)}
        maxLength={4000}
      />
    </Stack>
  );
}

function NoteFields({ form, onChange, problems }: FieldsProps<NoteForm>) {
  const { t } = useI18n();
  const error = useProblemText();
  const set = (patch: Partial<NoteForm>) => onChange({ ...form, ...patch });
  return (
    <Stack gap="sm">
      <Row>
        <DateField
          name="date"
          label={t('entries.fields.date')}
          withAsterisk
          aria-required
          value={form.date}
          onChange={(date) => set({ date })}
          error={error(problems.date)}
        />
        <TextInput
          name="title"
          label={t('entries.fields.title')}
          placeholder={t('entries.hints.noteTitle')}
          value={form.title}
          onChange={(e) => set({ title: e.currentTarget.value })}
          error={error(problems.title)}
          maxLength={100}
        />
      </Row>
      <Textarea
        name="text"
        label={t('entries.fields.text')}
        withAsterisk
        aria-required
        autosize
        minRows={5}
        maxRows={16}
        value={form.text}
        onChange={(e) => set({ text: e.currentTarget.value })}
        error={error(problems.text)}
        maxLength={4000}
      />
    </Stack>
  );
}
