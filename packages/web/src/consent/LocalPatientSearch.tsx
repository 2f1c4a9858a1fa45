import { Alert, Button, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useI18n } from '../i18n';
import { ErrorAlert, Loading } from '../layout/Feedback';
import { dateWithWareki } from '../lib/dates';
import { parseSearch } from '../lib/search';
import { searchLocalPatients } from './api';

/**
 * 受付の患者検索: a name (kana or kanji) and/or a birth date, typed as reception types them, finds
 * the patients of the user's own facility; choosing one opens it by its local id.
 */
export function LocalPatientSearch({
  text,
  onSearch,
  onChoose,
}: {
  /** The search as it stands in the URL ('' = none yet). */
  text: string;
  onSearch: (text: string) => void;
  onChoose: (localId: string) => void;
}) {
  const { t, lang } = useI18n();
  const [typed, setTyped] = useState(text);
  const [empty, setEmpty] = useState(false);
  const { kana, kanji, birthDate } = parseSearch(text);
  const query = {
    ...(kana ? { kana } : {}),
    ...(kanji ? { kanji } : {}),
    ...(birthDate ? { birthDate } : {}),
  };
  const asked = Object.keys(query).length > 0;
  const found = useQuery({
    queryKey: ['consents', 'patients', query],
    queryFn: () => searchLocalPatients(query),
    enabled: asked,
  });

  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <form
          aria-label={t('counter.nameSearch')}
          onSubmit={(e) => {
            e.preventDefault();
            const q = parseSearch(typed);
            const usable = !!(q.kana || q.kanji || q.birthDate);
            setEmpty(!usable);
            if (usable) onSearch(typed.trim());
          }}
        >
          <Group align="flex-end">
            <TextInput
              label={t('counter.nameSearch')}
              description={t('counter.nameSearchHint')}
              value={typed}
              onChange={(e) => setTyped(e.currentTarget.value)}
              name="patientName"
              error={empty ? t('counter.needNameOrDate') : undefined}
              style={{ flex: 1, minWidth: 240 }}
            />
            <Button type="submit" variant="default">
              {t('counter.find')}
            </Button>
          </Group>
        </form>
        {asked &&
          (found.isPending ? (
            <Loading />
          ) : found.isError ? (
            <ErrorAlert error={found.error} onRetry={() => void found.refetch()} />
          ) : found.data.patients.length === 0 ? (
            <Alert color="yellow" data-testid="name-search-none">
              {t('counter.noMatch')}
            </Alert>
          ) : (
            <Stack gap="xs">
              <Title order={2} size="h5">
                {t('counter.results')}（{t('counter.found', { count: found.data.total })}）
              </Title>
              {found.data.total > found.data.patients.length && (
                <Text size="sm" c="dimmed">
                  {t('counter.foundMore', { count: found.data.patients.length, total: found.data.total })}
                </Text>
              )}
              <Table.ScrollContainer minWidth={560}>
                <Table striped highlightOnHover data-testid="name-search-results">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('consent.lookup')}</Table.Th>
                      <Table.Th>{t('patients.name')}</Table.Th>
                      <Table.Th>{t('patients.birthDate')}</Table.Th>
                      <Table.Th>{t('patients.sex')}</Table.Th>
                      <Table.Th>
                        <span className="visually-hidden">{t('counter.choose')}</span>
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {found.data.patients.map((p) => (
                      <Table.Tr key={p.localId}>
                        <Table.Td ff="monospace">{p.localId}</Table.Td>
                        <Table.Td>
                          <Text size="xs" c="dimmed">
                            {p.nameKana ?? ''}
                          </Text>
                          <Text fw={600}>{p.nameKanji ?? p.nameKana ?? '—'}</Text>
                        </Table.Td>
                        <Table.Td>{dateWithWareki(p.birthDate, lang)}</Table.Td>
                        <Table.Td>{p.sex ? t(`sex.${p.sex as 'M' | 'F' | 'O' | 'U'}`) : '—'}</Table.Td>
                        <Table.Td>
                          <Button
                            size="xs"
                            onClick={() => onChoose(p.localId)}
                            aria-label={`${t('counter.choose')}: ${p.nameKanji ?? p.nameKana ?? p.localId}`}
                          >
                            {t('counter.choose')}
                          </Button>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Stack>
          ))}
      </Stack>
    </Paper>
  );
}
