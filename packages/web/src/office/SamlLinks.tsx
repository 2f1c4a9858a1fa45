import { Alert, Badge, Button, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { useI18n } from '../i18n';
import { westernDateTime } from '../lib/dates';
import { type SamlLink, useIdentityProviders } from './federation-api';

/**
 * A user's links to trusted IdPs (another network's hub, a hospital's IdP): who they are there, so
 * that a login there lets them in here as this user. Shown where the hub trusts at least one IdP.
 */
export function SamlLinks({ userId }: { userId: string }) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const idps = useIdentityProviders();
  const key = ['admin', 'saml', 'links', userId];
  const links = useQuery({
    queryKey: key,
    queryFn: () =>
      api<{ links: SamlLink[] }>(`/admin/users/${encodeURIComponent(userId)}/saml-links`).then(
        (r) => r.links,
      ),
  });
  const [idp, setIdp] = useState<string | null>(null);
  const [subject, setSubject] = useState('');
  const [error, setError] = useState<unknown>(null);
  const list = idps.data?.identityProviders ?? [];
  if (list.length === 0) return null;
  const nameOf = (entityId: string) => list.find((i) => i.entityId === entityId)?.name ?? entityId;
  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
      await queryClient.invalidateQueries({ queryKey: key });
    } catch (e) {
      setError(e);
    }
  };
  const add = (event: FormEvent) => {
    event.preventDefault();
    void act(async () => {
      await api(`/admin/users/${encodeURIComponent(userId)}/saml-links`, {
        method: 'POST',
        body: { idp: idp ?? list[0]?.entityId, subject },
      });
      setSubject('');
    });
  };
  return (
    <Stack gap="xs" data-testid="saml-links">
      <Title order={3} size="h5">
        {t('federation.links')}
      </Title>
      <Text size="xs" c="dimmed">
        {t('federation.linksHint')}
      </Text>
      {error !== null && <Alert color="red">{errorMessage(error, lang)}</Alert>}
      {(links.data ?? []).length > 0 && (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('federation.idp')}</Table.Th>
              <Table.Th>{t('federation.subject')}</Table.Th>
              <Table.Th>{t('federation.lastLogin')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(links.data ?? []).map((l) => (
              <Table.Tr key={l.id}>
                <Table.Td>{nameOf(l.idp)}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    <Text size="sm">{l.subject}</Text>
                    {l.origin === 'jit' && (
                      <Badge size="xs" variant="light">
                        {t('federation.jit')}
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>{l.lastLoginAt ? westernDateTime(l.lastLoginAt) : '—'}</Table.Td>
                <Table.Td>
                  {l.status === 'active' ? (
                    <Button
                      size="compact-xs"
                      variant="default"
                      color="red"
                      onClick={() =>
                        void act(() =>
                          api(`/admin/saml/links/${encodeURIComponent(l.id)}/revoke`, {
                            method: 'POST',
                            body: {},
                          }),
                        )
                      }
                    >
                      {t('federation.revoke')}
                    </Button>
                  ) : (
                    <Badge color="gray">{t('federation.revoked')}</Badge>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <form onSubmit={add} aria-label={t('federation.addLink')}>
        <Group gap="xs" align="flex-end">
          <Select
            label={t('federation.idp')}
            data={list.map((i) => ({ value: i.entityId, label: i.name }))}
            value={idp ?? list[0]?.entityId ?? null}
            onChange={setIdp}
            allowDeselect={false}
          />
          <TextInput
            label={t('federation.subject')}
            required
            style={{ flex: 1 }}
            value={subject}
            onChange={(e) => setSubject(e.currentTarget.value)}
          />
          <Button type="submit" variant="light">
            {t('federation.addLink')}
          </Button>
        </Group>
      </form>
    </Stack>
  );
}
