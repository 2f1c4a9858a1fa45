import { Anchor, Badge, Button, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { useI18n } from '../i18n/index';
import { ErrorAlert, Loading } from '../layout/Feedback';
import { ageOn, westernDateTime } from '../lib/dates';
import { AccessMessage, AccessReasonBadge } from './AccessReason';
import { keys, useCabinets, useGroups } from './core/api';
import { sortCabinets } from './core/cabinet-state';
import { useCabinetEvents } from './core/events';
import type { CabinetSummary } from './core/types';
import { InvitationButtons } from './InvitationButtons';
import { NewPosts } from './NewPosts';
import { OpenCabinetModal } from './OpenCabinetModal';
import { PushPanel } from './PushPanel';

/** ケアキャビネット: the cabinets I am in or invited to, with their unread posts; opening a new one. */
export default function CabinetListPage() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const cabinets = useCabinets();
  const groups = useGroups();
  const [opening, setOpening] = useState(false);
  useCabinetEvents(() => {
    void queryClient.invalidateQueries({ queryKey: keys.list });
    void queryClient.invalidateQueries({ queryKey: keys.notifications });
  }, true);

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <div>
          <Title order={1} size="h2">
            {t('cabinet.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('cabinet.intro')}
          </Text>
        </div>
        {(groups.data?.length ?? 0) > 0 && (
          <Button onClick={() => setOpening(true)} data-testid="cabinet-new">
            {t('cabinet.newCabinet')}
          </Button>
        )}
      </Group>
      {(cabinets.data?.length ?? 0) > 0 && <NewPosts />}
      {cabinets.isPending ? (
        <Loading />
      ) : cabinets.isError ? (
        <ErrorAlert error={cabinets.error} onRetry={() => void cabinets.refetch()} />
      ) : cabinets.data.length === 0 ? (
        <Text c="dimmed" data-testid="cabinets-none">
          {t('cabinet.none')}
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, xl: 3 }} spacing="sm" data-testid="cabinet-list">
          {sortCabinets(cabinets.data).map((c) => (
            <CabinetCard key={c.id} cabinet={c} />
          ))}
        </SimpleGrid>
      )}
      <PushPanel />
      <OpenCabinetModal opened={opening} onClose={() => setOpening(false)} />
    </Stack>
  );
}

function CabinetCard({ cabinet }: { cabinet: CabinetSummary }) {
  const { t } = useI18n();
  const p = cabinet.patient;
  const age = p ? ageOn(p.birthDate) : null;
  const to = `/cabinets/${encodeURIComponent(cabinet.id)}`;
  const readable = cabinet.access.read;
  const name = p?.name ?? t('cabinet.patientHidden');
  return (
    <Paper
      withBorder
      p="md"
      radius="md"
      data-testid="cabinet-card"
      data-cabinet-id={cabinet.id}
      style={cabinet.urgentUnread > 0 ? { borderLeft: '4px solid var(--mantine-color-red-7)' } : undefined}
    >
      <Stack gap={6}>
        <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
          <div style={{ minWidth: 0 }}>
            {p && (
              <Text size="xs" c="dimmed">
                {p.kana}
              </Text>
            )}
            {readable ? (
              <Anchor component={Link} to={to} fw={700} size="lg" data-testid="cabinet-link">
                {name}
              </Anchor>
            ) : (
              <Text fw={700} size="lg">
                {name}
              </Text>
            )}
            {p && (
              <Text size="sm">
                {age !== null && t('cabinet.years', { age })}
                {age !== null && '・'}
                {t(`cabinet.sex.${p.sex}`)}
              </Text>
            )}
          </div>
          <Stack gap={4} align="flex-end">
            <Badge color={cabinet.status === 'open' ? 'teal' : 'gray'} variant="light">
              {t(`cabinet.status.${cabinet.status}`)}
            </Badge>
            {cabinet.unread > 0 && (
              <Badge color="blue" variant="filled" data-testid="cabinet-unread">
                {t('cabinet.unread', { count: cabinet.unread })}
              </Badge>
            )}
            {cabinet.urgentUnread > 0 && (
              <Badge color="red" variant="filled" data-testid="cabinet-urgent">
                {t('cabinet.urgentUnread', { count: cabinet.urgentUnread })}
              </Badge>
            )}
          </Stack>
        </Group>
        <Text size="sm">
          {t('cabinet.group')}: {cabinet.groupName}
        </Text>
        <Text size="xs" c="dimmed">
          {t('cabinet.owner', { name: cabinet.ownerName, facility: cabinet.ownerFacilityName })}
        </Text>
        <Text size="xs" c="dimmed">
          {cabinet.lastPostAt
            ? t('cabinet.lastPost', { at: westernDateTime(cabinet.lastPostAt) })
            : t('cabinet.noPosts')}
        </Text>
        {!readable && (
          <Stack gap={4} align="flex-start">
            <AccessReasonBadge access={cabinet.access} />
            <AccessMessage access={cabinet.access} />
          </Stack>
        )}
        {cabinet.myStatus === 'invited' && (
          <Stack gap={4}>
            <Text size="sm">{t('cabinet.invited')}</Text>
            <InvitationButtons cabinetId={cabinet.id} />
          </Stack>
        )}
        {readable && (
          <Group justify="flex-end">
            <Button component={Link} to={to} size="xs" variant="light">
              {t('cabinet.open')}
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
