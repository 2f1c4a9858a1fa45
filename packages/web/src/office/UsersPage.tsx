import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { useDirectoryFacilities, useProfessions } from '../api/hooks';
import type { Membership, User } from '../api/types';
import { useActiveSession } from '../auth/session';
import { useI18n } from '../i18n';
import { AdminListPage, NameCell, StatusCell, StatusSelect, useAdminList } from './AdminList';
import { SamlLinks } from './SamlLinks';

type MembershipRow = Pick<Membership, 'facilityOid' | 'role'> & { rowId: number };
let nextRowId = 0;
const withRowId = (m: Pick<Membership, 'facilityOid' | 'role'>): MembershipRow => ({
  ...m,
  rowId: ++nextRowId,
});

/** 利用者管理: users with their profession and facilities (office: all; facility admin: own facility). */
export default function UsersPage() {
  const { t, lang } = useI18n();
  const professions = useProfessions();
  const [q, setQ] = useState('');
  const [profession, setProfession] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const list = useAdminList<'users', User>('users', { q, profession }, page);

  return (
    <AdminListPage
      resource="users"
      title={t('office.users')}
      addLabel={t('office.addUser')}
      editLabel={t('office.editUser')}
      filters={
        <Group align="flex-end">
          <TextInput
            label={t('app.search')}
            value={q}
            onChange={(e) => setQ(e.currentTarget.value)}
            w={280}
          />
          <Select
            label={t('office.profession')}
            clearable
            value={profession}
            onChange={setProfession}
            data={(professions.data ?? []).map((p) => ({ value: p.code, label: p[lang] }))}
          />
        </Group>
      }
      list={list}
      items={(data) => data.users}
      page={page}
      onPage={setPage}
      minWidth={720}
      headers={[
        t('office.userName'),
        t('office.loginId'),
        t('office.profession'),
        t('office.memberships'),
        t('office.status'),
      ]}
      rowKey={(u) => u.id}
      cells={(u, edit) => (
        <>
          <NameCell name={u.name} nameKana={u.nameKana} onClick={edit} />
          <Table.Td>
            <Code>{u.loginId}</Code>
          </Table.Td>
          <Table.Td>{u.professionLabel[lang]}</Table.Td>
          <Table.Td>
            {u.memberships.map((m) => (
              <Text size="xs" key={m.facilityOid}>
                {m.facilityName ?? m.facilityOid}
                {m.role === 'admin' && (
                  <Badge ml={4} size="xs" variant="light">
                    {t('office.role_admin')}
                  </Badge>
                )}
              </Text>
            ))}
          </Table.Td>
          <StatusCell status={u.status} />
        </>
      )}
      form={(user, onDone) => <UserForm user={user} onDone={onDone} />}
    />
  );
}

