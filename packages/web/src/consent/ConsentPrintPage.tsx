import { Anchor, Box, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { useFacilityName } from '../api/hooks';
import { useActiveSession } from '../auth/session';
import { useI18n } from '../i18n';
import { ErrorAlert, Loading } from '../layout/Feedback';
import { PrintHeader } from '../layout/Print';
import { dateWithWareki, warekiDate, westernDate } from '../lib/dates';
import { useNetworkName } from '../lib/network-name';
import { getConsent, patientAtFacility, viewerOids } from './api';
import { QrCode } from './QrCode';

/** The consent form (A4) or the patient card (card size), ready for the browser's print dialog. */
export default function ConsentPrintPage() {
  const { id = '', kind } = useParams();
  const { t, lang } = useI18n();
  const network = useNetworkName();
  const session = useActiveSession();
  const name = useFacilityName();
  const consent = useQuery({ queryKey: ['consent', id], queryFn: () => getConsent(id) });
  // Whose consent: the facility's own register (the counter's lookup), which a clerk may read — the
  // patient search would show a clerk no one. Printed without a name is not a consent form.
  const localId = consent.data?.localId ?? '';
  const person = useQuery({
    queryKey: ['consents', 'patient', localId],
    queryFn: () => patientAtFacility(localId),
    enabled: localId !== '',
    retry: false,
  });
  if (consent.isPending || (localId !== '' && person.isPending)) return <Loading />;
  if (consent.isError) return <ErrorAlert error={consent.error} />;
  const c = consent.data;
  const p = person.data?.patient;
  const facility = c.facilityName ?? name(c.facilityOid) ?? session.facility.name;
  const viewers = viewerOids(c);

  return (
    <Stack gap="md">
      {/* The form's sheets say who printed it and when; the card is cut out and carries only itself. */}
      {kind !== 'card' && (
        <PrintHeader
          title={t('consent.formTitle')}
          patient={p ? { kanji: p.nameKanji, kana: p.nameKana, birthDate: p.birthDate } : null}
        />
      )}
      <Group justify="space-between" className="no-print">
        <Anchor component={Link} to={`/consents?localId=${encodeURIComponent(c.localId)}`}>
          {t('app.back')}
        </Anchor>
        <Button onClick={() => window.print()}>{t('app.print')}</Button>
      </Group>
      {kind === 'card' ? (
        <Box
          data-testid="patient-card"
          style={{
            width: '85.6mm',
            height: '54mm',
            border: '1px solid #333',
            borderRadius: 8,
            padding: '4mm',
            display: 'flex',
            gap: '3mm',
            background: '#fff',
          }}
        >
          <Stack gap={2} style={{ flex: 1 }}>
            <Text fw={700} size="sm" c="teal.9">
              {t('consent.cardTitle', { network })}
            </Text>
            <Text size="xs">{p?.nameKana ?? ''}</Text>
            <Text fw={700} size="md">
              {p?.nameKanji ?? ''}
            </Text>
            {p?.birthDate && (
              <Text size="xs" style={{ whiteSpace: 'nowrap' }}>
                {t('counter.born', { date: westernDate(p.birthDate) })}
                {lang === 'ja' && (
                  <Text span size="10px">
                    （{warekiDate(p.birthDate)}）
                  </Text>
                )}
              </Text>
            )}
            <Text size="xs" mt={4}>
              {t('consent.cardNumber')}
            </Text>
            <Text fw={700} size="lg" ff="monospace" data-testid="print-card-number">
              {c.cardNumber ?? '—'}
            </Text>
            <Text size="9px">{facility}</Text>
          </Stack>
          <Stack justify="center" align="center" gap={2}>
            {c.cardNumber ? (
              <QrCode value={c.cardNumber} size={96} label={`${t('consent.cardNumber')} ${c.cardNumber}`} />
            ) : null}
            <Text size="8px" ta="center" maw={100}>
              {t('consent.cardHint')}
            </Text>
          </Stack>
        </Box>
      ) : (
        <Box maw="180mm" data-testid="consent-form" style={{ background: '#fff' }}>
          <Title order={1} size="h3" ta="center" mb="md">
            {t('consent.formTitle')}
          </Title>
          <Text mb="sm">{t('consent.formBody1', { facility, network })}</Text>
          <Table withTableBorder withColumnBorders mb="sm">
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w={180}>{t('consent.viewers')}</Table.Th>
                <Table.Td>
                  {c.scope === 'all' ? t('consent.scopeAll') : viewers.map((oid) => name(oid)).join('、')}
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('consent.start')}</Table.Th>
                <Table.Td>
                  {westernDate(c.startDate)}（{warekiDate(c.startDate)}）
                  {c.endDate && ` – ${westernDate(c.endDate)}`}
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('consent.cardNumber')}</Table.Th>
                <Table.Td>{c.cardNumber ?? '—'}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('patients.localId')}</Table.Th>
                <Table.Td>{c.localId}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
          <Text mb="xl">{t('consent.formBody2')}</Text>
          <Table withTableBorder withColumnBorders>
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w={180}>{t('patients.name')}</Table.Th>
                <Table.Td>
                  {p?.nameKanji ?? ''}
                  {p?.nameKana ? `（${p.nameKana}）` : ''}
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('patients.birthDate')}</Table.Th>
                <Table.Td>{p?.birthDate ? dateWithWareki(p.birthDate, 'ja') : ''}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('consent.signatureDate')}</Table.Th>
                <Table.Td h={44}>{lang === 'ja' ? '令和　　年　　月　　日' : ''}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('consent.signature')}</Table.Th>
                <Table.Td h={56} />
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('consent.proxy')}</Table.Th>
                <Table.Td h={56} />
              </Table.Tr>
            </Table.Tbody>
          </Table>
          <Text size="xs" mt="md" ta="right">
            {facility}
          </Text>
        </Box>
      )}
    </Stack>
  );
}
