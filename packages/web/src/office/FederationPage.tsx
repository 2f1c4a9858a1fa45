import { Alert, Button, Code, Group, MultiSelect, Paper, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { useDirectoryFacilities } from '../api/hooks';
import { useActiveSession } from '../auth/session';
import { useI18n } from '../i18n';
import { ErrorAlert, Loading } from '../layout/Feedback';
import { type TrustedIdp, useIdentityProviders } from './federation-api';
import { PartnerRegistry } from './PartnerRegistry';

/**
 * 連携ネットワーク (the network office): the identity providers this hub trusts as SAML SP — another
 * network's portal, a hospital's IdP — what to give their operators (our SP entity id and ACS), and for
 * which of our facilities each may create users at their first login (none unless the office says so).
 */
export default function FederationPage() {
  const { t } = useI18n();
  const session = useActiveSession();
  const idps = useIdentityProviders();
  if (idps.isPending) return <Loading />;
  if (idps.isError) return <ErrorAlert error={idps.error} />;
  const { sp, identityProviders } = idps.data;
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('federation.title')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('federation.intro')}
      </Text>
      {sp ? (
        <Paper withBorder p="md">
          <Stack gap={4}>
            <Text size="sm" fw={600}>
              {t('federation.ourSp')}
            </Text>
            <Text size="xs">
              entityID: <Code>{sp.entityId}</Code>
            </Text>
            <Text size="xs">
              ACS (HTTP-POST): <Code>{sp.acsUrl}</Code>
            </Text>
          </Stack>
        </Paper>
      ) : (
        <Alert color="gray">{t('federation.none')}</Alert>
      )}
      {identityProviders.map((idp) => (
        <IdpCard key={idp.entityId} idp={idp} />
      ))}
      {session.user.office && <PartnerRegistry />}
    </Stack>
  );
}

function IdpCard({ idp }: { idp: TrustedIdp }) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const facilities = useDirectoryFacilities('views');
  const [chosen, setChosen] = useState<string[]>(idp.jitFacilities);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const save = async () => {
    setError(null);
    setSaved(false);
    try {
      await api('/admin/saml/identity-providers/jit', {
        method: 'PUT',
        body: { idp: idp.entityId, facilities: chosen },
      });
      await queryClient.invalidateQueries({ queryKey: ['admin', 'saml'] });
      setSaved(true);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Paper withBorder p="md" data-testid="trusted-idp">
      <Stack gap="xs">
        <Title order={2} size="h4">
          {idp.name}
        </Title>
        <Text size="xs" c="dimmed">
          <Code>{idp.entityId}</Code>
        </Text>
        <Text size="sm">
          {idp.allowUnsolicited ? t('federation.unsolicited') : t('federation.solicitedOnly')}
        </Text>
        {error !== null && <Alert color="red">{errorMessage(error, lang)}</Alert>}
        {saved && <Alert color="teal">{t('office.done')}</Alert>}
        <MultiSelect
          label={t('federation.jitFacilities')}
          description={t('federation.jitHint')}
          searchable
          data={(facilities.data ?? []).map((f) => ({ value: f.oid, label: f.name }))}
          value={chosen}
          onChange={setChosen}
        />
        <Group justify="flex-end">
          <Button onClick={() => void save()}>{t('app.save')}</Button>
        </Group>
      </Stack>
    </Paper>
  );
}
