import { Alert, Button, Group, Modal, Radio, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import type { BreakGlassGrant, PersonSummary } from '../api/types';
import { useI18n } from '../i18n';
import { dateWithWareki, parseDateInput } from '../lib/dates';

const MIN_REASON = 10;
const STORE_KEY = 'hie.breakGlass';

/** The grants this tab opened, so the record shows its banner with the reason given. */
export function rememberedGrant(personId: string): BreakGlassGrant | null {
  try {
    const all = JSON.parse(sessionStorage.getItem(STORE_KEY) ?? '{}') as Record<string, BreakGlassGrant>;
    const grant = all[personId];
    return grant && Date.parse(grant.expiresAt) > Date.now() ? grant : null;
  } catch {
    return null;
  }
}

function remember(grant: BreakGlassGrant) {
  try {
    const all = JSON.parse(sessionStorage.getItem(STORE_KEY) ?? '{}') as Record<string, BreakGlassGrant>;
    all[grant.personId] = grant;
    sessionStorage.setItem(STORE_KEY, JSON.stringify(all));
  } catch {
    // storage unavailable: the banner then relies on the hub's answer only
  }
}

/** Records the reason and opens a time-limited emergency grant for the person. */
export async function breakGlass(personId: string, reason: string): Promise<BreakGlassGrant> {
  const answer = await api<BreakGlassGrant | { grant: BreakGlassGrant }>(
    `/patients/${encodeURIComponent(personId)}/break-glass`,
    { method: 'POST', body: { reason } },
  );
  const grant = 'grant' in answer ? answer.grant : answer;
  const full = { ...grant, personId, reason: grant.reason ?? reason };
  remember(full);
  return full;
}

/** The reason form: shared by the record screen and the emergency search. */
function ReasonForm({ personId, onDone }: { personId: string; onDone: (grant: BreakGlassGrant) => void }) {
  const { t, lang } = useI18n();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const tooShort = reason.trim().length < MIN_REASON;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (tooShort) return;
    setBusy(true);
    setError(null);
    try {
      onDone(await breakGlass(personId, reason.trim()));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit}>
      <Stack gap="sm">
        <Alert color="red" variant="light">
          {t('breakGlass.warning')}
        </Alert>
        {error !== null && <Alert color="red">{errorMessage(error, lang)}</Alert>}
        <Textarea
          label={t('breakGlass.reason')}
          description={t('breakGlass.reasonHelp')}
          required
          autosize
          minRows={3}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          error={reason.length > 0 && tooShort ? t('breakGlass.tooShort') : undefined}
          data-autofocus
        />
        <Group justify="flex-end">
          <Button type="submit" color="red" loading={busy} disabled={tooShort}>
            {t('breakGlass.confirm')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** On a record the user may not see: the emergency access dialog. */
export function BreakGlassDialog({ personId, onGranted }: { personId: string; onGranted: () => void }) {
  const { t } = useI18n();
  const [opened, { open, close }] = useDisclosure(false);
  return (
    <>
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{t('patient.breakGlassOffer')}</Text>
        <Button color="red" variant="outline" onClick={open}>
          {t('breakGlass.button')}
        </Button>
      </Stack>
      <Modal opened={opened} onClose={close} title={t('breakGlass.title')} size="lg" centered>
        <ReasonForm
          personId={personId}
          onDone={() => {
            close();
            onGranted();
          }}
        />
      </Modal>
    </>
  );
}

/**
 * Emergency search (doctors and dentists): exact kana + birth date (+ sex) finds a patient the
 * facility has no consent for; choosing one asks for the reason and opens the record.
 */
export function BreakGlassSearch() {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const [opened, { open, close }] = useDisclosure(false);
  const [kana, setKana] = useState('');
  const [birth, setBirth] = useState('');
  const [sex, setSex] = useState<string | null>(null);
  const [found, setFound] = useState<PersonSummary[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const birthDate = parseDateInput(birth);

  const search = async (event: FormEvent) => {
    event.preventDefault();
    if (!birthDate) return;
    setError(null);
    try {
      const answer = await api<{ persons: PersonSummary[] } | PersonSummary[]>('/break-glass/search', {
        method: 'POST',
        body: { kana: kana.normalize('NFKC'), birthDate, ...(sex ? { sex } : {}) },
      });
      const persons = Array.isArray(answer) ? answer : answer.persons;
      setFound(persons);
      setChosen(persons[0]?.personId ?? null);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <>
      <Button color="red" variant="outline" onClick={open}>
        {t('breakGlass.button')}
      </Button>
      <Modal opened={opened} onClose={close} title={t('breakGlass.title')} size="lg" centered>
        <Stack gap="md">
          <form onSubmit={search}>
            <Group align="flex-end" gap="sm">
              <TextInput
                label={t('patients.kana')}
                required
                value={kana}
                onChange={(e) => setKana(e.currentTarget.value)}
                data-autofocus
              />
              <TextInput
                label={t('patients.birthDate')}
                required
                placeholder="S50.3.2"
                value={birth}
                onChange={(e) => setBirth(e.currentTarget.value)}
                error={birth && !birthDate ? t('patients.invalidDate') : undefined}
              />
              <Select
                label={t('patients.sex')}
                clearable
                w={110}
                value={sex}
                onChange={setSex}
                data={(['M', 'F', 'O', 'U'] as const).map((s) => ({ value: s, label: t(`sex.${s}`) }))}
              />
              <Button type="submit">{t('app.search')}</Button>
            </Group>
          </form>
          {error !== null && <Alert color="red">{errorMessage(error, lang)}</Alert>}
          {found && found.length === 0 && <Text c="dimmed">{t('patients.empty')}</Text>}
          {found && found.length > 0 && (
            <Radio.Group value={chosen} onChange={setChosen} label={t('patients.name')}>
              <Stack gap="xs" mt="xs">
                {found.map((p) => (
                  <Radio
                    key={p.personId}
                    value={p.personId}
                    label={`${p.nameKanji ?? ''} ${p.nameKana ?? ''}　${dateWithWareki(p.birthDate, lang)}　${
                      p.sex ? t(`sex.${p.sex}`) : ''
                    }`}
                  />
                ))}
              </Stack>
            </Radio.Group>
          )}
          {chosen && (
            <ReasonForm
              personId={chosen}
              onDone={(grant) => {
                close();
                navigate(`/patients/${encodeURIComponent(grant.personId)}`);
              }}
            />
          )}
        </Stack>
      </Modal>
    </>
  );
}