function UserForm({ user, onDone }: { user: User | null; onDone: () => void }) {
  const { t, lang } = useI18n();
  const session = useActiveSession();
  const queryClient = useQueryClient();
  const professions = useProfessions();
  const facilities = useDirectoryFacilities();
  const [form, setForm] = useState({
    loginId: user?.loginId ?? '',
    name: user?.name ?? '',
    nameKana: user?.nameKana ?? '',
    profession: user?.profession ?? 'doctor',
    email: user?.email ?? '',
    status: user?.status ?? 'active',
  });
  const [memberships, setMemberships] = useState<MembershipRow[]>(() =>
    (
      user?.memberships.map((m) => ({ facilityOid: m.facilityOid, role: m.role })) ??
      (session.user.office ? [] : [{ facilityOid: session.facility.oid, role: 'member' as const }])
    ).map(withRowId),
  );
  const [secret, setSecret] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));
  const reload = () => queryClient.invalidateQueries({ queryKey: ['admin', 'users'] });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const fields = {
      name: form.name,
      nameKana: form.nameKana || null,
      profession: form.profession,
      email: form.email || null,
      status: form.status,
    };
    try {
      if (user) {
        await api(`/admin/users/${encodeURIComponent(user.id)}`, { method: 'PATCH', body: fields });
        await api(`/admin/users/${encodeURIComponent(user.id)}/memberships`, {
          method: 'PUT',
          body: { memberships: memberships.map(({ facilityOid, role }) => ({ facilityOid, role })) },
        });
        await reload();
        onDone();
      } else {
        const answer = await api<{ user: User; initialPassword?: string }>('/admin/users', {
          method: 'POST',
          body: {
            ...fields,
            loginId: form.loginId,
            memberships: memberships.map(({ facilityOid, role }) => ({ facilityOid, role })),
          },
        });
        await reload();
        if (answer.initialPassword)
          setSecret(t('office.initialPassword', { password: answer.initialPassword }));
        else onDone();
      }
    } catch (e) {
      setError(e);
    }
  };

  const action = async (path: string) => {
    if (!user) return;
    setError(null);
    try {
      const answer = await api<{ temporaryPassword?: string }>(
        `/admin/users/${encodeURIComponent(user.id)}/${path}`,
        {
          method: 'POST',
        },
      );
      if (answer.temporaryPassword)
        setSecret(t('office.initialPassword', { password: answer.temporaryPassword }));
      else setDone(t('office.done'));
    } catch (e) {
      setError(e);
    }
  };

  const facilityOptions = (facilities.data ?? []).map((f) => ({ value: f.oid, label: f.name }));
  return (
    <form onSubmit={submit}>
      <Stack gap="sm">
        {error !== null && <Alert color="red">{errorMessage(error, lang)}</Alert>}
        {secret && (
          <Alert color="yellow" data-testid="initial-password">
            {secret}
          </Alert>
        )}
        {done && <Alert color="teal">{done}</Alert>}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label={t('office.loginId')}
            required
            value={form.loginId}
            disabled={user !== null}
            onChange={(e) => set({ loginId: e.currentTarget.value })}
          />
          <Select
            label={t('office.profession')}
            data={(professions.data ?? []).map((p) => ({ value: p.code, label: p[lang] }))}
            value={form.profession}
            onChange={(v) => v && set({ profession: v })}
            allowDeselect={false}
          />
          <TextInput
            label={t('office.userName')}
            required
            value={form.name}
            onChange={(e) => set({ name: e.currentTarget.value })}
          />
          <TextInput
            label={t('office.userNameKana')}
            value={form.nameKana}
            onChange={(e) => set({ nameKana: e.currentTarget.value })}
          />
          <TextInput
            label={t('office.email')}
            type="email"
            value={form.email}
            onChange={(e) => set({ email: e.currentTarget.value })}
          />
          <StatusSelect
            statuses={['active', 'suspended', 'retired'] as const}
            value={form.status}
            onChange={(status) => set({ status })}
          />
        </SimpleGrid>
        <Text fw={600} size="sm">
          {t('office.memberships')}
        </Text>
        {memberships.map((m, i) => (
          <Group key={m.rowId} gap="xs" align="flex-end">
            <Select
              aria-label={t('office.memberships')}
              searchable
              style={{ flex: 1 }}
              data={facilityOptions}
              value={m.facilityOid || null}
              onChange={(v) =>
                setMemberships((list) => list.map((x, j) => (j === i ? { ...x, facilityOid: v ?? '' } : x)))
              }
            />
            <Select
              aria-label={t('office.role')}
              w={150}
              data={(['member', 'admin'] as const).map((r) => ({ value: r, label: t(`office.role_${r}`) }))}
              value={m.role}
              onChange={(v) =>
                setMemberships((list) =>
                  list.map((x, j) => (j === i ? { ...x, role: v === 'admin' ? 'admin' : 'member' } : x)),
                )
              }
              allowDeselect={false}
            />
            <ActionIcon
              variant="default"
              size="lg"
              aria-label={t('app.clear')}
              onClick={() => setMemberships((list) => list.filter((_, j) => j !== i))}
            >
              ×
            </ActionIcon>
          </Group>
        ))}
        <Button
          variant="light"
          size="xs"
          w="fit-content"
          onClick={() => setMemberships((list) => [...list, withRowId({ facilityOid: '', role: 'member' })])}
        >
          + {t('office.memberships')}
        </Button>
        {user && <SamlLinks userId={user.id} />}
        {user && (
          <Group gap="xs">
            <Button size="xs" variant="default" onClick={() => void action('reset-password')}>
              {t('office.resetPassword')}
            </Button>
            <Button size="xs" variant="default" onClick={() => void action('reset-totp')}>
              {t('office.resetTotp')}
            </Button>
            <Button size="xs" variant="default" onClick={() => void action('unlock')}>
              {t('office.unlock')}
            </Button>
            <Button size="xs" variant="default" color="red" onClick={() => void action('revoke-sessions')}>
              {t('office.revokeSessions')}
            </Button>
          </Group>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {secret ? t('app.close') : t('app.cancel')}
          </Button>
          {!secret && <Button type="submit">{t('app.save')}</Button>}
        </Group>
      </Stack>
    </form>
  );
}
