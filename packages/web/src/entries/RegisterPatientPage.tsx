import {
  Alert,
  Button,
  Fieldset,
  Group,
  Paper,
  Radio,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../api/client';
import { useActiveSession } from '../auth/session';
import { useI18n } from '../i18n';
import { DateField } from '../layout/DateField';
import { todayInJapan } from '../lib/dates';
import { entryErrorMessage, notATenant, refusedFields, registerPatient } from './api';
import { READABLE_ERRORS, useProblemText } from './EntryFields';
import {
  asciiCode,
  checkPatient,
  clearChanged,
  emptyPatientForm,
  type PatientForm,
  type Problems,
  toKatakana,
} from './entries';

/** A group's legend (氏名, カナ氏名) as strong as the field labels under it. */
const LEGEND = { legend: { fontWeight: 700, fontSize: 'var(--mantine-font-size-sm)', marginBottom: 4 } };

/**
 * 患者登録: the front desk of a facility without its own record system registers a patient in the
 * facility's tenant of the repository, which sends the patient to the network's patient index. A
 * facility that is not a tenant is told so (the hub answers 409: no record server to write to).
 */
export default function RegisterPatientPage() {
  const { t, lang } = useI18n();
  const session = useActiveSession();
  const error = useProblemText();
  const [form, setForm] = useState<PatientForm>(emptyPatientForm);
  const [problems, setProblems] = useState<Problems>({});
  const [done, setDone] = useState<{ patientId: string; name: string } | null>(null);
  const [focusField, setFocusField] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const set = (patch: Partial<PatientForm>) => {
    setProblems((p) => clearChanged(p, form, { ...form, ...patch }));
    setForm((f) => ({ ...f, ...patch }));
  };
  const can = session.abilities ?? { viewRecords: true, registerConsents: true };

  useEffect(() => {
    if (focusField === null) return;
    formRef.current?.querySelector<HTMLElement>(`[name="${CSS.escape(focusField)}"]`)?.focus();
    setFocusField(null);
  }, [focusField]);

  const save = useMutation({
    mutationFn: (body: Record<string, string>) => registerPatient(session.facility.oid, body),
    onSuccess: (r, body) => {
      setDone({ patientId: r.patientId, name: `${body.familyName} ${body.givenName}` });
      setForm(emptyPatientForm());
      setProblems({});
    },
    onError: (e) => {
      const fields = refusedFields(e);
      if (e instanceof ApiError && e.code === 'bad-request' && /already registered/.test(e.message))
        fields.patientId = { code: 'patientIdTaken' };
      setProblems(fields);
      const first = Object.keys(fields)[0];
      if (first) setFocusField(first);
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.reset();
    setDone(null);
    const checked = checkPatient(form, todayInJapan());
    if (!checked.ok) {
      setProblems(checked.problems);
      setFocusField(Object.keys(checked.problems)[0] ?? null);
      return;
    }
    setProblems({});
    save.mutate(checked.body);
  };

  const notTenant = save.isError && notATenant(save.error);
  const refused = save.isError && !notTenant && Object.keys(problems).length === 0;
  const problemCount = Object.keys(problems).length;

  return (
    <Stack gap="md" maw={880}>
      <div>
        <Title order={1} size="h2">
          {t('register.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('register.facility', { facility: session.facility.name })}
        </Text>
      </div>
      <Text size="sm">{t('register.intro')}</Text>
      {done && (
        <Alert color="teal" role="status" data-testid="register-done" title={t('register.done', done)}>
          <Stack gap="xs">
            <Text size="sm">{t('register.doneIndex')}</Text>
            <Group gap="sm">
              {can.registerConsents && (
                <Button
                  component={Link}
                  to={`/consents?localId=${encodeURIComponent(done.patientId)}`}
                  size="xs"
                  variant="filled"
                >
                  {t('register.toConsent')}
                </Button>
              )}
              {can.viewRecords && (
                <Button component={Link} to="/patients" size="xs" variant="default">
                  {t('register.toList')}
                </Button>
              )}
            </Group>
          </Stack>
        </Alert>
      )}
      {notTenant && (
        <Alert color="gray" role="alert" data-testid="register-not-tenant">
          {t('register.notTenant')}
        </Alert>
      )}
      <Paper withBorder p="md" radius="md" style={READABLE_ERRORS}>
        <form ref={formRef} onSubmit={submit} aria-label={t('register.title')}>
          <Stack gap="md">
            <Fieldset legend={t('register.name')} variant="unstyled" p={0} m={0} styles={LEGEND}>
              <SimpleGrid minColWidth={220} autoFlow="auto-fit" spacing="sm" verticalSpacing="sm">
                <TextInput
                  name="familyName"
                  label={t('register.familyName')}
                  withAsterisk
                  aria-required
                  autoComplete="off"
                  value={form.familyName}
                  onChange={(e) => set({ familyName: e.currentTarget.value })}
                  error={error(problems.familyName)}
                  maxLength={40}
                />
                <TextInput
                  name="givenName"
                  label={t('register.givenName')}
                  withAsterisk
                  aria-required
                  autoComplete="off"
                  value={form.givenName}
                  onChange={(e) => set({ givenName: e.currentTarget.value })}
                  error={error(problems.givenName)}
                  maxLength={40}
                />
              </SimpleGrid>
            </Fieldset>
            <Fieldset legend={t('register.kana')} variant="unstyled" p={0} m={0} styles={LEGEND}>
              <SimpleGrid minColWidth={220} autoFlow="auto-fit" spacing="sm" verticalSpacing="sm">
                <TextInput
                  name="familyKana"
                  label={t('register.familyKana')}
                  description={t('register.kanaHint')}
                  withAsterisk
                  aria-required
                  autoComplete="off"
                  value={form.familyKana}
                  onChange={(e) => set({ familyKana: e.currentTarget.value })}
                  onBlur={() => set({ familyKana: toKatakana(form.familyKana) })}
                  error={error(problems.familyKana)}
                />
                <TextInput
                  name="givenKana"
                  label={t('register.givenKana')}
                  description={t('register.kanaHint')}
                  withAsterisk
                  aria-required
                  autoComplete="off"
                  value={form.givenKana}
                  onChange={(e) => set({ givenKana: e.currentTarget.value })}
                  onBlur={() => set({ givenKana: toKatakana(form.givenKana) })}
                  error={error(problems.givenKana)}
                />
              </SimpleGrid>
            </Fieldset>
            <SimpleGrid minColWidth={220} autoFlow="auto-fit" spacing="sm" verticalSpacing="sm">
              <DateField
                name="birthDate"
                label={t('register.birthDate')}
                placeholder="S50.3.2 / 1975/03/02"
                withAsterisk
                aria-required
                value={form.birthDate}
                onChange={(birthDate) => set({ birthDate })}
                error={error(problems.birthDate)}
              />
              <Radio.Group
                name="sex"
                label={t('register.sex')}
                withAsterisk
                value={form.sex}
                onChange={(sex) => set({ sex })}
                error={error(problems.sex)}
              >
                <Group gap="lg" mt={8}>
                  <Radio value="male" label={t('register.male')} />
                  <Radio value="female" label={t('register.female')} />
                </Group>
              </Radio.Group>
            </SimpleGrid>
            <TextInput
              name="patientId"
              label={t('register.patientId')}
              description={t('register.patientIdHint')}
              autoComplete="off"
              maw={460}
              value={form.patientId}
              onChange={(e) => set({ patientId: e.currentTarget.value })}
              onBlur={() => set({ patientId: asciiCode(form.patientId) })}
              error={error(problems.patientId)}
            />
            <SimpleGrid minColWidth={220} autoFlow="auto-fit" spacing="sm" verticalSpacing="sm">
              <TextInput
                name="postcode"
                label={t('register.postcode')}
                placeholder="700-0000"
                autoComplete="off"
                inputMode="numeric"
                value={form.postcode}
                onChange={(e) => set({ postcode: e.currentTarget.value })}
                onBlur={() => set({ postcode: asciiCode(form.postcode) })}
                error={error(problems.postcode)}
              />
              <TextInput
                name="phone"
                label={t('register.phone')}
                placeholder="086-000-0000"
                autoComplete="off"
                inputMode="tel"
                value={form.phone}
                onChange={(e) => set({ phone: e.currentTarget.value })}
                onBlur={() => set({ phone: asciiCode(form.phone) })}
                error={error(problems.phone)}
              />
            </SimpleGrid>
            <TextInput
              name="address"
              label={t('register.address')}
              autoComplete="off"
              value={form.address}
              onChange={(e) => set({ address: e.currentTarget.value })}
              error={error(problems.address)}
              maxLength={200}
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
            <Group gap="sm">
              <Button type="submit" loading={save.isPending}>
                {t('register.submit')}
              </Button>
              {done && (
                <Button variant="default" onClick={() => setDone(null)}>
                  {t('register.another')}
                </Button>
              )}
            </Group>
          </Stack>
        </form>
      </Paper>
    </Stack>
  );
}
