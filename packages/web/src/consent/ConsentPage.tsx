import {
  Alert,
  Badge,
  Button,
  FileInput,
  Group,
  Modal,
  MultiSelect,
  Paper,
  Radio,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, apiBlob } from '../api/client';
import { errorMessage, isApiError } from '../api/errors';
import { useDirectoryFacilities, useFacilityName } from '../api/hooks';
import type { Consent } from '../api/types';
import { useActiveSession } from '../auth/session';
import { useI18n } from '../i18n';
import { DateField } from '../layout/DateField';
import { ErrorAlert, Loading } from '../layout/Feedback';
import { ageOn, dateWithWareki, todayInJapan, westernDate, westernDateTime } from '../lib/dates';
import { LOOKUP_TEXT, type LocalPatient, patientAtFacility, viewerOids } from './api';
import { LocalPatientSearch } from './LocalPatientSearch';

/**
 * 同意登録: staff of the disclosing facility type the patient's local id, see whose it is (name, birth
 * date, sex, as the patient index holds it) with the facility's existing consents, then register,
 * document, print and withdraw.
 */
export default function ConsentPage() {
  const { t, lang } = useI18n();
  const session = useActiveSession();
  const [params, setParams] = useSearchParams();
  const localId = params.get('localId')?.trim() ?? '';
  const nameSearch = params.get('name')?.trim() ?? '';
  const [typed, setTyped] = useState(localId);
  const lookup = useQuery({
    queryKey: ['consents', 'patient', localId],
    queryFn: () => patientAtFacility(localId),
    enabled: localId !== '',
    retry: (count, error) => !isApiError(error, 'not-found') && count < 2,
  });

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('consent.title')}
      </Title>
      <Text size="sm" c="dimmed">
        {session.facility.name}
      </Text>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setParams(typed.trim() ? { localId: typed.trim() } : {});
        }}
      >
        <Group align="flex-end">
          <TextInput
            label={t('consent.lookup')}
            description={t('consent.lookupHint')}
            value={typed}
            onChange={(e) => setTyped(e.currentTarget.value)}
            required
            name="localId"
          />
          <Button type="submit">{t('consent.find')}</Button>
        </Group>
      </form>
      {localId === '' && (
        <LocalPatientSearch
          key={nameSearch}
          text={nameSearch}
          onSearch={(text) => setParams({ name: text })}
          onChoose={(id) => {
            setTyped(id);
            setParams({ localId: id });
          }}
        />
      )}
      {localId !== '' &&
        (lookup.isPending ? (
          <Loading />
        ) : lookup.isError ? (
          isApiError(lookup.error, 'not-found') ? (
            <Alert color="yellow" role="alert" data-testid="patient-not-found">
              {LOOKUP_TEXT.notFound[lang]}
            </Alert>
          ) : (
            <ErrorAlert error={lookup.error} onRetry={() => void lookup.refetch()} />
          )
        ) : (
          <>
            <PatientCard patient={lookup.data.patient} />
            <ConsentList consents={lookup.data.consents} />
            <RegisterForm key={lookup.data.patient.localId} patient={lookup.data.patient} />
          </>
        ))}
    </Stack>
  );
}

/** Whose local id this is: what the clerk compares with the signed form before registering. */
function PatientCard({ patient }: { patient: LocalPatient }) {
  const { t, lang } = useI18n();
  const age = patient.birthDate ? ageOn(patient.birthDate) : null;
  const rows: [string, string][] = [
    [t('consent.lookup'), patient.localId],
    [t('patients.kanji'), patient.nameKanji ?? '—'],
    [t('patients.kana'), patient.nameKana ?? '—'],
    [
      t('patients.birthDate'),
      patient.birthDate
        ? `${dateWithWareki(patient.birthDate, lang)}${age !== null ? `（${t('patients.years', { age })}）` : ''}`
        : '—',
    ],
    [t('patients.sex'), patient.sex ? t(`sex.${patient.sex}`) : '—'],
  ];
  return (
    <Paper withBorder p="md" radius="md" data-testid="consent-patient">
      <Stack gap="xs">
        <Title order={2} size="h4">
          {t('office.patient')}
        </Title>
        <Text size="xl" fw={700} data-testid="consent-patient-name">
          {patient.nameKanji ?? patient.nameKana ?? patient.localId}
        </Text>
        <Group gap="xl" wrap="wrap" component="dl" m={0}>
          {rows.map(([label, value]) => (
            <Stack key={label} gap={0}>
              <Text component="dt" size="xs" c="dimmed">
                {label}
              </Text>
              <Text component="dd" size="sm" m={0}>
                {value}
              </Text>
            </Stack>
          ))}
        </Group>
      </Stack>
    </Paper>
  );
}

