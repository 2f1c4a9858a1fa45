import {
  Alert,
  Button,
  Checkbox,
  Fieldset,
  Group,
  Modal,
  MultiSelect,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiError } from '../api/client';
import { useActiveSession } from '../auth/session';
import { READABLE_ERRORS } from '../entries/EntryFields';
import { useI18n } from '../i18n/index';
import { DateField } from '../layout/DateField';
import { todayInJapan } from '../lib/dates';
import { keys, openCabinet, useGroupPeople, useGroups } from './core/api';
import { inLanguage, professionLabel, toKatakana } from './core/cabinet-state';
import { cabinetError } from './core/errors';
import {
  checkOpen,
  emptyOpenForm,
  FIELD_OF,
  inviteKey,
  inviteOf,
  type OpenForm,
  type OpenProblems,
} from './open-form';
import { serverProblems } from './post-form';

const SEXES = ['male', 'female', 'other', 'unknown'] as const;

/** 新しいキャビネット: the group, the patient, the team consent (days, facilities), whom to invite. */
export function OpenCabinetModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const phone = useMediaQuery('(max-width: 48em)');
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      size="xl"
      fullScreen={phone ?? false}
      title={<Text fw={700}>{t('cabinet.openForm.title')}</Text>}
    >
      {opened && <OpenCabinetForm onCancel={onClose} />}
    </Modal>
  );
}

