import { Anchor, Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useI18n } from '../i18n/index';
import { ageOn, dateWithWareki, westernDate } from '../lib/dates';
import { ConsentBadge } from './ConsentBadge';
import type { CabinetDetail } from './core/types';

/** Whose cabinet this is (name, kana, age, sex), the group, the consent, the regional record, unread. */
export function CabinetHeader({ detail, unread }: { detail: CabinetDetail; unread: number | null }) {
  const { t, lang } = useI18n();
  const patient = detail.patient;
  const age = patient ? ageOn(patient.birthDate) : null;
  return (
    <Paper withBorder p="md" radius="md" data-testid="cabinet-header">
      <Stack gap={6}>
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
          <div>
            {patient && (
              <Text size="xs" c="dimmed" data-testid="cabinet-kana">
                {patient.kana}
              </Text>
            )}
            <Title order={1} size="h2" data-testid="cabinet-patient">
              {patient?.name ?? t('cabinet.patientHidden')}
            </Title>
            {patient && (
              <Text size="sm">
                {age !== null && `${t('cabinet.years', { age })}・`}
                {t(`cabinet.sex.${patient.sex}`)}・{dateWithWareki(patient.birthDate, lang)}
              </Text>
            )}
            {patient?.address && (
              <Text size="xs" c="dimmed">
                {patient.address}
              </Text>
            )}
          </div>
          <Stack gap={4} align="flex-end">
            <Group gap={6}>
              <Badge color={detail.status === 'open' ? 'teal' : 'gray'} variant="filled">
                {t(`cabinet.status.${detail.status}`)}
              </Badge>
              {unread !== null && unread > 0 && (
                <Badge color="blue" variant="filled" data-testid="cabinet-unread">
                  {t('cabinet.unreadHere', { count: unread })}
                </Badge>
              )}
            </Group>
            <ConsentBadge consent={detail.consent} />
          </Stack>
        </Group>
        <Group gap="md" wrap="wrap">
          <Text size="sm">
            <Text span c="dimmed" size="sm">
              {t('cabinet.group')}:
            </Text>{' '}
            {detail.group.name}
          </Text>
          {detail.status === 'closed' && (
            <Text size="sm" c="dimmed">
              {detail.closedAt && t('cabinet.close.closedOn', { on: westernDate(detail.closedAt) })}
              {detail.closeReason && `（${detail.closeReason}）`}
              {detail.retentionUntil &&
                `　${t('cabinet.close.retention', { on: westernDate(detail.retentionUntil) })}`}
            </Text>
          )}
          {detail.personId && (
            <Anchor component={Link} to={`/patients/${encodeURIComponent(detail.personId)}`} size="sm">
              {t('cabinet.regionalRecord')}
            </Anchor>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}
