import {
  Alert,
  Anchor,
  Badge,
  Button,
  Collapse,
  Group,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api/client';
import { useFacilityName } from '../api/hooks';
import type { PatientList, PersonSummary } from '../api/types';
import { useActiveSession } from '../auth/session';
import { useI18n } from '../i18n';
import { ErrorAlert, Loading } from '../layout/Feedback';
import { PagedTable } from '../layout/PagedTable';
import { ageOn, dateWithWareki, parseDateInput } from '../lib/dates';
import { parseSearch } from '../lib/search';
import { BreakGlassSearch } from './BreakGlass';

const PAGE = 50;
const FIELDS = ['kana', 'kanji', 'birthDate', 'sex', 'localId', 'cardNumber'] as const;

function queryFromParams(params: URLSearchParams): Record<string, string> {
  const q: Record<string, string> = {};
  for (const f of FIELDS) {
    const v = params.get(f);
    if (v) q[f] = v;
  }
  return q;
}

/** 患者一覧: the persons the user's facility may see, searched by kana, kanji, birth date or ids. */
export default function PatientListPage() {
  const { t, lang } = useI18n();
  const session = useActiveSession();
  const facilityName = useFacilityName();
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const [idKind, setIdKind] = useState<'localId' | 'cardNumber'>('localId');
  const [advanced, setAdvanced] = useState(false);
  const [fields, setFields] = useState<Record<string, string>>(() => queryFromParams(params));
  const page = Number(params.get('page') ?? '1') || 1;
  const query = queryFromParams(params);
  const hasQuery = Object.keys(query).length > 0;
  const interpreted = useMemo(() => parseSearch(text, idKind), [text, idKind]);
  const advancedDateInvalid = !!fields.birthDate && !parseDateInput(fields.birthDate);

  const result = useQuery({
    queryKey: ['patients', query, page],
    queryFn: () =>
      api<PatientList>('/patients', { query: { ...query, limit: PAGE, offset: (page - 1) * PAGE } }),
    placeholderData: keepPreviousData,
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams();
    const merged: Record<string, string | undefined> = { ...interpreted };
    for (const [k, v] of Object.entries(fields)) {
      if (!v) continue;
      merged[k] = k === 'birthDate' ? (parseDateInput(v) ?? undefined) : v;
    }
    for (const [k, v] of Object.entries(merged)) if (v) next.set(k, v);
    if (text) next.set('q', text);
    setParams(next);
  };

  const clear = () => {
    setText('');
    setFields({});
    setParams(new URLSearchParams());
  };

  const chips = Object.entries(interpreted).filter(([, v]) => v);
  const fieldLabel = (k: string) =>
    k === 'localId' || k === 'cardNumber' || k === 'kana' || k === 'kanji' || k === 'birthDate'
      ? t(`patients.${k}`)
      : k;

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('patients.title')}
        </Title>
        <Group gap="sm">
          {/* 患者登録: facilities that keep their records in the network's repository (hub abilities). */}
          {!session.user.office && (session.abilities?.enterRecords ?? true) && (
            <Button component={Link} to="/patients/register" variant="light" data-testid="register-patient">
              {t('register.open')}
            </Button>
          )}
          {(session.user.profession === 'doctor' || session.user.profession === 'dentist') && (
            <BreakGlassSearch />
          )}
        </Group>
      </Group>
      {params.get('from') === 'partner' && (
        <Alert color="blue" data-testid="from-partner">
          {t('patients.fromPartner')}
        </Alert>
      )}
      <search aria-label={t('patients.searchLabel')}>
        <form onSubmit={submit}>
          <Stack gap="xs">
            <Group align="flex-end" gap="sm" wrap="wrap">
              <TextInput
                style={{ flex: 1, minWidth: 260 }}
                label={t('patients.searchLabel')}
                description={t('patients.searchHelp')}
                placeholder={t('patients.searchPlaceholder')}
                value={text}
                onChange={(e) => setText(e.currentTarget.value)}
                name="q"
                autoFocus
              />
              <SegmentedControl
                aria-label={t('patients.idKind')}
                value={idKind}
                onChange={(v) => setIdKind(v === 'cardNumber' ? 'cardNumber' : 'localId')}
                data={[
                  { value: 'localId', label: t('patients.localId') },
                  { value: 'cardNumber', label: t('patients.cardNumber') },
                ]}
              />
              <Button type="submit">{t('app.search')}</Button>
              <Button variant="default" onClick={clear}>
                {t('app.clear')}
              </Button>
            </Group>
            {chips.length > 0 && (
              <Group gap="xs" aria-live="polite">
                <Text size="xs" c="dimmed">
                  {t('patients.interpretedAs')}:
                </Text>
                {chips.map(([k, v]) => (
                  <Badge key={k} variant="light" tt="none">
                    {fieldLabel(k)}: {v}
                  </Badge>
                ))}
              </Group>
            )}
            <Anchor
              component="button"
              type="button"
              size="sm"
              onClick={() => setAdvanced((a) => !a)}
              aria-expanded={advanced}
            >
              {t('patients.advanced')}
            </Anchor>
            <Collapse expanded={advanced}>
              <SimpleGrid cols={{ base: 2, md: 3 }} spacing="sm">
                <TextInput
                  label={t('patients.kana')}
                  value={fields.kana ?? ''}
                  onChange={(e) => setFields({ ...fields, kana: e.currentTarget.value })}
                />
                <TextInput
                  label={t('patients.kanji')}
                  value={fields.kanji ?? ''}
                  onChange={(e) => setFields({ ...fields, kanji: e.currentTarget.value })}
                />
                <TextInput
                  label={t('patients.birthDate')}
                  placeholder="S50.3.2 / 1975-03-02"
                  value={fields.birthDate ?? ''}
                  error={advancedDateInvalid ? t('patients.invalidDate') : undefined}
                  description={
                    fields.birthDate && !advancedDateInvalid
                      ? dateWithWareki(parseDateInput(fields.birthDate), lang)
                      : undefined
                  }
                  onChange={(e) => setFields({ ...fields, birthDate: e.currentTarget.value })}
                />
                <Select
                  label={t('patients.sex')}
                  clearable
                  value={fields.sex ?? null}
                  onChange={(v) => setFields({ ...fields, sex: v ?? '' })}
                  data={(['M', 'F', 'O', 'U'] as const).map((s) => ({ value: s, label: t(`sex.${s}`) }))}
                />
                <TextInput
                  label={t('patients.localId')}
                  value={fields.localId ?? ''}
                  onChange={(e) => setFields({ ...fields, localId: e.currentTarget.value })}
                />
                <TextInput
                  label={t('patients.cardNumber')}
                  value={fields.cardNumber ?? ''}
                  onChange={(e) => setFields({ ...fields, cardNumber: e.currentTarget.value })}
                />
              </SimpleGrid>
            </Collapse>
          </Stack>
        </form>
      </search>

      {result.isPending ? (
        <Loading />
      ) : result.isError ? (
        <ErrorAlert error={result.error} onRetry={() => void result.refetch()} />
      ) : result.data.persons.length === 0 ? (
        <Text c="dimmed">{hasQuery ? t('patients.empty') : t('patients.empty')}</Text>
      ) : (
        <>
          <Text size="sm" c="dimmed" aria-live="polite">
            {t('app.page', {
              from: (page - 1) * PAGE + 1,
              to: (page - 1) * PAGE + result.data.persons.length,
              total: result.data.total,
            })}
          </Text>
          <PagedTable
            minWidth={640}
            label={t('patients.title')}
            headers={[
              t('patients.name'),
              t('patients.birthDate'),
              t('patients.age'),
              t('patients.sex'),
              t('patients.ids'),
            ]}
            total={result.data.total}
            page={page}
            pageSize={PAGE}
            onPage={(p) => {
              const next = new URLSearchParams(params);
              next.set('page', String(p));
              setParams(next);
            }}
            labelControls
          >
            {result.data.persons.map((p) => (
              <PersonRow key={p.personId} person={p} facilityName={facilityName} />
            ))}
          </PagedTable>
        </>
      )}
    </Stack>
  );
}

