import { checkDigitLooksRight } from '@hie/contract';
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Code,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Table,
  TextInput,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { useFacilityTypes } from '../api/hooks';
import type { DirectoryWarning, Facility } from '../api/types';
import { useI18n } from '../i18n';
import { AdminListPage, NameCell, StatusCell, StatusSelect, useAdminList } from './AdminList';
import { IheConnection } from './IheConnection';
import { RepositoryTenant } from './RepositoryTenant';

/** 施設管理: the network's facilities, with OIDs and the institution-code check. */
export default function FacilitiesPage() {
  const { t, lang } = useI18n();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const list = useAdminList<'facilities', Facility>('facilities', { q }, page);

  return (
    <AdminListPage
      resource="facilities"
      title={t('office.facilities')}
      addLabel={t('office.addFacility')}
      editLabel={t('office.editFacility')}
      filters={
        <TextInput
          label={t('office.filter')}
          value={q}
          onChange={(e) => {
            setQ(e.currentTarget.value);
            setPage(1);
          }}
          maw={420}
        />
      }
      list={list}
      items={(data) => data.facilities}
      page={page}
      onPage={setPage}
      minWidth={760}
      headers={[
        t('office.name'),
        t('office.type'),
        t('office.code'),
        t('office.oid'),
        t('office.discloses'),
        t('office.status'),
      ]}
      rowKey={(f) => f.oid}
      cells={(f, edit) => (
        <>
          <NameCell name={f.name} nameKana={f.nameKana} onClick={edit} />
          <Table.Td>{f.typeLabel[lang]}</Table.Td>
          <Table.Td>
            {f.code ?? '—'}
            {f.code && !checkDigitLooksRight(f.code) && (
              <Badge ml={4} size="xs" color="orange" title={t('office.checkDigit')}>
                !
              </Badge>
            )}
          </Table.Td>
          <Table.Td>
            <Code>{f.oid}</Code>
          </Table.Td>
          <Table.Td>
            <Group gap={4}>
              {f.discloses && (
                <Badge size="xs" color="teal">
                  {t('office.discloses')}
                </Badge>
              )}
              {f.views && (
                <Badge size="xs" color="blue" variant="light">
                  {t('office.views')}
                </Badge>
              )}
            </Group>
          </Table.Td>
          <StatusCell status={f.status} />
        </>
      )}
      form={(facility, onDone) => <FacilityForm facility={facility} onDone={onDone} />}
    />
  );
}