function ConsentList({ consents }: { consents: Consent[] }) {
  const { t } = useI18n();
  return (
    <Stack gap="sm">
      <Title order={2} size="h4">
        {t('consent.existing')}
      </Title>
      {consents.length === 0 && <Text c="dimmed">{t('consent.noConsents')}</Text>}
      {consents.map((c) => (
        <ConsentCard key={c.id} consent={c} />
      ))}
    </Stack>
  );
}

function ConsentCard({ consent }: { consent: Consent }) {
  const { t, lang } = useI18n();
  const name = useFacilityName();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [withdrawing, setWithdrawing] = useState(false);
  const [reason, setReason] = useState('');
  const active = consent.status === 'active';
  const reload = () => queryClient.invalidateQueries({ queryKey: ['consents'] });

  const upload = async () => {
    if (!file) return;
    setError(null);
    try {
      await api(`/consents/${encodeURIComponent(consent.id)}/form`, {
        method: 'PUT',
        body: file,
        contentType: file.type || 'application/pdf',
      });
      setMessage(t('consent.uploaded'));
      setFile(null);
      await reload();
    } catch (e) {
      setError(e);
    }
  };

  const viewForm = async () => {
    try {
      const blob = await apiBlob(`/consents/${encodeURIComponent(consent.id)}/form`);
      window.open(URL.createObjectURL(blob), '_blank', 'noopener');
    } catch (e) {
      setError(e);
    }
  };

  const withdraw = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await api(`/consents/${encodeURIComponent(consent.id)}/withdraw`, { method: 'POST', body: { reason } });
      setWithdrawing(false);
      setMessage(t('consent.withdrawn'));
      await reload();
    } catch (e) {
      setError(e);
    }
  };

  const viewers = viewerOids(consent);
  return (
    <Paper withBorder p="md" radius="md" data-testid="consent-card">
      <Stack gap="xs">
        <Group justify="space-between">
          <Group gap="sm">
            <Badge color={active ? 'teal' : 'gray'}>{t(`consent.status_${consent.status}`)}</Badge>
            <Text fw={600}>
              {t('consent.cardNumber')}: <span data-testid="card-number">{consent.cardNumber ?? '—'}</span>
            </Text>
          </Group>
          <Text size="xs" c="dimmed">
            {t('consent.start')}: {westernDate(consent.startDate)}
            {consent.endDate && ` – ${westernDate(consent.endDate)}`}
            {consent.registeredAt &&
              `　${t('consent.registeredAt')}: ${westernDateTime(consent.registeredAt)}`}
          </Text>
        </Group>
        <Text size="sm">
          {t('consent.scope')}:{' '}
          {consent.scope === 'all' ? t('consent.scopeAll') : viewers.map((oid) => name(oid)).join('、')}
        </Text>
        {consent.withdrawReason && (
          <Text size="sm" c="dimmed">
            {t('consent.withdrawReason')}: {consent.withdrawReason}
          </Text>
        )}
        {message && <Alert color="teal">{message}</Alert>}
        {error !== null && <Alert color="red">{errorMessage(error, lang)}</Alert>}
        <Group gap="xs" wrap="wrap">
          <Button
            component={Link}
            to={`/consents/${encodeURIComponent(consent.id)}/print/form`}
            variant="default"
            size="xs"
          >
            {t('consent.printForm')}
          </Button>
          <Button
            component={Link}
            to={`/consents/${encodeURIComponent(consent.id)}/print/card`}
            variant="default"
            size="xs"
          >
            {t('consent.printCard')}
          </Button>
          {(consent.hasForm || consent.form) && (
            <Button variant="default" size="xs" onClick={() => void viewForm()}>
              {t('consent.form')}
            </Button>
          )}
          {active && (
            <Button color="red" variant="outline" size="xs" onClick={() => setWithdrawing(true)}>
              {t('consent.withdraw')}
            </Button>
          )}
        </Group>
        {active && (
          <Group align="flex-end" gap="xs">
            <FileInput
              label={t('consent.form')}
              description={t('consent.formHint')}
              accept="application/pdf,image/png,image/jpeg"
              value={file}
              onChange={setFile}
              clearable
              w={320}
            />
            <Button size="xs" onClick={() => void upload()} disabled={!file}>
              {t('consent.upload')}
            </Button>
          </Group>
        )}
      </Stack>
      <Modal
        opened={withdrawing}
        onClose={() => setWithdrawing(false)}
        title={t('consent.withdraw')}
        centered
      >
        <form onSubmit={withdraw}>
          <Stack gap="sm">
            <Text size="sm">{t('consent.withdrawConfirm')}</Text>
            <Textarea
              label={t('consent.withdrawReason')}
              required
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              data-autofocus
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setWithdrawing(false)}>
                {t('app.cancel')}
              </Button>
              <Button type="submit" color="red">
                {t('consent.withdraw')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Paper>
  );
}