function PersonRow({
  person,
  facilityName,
}: {
  person: PersonSummary;
  facilityName: (oid: string, fallback?: string | null) => string;
}) {
  const { t, lang } = useI18n();
  const age = person.birthDate ? ageOn(person.birthDate) : null;
  return (
    <Table.Tr>
      <Table.Td>
        <Anchor component={Link} to={`/patients/${encodeURIComponent(person.personId)}`} fw={600}>
          {person.nameKanji ?? person.nameKana ?? person.personId}
        </Anchor>
        {person.nameKana && (
          <Text size="xs" c="dimmed">
            {person.nameKana}
          </Text>
        )}
      </Table.Td>
      <Table.Td>{dateWithWareki(person.birthDate, lang)}</Table.Td>
      <Table.Td>{age === null ? '—' : t('patients.years', { age })}</Table.Td>
      <Table.Td>{person.sex ? t(`sex.${person.sex}`) : '—'}</Table.Td>
      <Table.Td>
        <Stack gap={2}>
          {person.records.map((r) => (
            <Text key={`${r.facilityOid}/${r.localId}`} size="xs">
              {facilityName(r.facilityOid, r.facilityName)}: <strong>{r.localId}</strong>
            </Text>
          ))}
        </Stack>
      </Table.Td>
    </Table.Tr>
  );
}