function OpenCabinetForm({ onCancel }: { onCancel: () => void }) {
  const { t, lang } = useI18n();
  const session = useActiveSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const groups = useGroups();
  const own = session.facility.oid;
  const [form, setForm] = useState<OpenForm>(() => emptyOpenForm(todayInJapan()));
  const [problems, setProblems] = useState<OpenProblems>({});
  const people = useGroupPeople(form.groupId || null);
  const group = groups.data?.find((g) => g.id === form.groupId);
  const open = useMutation({
    mutationFn: openCabinet,
    onSuccess: async (detail) => {
      await queryClient.invalidateQueries({ queryKey: keys.list });
      navigate(`/cabinets/${encodeURIComponent(detail.id)}`);
    },
  });

  const set = (patch: Partial<OpenForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setProblems((p) => {
      const next = { ...p };
      for (const key of Object.keys(patch) as (keyof OpenForm)[]) delete next[FIELD_OF[key]];
      return next;
    });
  };
  const problem = (field: string) => {
    const code = problems[field];
    return code ? t(`cabinet.problem.${code}`) : undefined;
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    open.reset();
    const checked = checkOpen(form, todayInJapan());
    if (!checked.ok) {
      setProblems(checked.problems);
      return;
    }
    open.mutate(checked.body);
  };

  if (groups.data && groups.data.length === 0)
    return <Alert color="gray">{t('cabinet.openForm.noGroups')}</Alert>;

  // Whom one may invite: staff of a facility the consent covers (my own always), not me.
  const covered = new Set([own, ...form.facilities]);
  const invitable = (people.data ?? [])
    .filter((p) => p.userId !== session.user.id && covered.has(p.facilityOid))
    .map((p) => ({
      value: inviteKey(p),
      label: `${p.name}（${p.nameKana}）${professionLabel(p.profession, lang)}・${p.facilityName}`,
    }));

  return (
    <form onSubmit={submit} noValidate style={READABLE_ERRORS} data-testid="open-cabinet-form">
      <Stack gap="md">
        <Select
          label={t('cabinet.openForm.group')}
          placeholder={t('cabinet.openForm.groupPlaceholder')}
          withAsterisk
          data={(groups.data ?? []).map((g) => ({
            value: g.id,
            label: g.area ? `${g.name}（${g.area}）` : g.name,
          }))}
          value={form.groupId || null}
          onChange={(groupId) => set({ groupId: groupId ?? '', facilities: [], invite: [] })}
          error={problem('groupId')}
          data-testid="open-group"
        />
        <Fieldset legend={t('cabinet.openForm.patient')}>
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <TextInput
                label={t('cabinet.openForm.name')}
                withAsterisk
                maxLength={60}
                value={form.name}
                onChange={(e) => set({ name: e.currentTarget.value })}
                error={problem('patient.name')}
                name="name"
              />
              <TextInput
                label={t('cabinet.openForm.kana')}
                withAsterisk
                maxLength={60}
                value={form.kana}
                onChange={(e) => set({ kana: e.currentTarget.value })}
                onBlur={() => setForm((f) => ({ ...f, kana: toKatakana(f.kana) }))}
                error={problem('patient.kana')}
                name="kana"
              />
              <DateField
                label={t('cabinet.openForm.birthDate')}
                withAsterisk
                value={form.birthDate}
                onChange={(birthDate) => set({ birthDate })}
                error={problem('patient.birthDate')}
                name="birthDate"
              />
              <Radio.Group
                label={t('cabinet.openForm.sex')}
                withAsterisk
                value={form.sex}
                onChange={(sex) => set({ sex })}
                error={problem('patient.sex')}
              >
                <Group gap="md" mt={8}>
                  {SEXES.map((s) => (
                    <Radio key={s} value={s} label={t(`cabinet.sex.${s}`)} />
                  ))}
                </Group>
              </Radio.Group>
            </SimpleGrid>
            <TextInput
              label={t('cabinet.openForm.address')}
              maxLength={200}
              value={form.address}
              onChange={(e) => set({ address: e.currentTarget.value })}
              error={problem('patient.address')}
            />
          </Stack>
        </Fieldset>
        <Fieldset legend={t('cabinet.openForm.consent')}>
          <Stack gap="sm">
            <Text size="sm" c="dimmed">
              {t('cabinet.openForm.consentHint')}
            </Text>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <DateField
                label={t('cabinet.openForm.start')}
                withAsterisk
                value={form.startDate}
                onChange={(startDate) => set({ startDate })}
                error={problem('consent.startDate')}
              />
              <DateField
                label={t('cabinet.openForm.end')}
                value={form.endDate}
                onChange={(endDate) => set({ endDate })}
                error={problem('consent.endDate')}
              />
            </SimpleGrid>
            {group && (
              <Checkbox.Group
                label={t('cabinet.openForm.facilities')}
                value={[own, ...form.facilities]}
                onChange={(v) => {
                  const facilities = v.filter((oid) => oid !== own);
                  const stillCovered = new Set([own, ...facilities]);
                  const keep = form.invite.filter((key) => stillCovered.has(inviteOf(key).facilityOid));
                  set({ facilities, invite: keep });
                }}
                data-testid="open-facilities"
              >
                <SimpleGrid cols={{ base: 1, sm: 2 }} spacing={6} mt={6}>
                  {[...group.facilities]
                    .sort((a, b) => (a.oid === own ? -1 : b.oid === own ? 1 : 0))
                    .map((f) => (
                      <Checkbox
                        key={f.oid}
                        value={f.oid}
                        disabled={f.oid === own}
                        label={f.oid === own ? `${f.name} ${t('cabinet.openForm.ownFacility')}` : f.name}
                      />
                    ))}
                </SimpleGrid>
              </Checkbox.Group>
            )}
            <Textarea
              label={t('cabinet.openForm.note')}
              maxLength={500}
              autosize
              minRows={2}
              value={form.note}
              onChange={(e) => set({ note: e.currentTarget.value })}
            />
          </Stack>
        </Fieldset>
        {group && (
          <MultiSelect
            label={t('cabinet.openForm.invite')}
            description={t('cabinet.openForm.inviteHint')}
            placeholder={form.invite.length === 0 ? t('cabinet.openForm.invitePlaceholder') : undefined}
            searchable
            clearable
            data={invitable}
            value={form.invite}
            onChange={(invite) => set({ invite })}
            nothingFoundMessage={t('app.none')}
            error={problem('invite')}
            data-testid="open-invite"
          />
        )}
        {open.isError && (
          <Alert color="red" role="alert">
            <Stack gap={2}>
              <Text size="sm">{cabinetError(open.error, lang)}</Text>
              {open.error instanceof ApiError &&
                Object.entries(serverProblems(open.error.details)).map(([field, p]) => (
                  <Text key={field} size="sm">
                    {field}: {p.message ? inLanguage(p.message, lang) : p.code}
                  </Text>
                ))}
            </Stack>
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t('app.cancel')}
          </Button>
          <Button type="submit" loading={open.isPending} data-testid="open-submit">
            {t('cabinet.openForm.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