function RegisterForm({ patient }: { patient: LocalPatient }) {
  const { t, lang } = useI18n();
  const session = useActiveSession();
  const queryClient = useQueryClient();
  const viewers = useDirectoryFacilities('views');
  const [scope, setScope] = useState<'all' | 'listed'>('all');
  const [chosen, setChosen] = useState<string[]>([]);
  const [startDate, setStartDate] = useState(todayInJapan());
  const [endDate, setEndDate] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await api<Consent | { consent: Consent }>('/consents', {
        method: 'POST',
        body: {
          facilityOid: patient.facilityOid,
          localId: patient.localId,
          scope,
          viewers: scope === 'listed' ? chosen : [],
          startDate,
          ...(endDate ? { endDate } : {}),
          ...(note ? { note } : {}),
        },
      });
      const consent = 'consent' in answer ? answer.consent : answer;
      setDone(t('consent.registered', { card: consent.cardNumber ?? '—' }));
      await queryClient.invalidateQueries({ queryKey: ['consents'] });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Paper
      withBorder
      p="md"
      radius="md"
      component="form"
      onSubmit={submit}
      aria-label={t('consent.register')}
    >
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('consent.register')}
        </Title>
        <Text size="sm">{LOOKUP_TEXT.confirm[lang]}</Text>
        {done && (
          <Alert color="teal" role="status">
            {done}
          </Alert>
        )}
        {error !== null && <Alert color="red">{errorMessage(error, lang)}</Alert>}
        <Radio.Group
          label={t('consent.scope')}
          value={scope}
          onChange={(v) => setScope(v === 'listed' ? 'listed' : 'all')}
        >
          <Group mt="xs">
            <Radio value="all" label={t('consent.scopeAll')} />
            <Radio value="listed" label={t('consent.scopeListed')} />
          </Group>
        </Radio.Group>
        {scope === 'listed' && (
          <MultiSelect
            label={t('consent.viewers')}
            searchable
            required
            data={(viewers.data ?? [])
              .filter((f) => f.oid !== session.facility.oid)
              .map((f) => ({ value: f.oid, label: `${f.name}（${f.typeLabel[lang]}）` }))}
            value={chosen}
            onChange={setChosen}
            nothingFoundMessage={t('app.none')}
          />
        )}
        <Group grow>
          <DateField label={t('consent.start')} required value={startDate} onChange={setStartDate} />
          <DateField label={t('consent.end')} value={endDate} onChange={setEndDate} />
        </Group>
        <Textarea label={t('consent.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
        <Group justify="flex-end">
          <Button type="submit" loading={busy} disabled={scope === 'listed' && chosen.length === 0}>
            {t('consent.register')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
