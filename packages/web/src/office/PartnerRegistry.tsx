import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Code,
  FileButton,
  Group,
  MultiSelect,
  Paper,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { useDirectoryFacilities } from '../api/hooks';
import { useI18n } from '../i18n';
import { ErrorAlert, Loading } from '../layout/Feedback';
import { type PartnerIdp, type PartnerSp, usePartners } from './federation-api';

/**
 * 連携先の登録 (the network office): the SAML partners — service providers (another network's portal,
 * with the interconnection agreement: which of our facilities may open patients there and see its
 * records here) and identity providers (another network's hub, a hospital's sign-in) — from the
 * config file (read-only) and registered here by their metadata, effective at once.
 */
export function PartnerRegistry() {
  const { t } = useI18n();
  const partners = usePartners(true);
  const facilities = useDirectoryFacilities('views');
  const names = new Map((facilities.data ?? []).map((f) => [f.oid, f.name]));
  if (partners.isPending) return <Loading />;
  if (partners.isError) return <ErrorAlert error={partners.error} />;
  const { serviceProviders, identityProviders, enabled } = partners.data;
  return (
    <Stack gap="md">
      <Title order={2} size="h3">
        {t('federation.partners')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('federation.partnersIntro')}
      </Text>
      <PartnerTable
        title={t('federation.spList')}
        rows={serviceProviders}
        detail={(p) => {
          const sp = p as PartnerSp;
          return (
            <Stack gap={2}>
              {sp.facilities.length > 0 && (
                <Text size="xs">
                  {t('federation.agreement')}: {sp.facilities.map((f) => names.get(f) ?? f).join('、')}
                </Text>
              )}
              {sp.records && (
                <Text size="xs">
                  {t('federation.recordsUrl')}: <Code>{sp.records}</Code>
                </Text>
              )}
            </Stack>
          );
        }}
      />
      <PartnerTable
        title={t('federation.idpList')}
        rows={identityProviders}
        detail={(p) => {
          const idp = p as PartnerIdp;
          return (
            <Group gap={4}>
              {idp.allowUnsolicited && <Badge variant="light">{t('federation.optUnsolicited')}</Badge>}
              {idp.patientLanding && <Badge variant="light">{t('federation.optLanding')}</Badge>}
              {idp.partnerRecords && <Badge variant="light">{t('federation.optRecords')}</Badge>}
            </Group>
          );
        }}
      />
      {(enabled.serviceProviders || enabled.identityProviders) && <RegisterForm />}
    </Stack>
  );
}