function FacilityForm({ facility, onDone }: { facility: Facility | null; onDone: () => void }) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const types = useFacilityTypes();
  const [form, setForm] = useState({
    code: facility?.code ?? '',
    oid: facility?.oid ?? '',
    name: facility?.name ?? '',
    nameKana: facility?.nameKana ?? '',
    type: facility?.type ?? 'clinic',
    discloses: facility?.discloses ?? false,
    views: facility?.views ?? true,
    gatewayUrl: facility?.gatewayUrl ?? '',
    address: facility?.address ?? '',
    phone: facility?.phone ?? '',
    status: facility?.status ?? 'active',
  });
  const [warnings, setWarnings] = useState<DirectoryWarning[]>([]);
  const [token, setToken] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));
  const codeWarning = /^\d{10}$/.test(form.code) && !checkDigitLooksRight(form.code);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const body = {
      code: form.code || null,
      name: form.name,
      nameKana: form.nameKana || null,
      type: form.type,
      discloses: form.discloses,
      views: form.views,
      // A gateway URL once set changes only by proposal and confirmation (GatewayConnection).
      ...(facility?.gatewayUrl ? {} : { gatewayUrl: form.gatewayUrl || null }),
      address: form.address || null,
      phone: form.phone || null,
      status: form.status,
    };
    try {
      const answer = facility
        ? await api<{ facility: Facility; warnings: DirectoryWarning[] }>(
            `/admin/facilities/${encodeURIComponent(facility.oid)}`,
            {
              method: 'PATCH',
              body,
            },
          )
        : await api<{ facility: Facility; warnings: DirectoryWarning[] }>('/admin/facilities', {
            method: 'POST',
            body: { ...body, ...(form.oid ? { oid: form.oid } : {}) },
          });
      await queryClient.invalidateQueries({ queryKey: ['admin', 'facilities'] });
      await queryClient.invalidateQueries({ queryKey: ['directory'] });
      if (answer.warnings.length > 0) setWarnings(answer.warnings);
      else onDone();
    } catch (e) {
      setError(e);
    }
  };

  const issueToken = async () => {
    if (!facility) return;
    try {
      const answer = await api<{ token: string }>(
        `/admin/facilities/${encodeURIComponent(facility.oid)}/feed-token`,
        {
          method: 'POST',
        },
      );
      setToken(answer.token);
    } catch (e) {
      setError(e);
    }
  };

  const editor = (
    <form onSubmit={submit}>
      <Stack gap="sm">
        {error !== null && <Alert color="red">{errorMessage(error, lang)}</Alert>}
        {warnings.map((w) => (
          <Alert key={w.message} color="orange" title={t('office.checkDigit')}>
            {w.message}
          </Alert>
        ))}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label={t('office.code')}
            value={form.code}
            onChange={(e) => set({ code: e.currentTarget.value.replace(/\D/g, '').slice(0, 10) })}
            inputMode="numeric"
            description={facility ? undefined : t('office.oidDerived')}
            error={codeWarning ? t('office.checkDigit') : undefined}
          />
          <TextInput
            label={t('office.oid')}
            value={form.oid}
            onChange={(e) => set({ oid: e.currentTarget.value })}
            disabled={facility !== null}
            placeholder="1.2.392.200284.33.…"
          />
          <TextInput
            label={t('office.name')}
            required
            value={form.name}
            onChange={(e) => set({ name: e.currentTarget.value })}
          />
          <TextInput
            label={t('office.nameKana')}
            value={form.nameKana}
            onChange={(e) => set({ nameKana: e.currentTarget.value })}
          />
          <Select
            label={t('office.type')}
            data={(types.data ?? []).map((x) => ({ value: x.code, label: x[lang] }))}
            value={form.type}
            onChange={(v) => v && set({ type: v })}
            allowDeselect={false}
          />
          <StatusSelect
            statuses={['active', 'suspended', 'withdrawn'] as const}
            value={form.status}
            onChange={(status) => set({ status })}
          />
          <TextInput
            label={t('office.gatewayUrl')}
            value={form.gatewayUrl}
            onChange={(e) => set({ gatewayUrl: e.currentTarget.value })}
            disabled={Boolean(facility?.gatewayUrl)}
            description={facility?.gatewayUrl ? t('office.gatewayUrlLocked') : undefined}
          />
          <TextInput
            label={t('office.phone')}
            value={form.phone}
            onChange={(e) => set({ phone: e.currentTarget.value })}
          />
        </SimpleGrid>
        <TextInput
          label={t('office.address')}
          value={form.address}
          onChange={(e) => set({ address: e.currentTarget.value })}
        />
        <Group>
          <Checkbox
            label={t('office.discloses')}
            checked={form.discloses}
            onChange={(e) => set({ discloses: e.currentTarget.checked })}
          />
          <Checkbox
            label={t('office.views')}
            checked={form.views}
            onChange={(e) => set({ views: e.currentTarget.checked })}
          />
        </Group>
        {token && (
          <Alert color="yellow" title={t('office.feedTokenOnce')}>
            <Code block>{token}</Code>
          </Alert>
        )}
        <Group justify="space-between">
          {facility?.discloses ? (
            <Button variant="default" onClick={() => void issueToken()}>
              {t('office.feedToken')}
            </Button>
          ) : (
            <span />
          )}
          <Group>
            <Button variant="default" onClick={onDone}>
              {warnings.length > 0 ? t('app.close') : t('app.cancel')}
            </Button>
            <Button type="submit">{t('app.save')}</Button>
          </Group>
        </Group>
      </Stack>
    </form>
  );
  return (
    <>
      {editor}
      {facility && ['clinic', 'dental', 'pharmacy'].includes(facility.type) && (
        <RepositoryTenant key={`repo-${facility.oid}`} oid={facility.oid} />
      )}
      {facility && facility.type !== 'network-office' && (
        <IheConnection key={`ihe-${facility.oid}`} oid={facility.oid} gatewayUrl={facility.gatewayUrl} />
      )}
    </>
  );
}
