import { CATEGORY_CODES, CATEGORY_LABELS, DOCUMENT_CATEGORIES, isDocumentCategory } from '@hie/contract';
import { Alert, Button, Checkbox, Group, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { useDirectoryFacilities } from '../api/hooks';
import { useActiveSession } from '../auth/session';
import { useI18n } from '../i18n';
import { ErrorAlert, Loading } from '../layout/Feedback';
import { GatewayConnection } from './GatewayConnection';

/** 開示設定: the categories each disclosing facility shares with the network. */
export default function DisclosurePage() {
  const { t } = useI18n();
  const session = useActiveSession();
  const facilities = useDirectoryFacilities('discloses');
  const [oid, setOid] = useState<string | null>(session.user.office ? null : session.facility.oid);
  useEffect(() => {
    if (!oid && facilities.data?.[0]) setOid(facilities.data[0].oid);
  }, [oid, facilities.data]);

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('office.disclosure')}
      </Title>
      <Text size="sm">{t('office.disclosureHint')}</Text>
      <Select
        label={t('office.chooseFacility')}
        searchable
        maw={480}
        data={(facilities.data ?? []).map((f) => ({ value: f.oid, label: f.name }))}
        value={oid}
        onChange={setOid}
      />
      {oid && <DisclosureEditor key={oid} oid={oid} />}
      {oid && <GatewayConnection key={`gw-${oid}`} oid={oid} />}
    </Stack>
  );
}

function DisclosureEditor({ oid }: { oid: string }) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const answer = useQuery({
    queryKey: ['admin', 'disclosure', oid],
    queryFn: () => api<{ categories: string[] }>(`/admin/facilities/${encodeURIComponent(oid)}/disclosure`),
  });
  const [draft, setDraft] = useState<string[] | null>(null);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (answer.isPending) return <Loading />;
  if (answer.isError) return <ErrorAlert error={answer.error} onRetry={() => void answer.refetch()} />;
  const chosen = draft ?? answer.data.categories;

  const save = async () => {
    setError(null);
    try {
      await api(`/admin/facilities/${encodeURIComponent(oid)}/disclosure`, {
        method: 'PUT',
        body: { categories: chosen },
      });
      setSaved(true);
      await queryClient.invalidateQueries({ queryKey: ['admin', 'disclosure', oid] });
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Stack gap="sm">
      {saved && <Alert color="teal">{t('app.saved')}</Alert>}
      {error !== null && <Alert color="red">{errorMessage(error, lang)}</Alert>}
      <Checkbox.Group
        value={chosen}
        onChange={(v) => {
          setSaved(false);
          setDraft(CATEGORY_CODES.filter((c) => v.includes(c)));
        }}
        label={t('office.category')}
      >
        <SimpleGrid cols={{ base: 2, md: 3 }} mt="xs">
          {CATEGORY_CODES.filter((c) => !isDocumentCategory(c)).map((c) => (
            <Checkbox key={c} value={c} label={CATEGORY_LABELS[c][lang]} />
          ))}
        </SimpleGrid>
        {/* Each kind of document is disclosed on its own (issue 11). */}
        <Text size="sm" fw={500} mt="md">
          {t('documentsTab.disclosureKinds')}
        </Text>
        <SimpleGrid cols={{ base: 2, md: 3 }} mt="xs">
          {DOCUMENT_CATEGORIES.map((c) => (
            <Checkbox key={c} value={c} label={CATEGORY_LABELS[c][lang]} />
          ))}
        </SimpleGrid>
      </Checkbox.Group>
      <Group justify="flex-end">
        <Button onClick={() => void save()}>{t('app.save')}</Button>
      </Group>
    </Stack>
  );
}