function PartnerTable({
  title,
  rows,
  detail,
}: {
  title: string;
  rows: (PartnerSp | PartnerIdp)[];
  detail: (p: PartnerSp | PartnerIdp) => React.ReactNode;
}) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const remove = async (id: string) => {
    setError(null);
    try {
      await api(`/admin/saml/partners/${encodeURIComponent(id)}`, { method: 'DELETE' });
      await queryClient.invalidateQueries({ queryKey: ['admin', 'saml'] });
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Paper withBorder p="md">
      <Stack gap="xs">
        <Text fw={600}>{title}</Text>
        {error !== null && <Alert color="red">{errorMessage(error, lang)}</Alert>}
        {rows.length === 0 ? (
          <Text size="sm">{t('federation.noPartners')}</Text>
        ) : (
          <Table.ScrollContainer minWidth={600}>
            <Table data-testid="partner-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('federation.partnerName')}</Table.Th>
                  <Table.Th>{t('federation.partnerDetail')}</Table.Th>
                  <Table.Th>{t('federation.source')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((p) => (
                  <Table.Tr key={p.entityId}>
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {p.name}
                      </Text>
                      <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
                        {p.entityId}
                      </Text>
                    </Table.Td>
                    <Table.Td>{detail(p)}</Table.Td>
                    <Table.Td>
                      <Text
                        size="xs"
                        fw={600}
                        c={p.source === 'office' ? 'teal.9' : 'dark.4'}
                        style={{ whiteSpace: 'nowrap' }}
                      >
                        {p.source === 'office' ? t('federation.byOffice') : t('federation.byConfig')}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {p.id && (
                        <Button
                          size="xs"
                          variant="default"
                          color="red"
                          onClick={() => void remove(p.id ?? '')}
                        >
                          {t('federation.remove')}
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Paper>
  );
}

function RegisterForm() {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const facilities = useDirectoryFacilities('views');
  const [role, setRole] = useState<'sp' | 'idp'>('sp');
  const [name, setName] = useState('');
  const [metadata, setMetadata] = useState('');
  const [agreement, setAgreement] = useState<string[]>([]);
  const [records, setRecords] = useState('');
  const [options, setOptions] = useState({
    allowUnsolicited: true,
    patientLanding: true,
    partnerRecords: true,
  });
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const submit = async () => {
    setError(null);
    setSaved(null);
    try {
      const answer = await api<{ entityId: string }>(
        role === 'sp' ? '/admin/saml/partners/service-providers' : '/admin/saml/partners/identity-providers',
        {
          method: 'POST',
          body:
            role === 'sp'
              ? { metadata, name, facilities: agreement, ...(records ? { records } : {}) }
              : { metadata, name, ...options },
        },
      );
      await queryClient.invalidateQueries({ queryKey: ['admin', 'saml'] });
      setSaved(answer.entityId);
      setMetadata('');
      setName('');
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Paper withBorder p="md" data-testid="partner-register">
      <Stack gap="sm">
        <Text fw={600}>{t('federation.register')}</Text>
        <SegmentedControl
          value={role}
          onChange={(v) => setRole(v as 'sp' | 'idp')}
          data={[
            { value: 'sp', label: t('federation.roleSp') },
            { value: 'idp', label: t('federation.roleIdp') },
          ]}
          aria-label={t('federation.register')}
        />
        <TextInput
          label={t('federation.partnerName')}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          required
        />
        <Textarea
          label={t('federation.metadata')}
          description={t('federation.metadataHint')}
          value={metadata}
          onChange={(e) => setMetadata(e.currentTarget.value)}
          autosize
          minRows={4}
          maxRows={10}
          styles={{ input: { fontFamily: 'monospace', fontSize: 12 } }}
          required
        />
        <Group>
          <FileButton
            accept=".xml,application/samlmetadata+xml,text/xml"
            onChange={(file) => void file?.text().then(setMetadata)}
          >
            {(props) => (
              <Button variant="default" size="xs" {...props}>
                {t('federation.metadataFile')}
              </Button>
            )}
          </FileButton>
        </Group>
        {role === 'sp' ? (
          <>
            <MultiSelect
              label={t('federation.agreement')}
              description={t('federation.agreementHint')}
              searchable
              data={(facilities.data ?? []).map((f) => ({ value: f.oid, label: f.name }))}
              value={agreement}
              onChange={setAgreement}
            />
            <TextInput
              label={t('federation.recordsUrl')}
              description={t('federation.recordsHint')}
              placeholder="https://hub.partner.example"
              value={records}
              onChange={(e) => setRecords(e.currentTarget.value)}
            />
          </>
        ) : (
          <Stack gap={6}>
            <Checkbox
              label={t('federation.optUnsolicited')}
              checked={options.allowUnsolicited}
              onChange={(e) => setOptions((o) => ({ ...o, allowUnsolicited: e.currentTarget.checked }))}
            />
            <Checkbox
              label={t('federation.optLanding')}
              checked={options.patientLanding}
              onChange={(e) => setOptions((o) => ({ ...o, patientLanding: e.currentTarget.checked }))}
            />
            <Checkbox
              label={t('federation.optRecords')}
              checked={options.partnerRecords}
              onChange={(e) => setOptions((o) => ({ ...o, partnerRecords: e.currentTarget.checked }))}
            />
          </Stack>
        )}
        {error !== null && <Alert color="red">{errorMessage(error, lang)}</Alert>}
        {saved && <Alert color="teal">{t('federation.registered', { entity: saved })}</Alert>}
        <Group justify="flex-end">
          <Button onClick={() => void submit()} disabled={!name || !metadata}>
            {t('federation.registerButton')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
