import { Alert, Badge, Button, Group, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useI18n } from '../i18n/index';
import { westernDateTime } from '../lib/dates';
import { ConsentPanel } from './ConsentPanel';
import {
  closeCabinet,
  inviteMember,
  leaveCabinet,
  removeMember,
  useCabinetWrite,
  useGroupPeople,
} from './core/api';
import { ConfirmAction } from './core/ConfirmAction';
import { professionLabel } from './core/cabinet-state';
import { cabinetError } from './core/errors';
import type { CabinetDetail, CabinetMember } from './core/types';
import { inviteKey, inviteOf } from './open-form';

const STATUS_COLOR = { invited: 'yellow', active: 'teal', left: 'gray', removed: 'gray' } as const;

/** メンバー・同意: who is in the team, inviting and removing (owner), leaving; the consent; closing. */
export function MembersTab({ detail, myUserId }: { detail: CabinetDetail; myUserId: string }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const owner = detail.myRole === 'owner';
  const writable = detail.access.write;
  const [message, setMessage] = useState<string | null>(null);
  const remove = useCabinetWrite(detail.id, (m: CabinetMember) =>
    removeMember(detail.id, m.userId, m.facilityOid),
  );
  const leave = useCabinetWrite(detail.id, () => leaveCabinet(detail.id));
  const close = useCabinetWrite(detail.id, (reason: string) => closeCabinet(detail.id, reason));
  const order = { active: 0, invited: 1, left: 2, removed: 3 } as const;
  const members = [...detail.members].sort((a, b) => order[a.status] - order[b.status]);

  return (
    <Stack gap="md">
      <Paper withBorder p="md" radius="md">
        <Stack gap="sm">
          <Title order={2} size="h4">
            {t('cabinet.members.title')}
          </Title>
          {message && (
            <Alert color="teal" role="status">
              {message}
            </Alert>
          )}
          <Table.ScrollContainer minWidth={640}>
            <Table striped verticalSpacing="xs" data-testid="cabinet-members">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('cabinet.members.name')}</Table.Th>
                  <Table.Th>{t('cabinet.members.profession')}</Table.Th>
                  <Table.Th>{t('cabinet.members.facility')}</Table.Th>
                  <Table.Th>{t('cabinet.members.role')}</Table.Th>
                  <Table.Th>{t('cabinet.members.status')}</Table.Th>
                  <Table.Th>{t('cabinet.members.since')}</Table.Th>
                  {owner && writable && <Table.Th />}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {members.map((m) => (
                  <MemberRow
                    key={`${m.userId}-${m.facilityOid}`}
                    member={m}
                    me={m.userId === myUserId}
                    canRemove={owner && writable}
                    onRemove={async () => {
                      await remove.mutateAsync(m);
                      setMessage(t('cabinet.members.removed', { name: m.name }));
                    }}
                  />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {owner && writable && <InviteForm detail={detail} onInvited={setMessage} />}
          {!owner && detail.myStatus === 'active' && (
            <Group>
              <ConfirmAction
                label={t('cabinet.members.leave')}
                title={t('cabinet.members.leave')}
                message={t('cabinet.members.leaveConfirm')}
                confirmLabel={t('cabinet.members.leave')}
                onConfirm={async () => {
                  await leave.mutateAsync(undefined);
                  navigate('/cabinets');
                }}
                buttonProps={{ size: 'sm', color: 'gray' }}
                testId="cabinet-leave"
              />
            </Group>
          )}
        </Stack>
      </Paper>
      <ConsentPanel detail={detail} />
      {owner && detail.status === 'open' && (
        <Paper withBorder p="md" radius="md">
          <Stack gap="xs" align="flex-start">
            <Title order={2} size="h4">
              {t('cabinet.close.title')}
            </Title>
            <Text size="sm" c="dimmed">
              {t('cabinet.close.hint')}
            </Text>
            <ConfirmAction
              label={t('cabinet.close.title')}
              title={t('cabinet.close.title')}
              message={t('cabinet.close.hint')}
              reasonLabel={t('cabinet.close.reason')}
              confirmLabel={t('cabinet.close.submit')}
              onConfirm={(reason) => close.mutateAsync(reason)}
              testId="cabinet-close"
            />
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}

function MemberRow({
  member,
  me,
  canRemove,
  onRemove,
}: {
  member: CabinetMember;
  me: boolean;
  canRemove: boolean;
  onRemove: () => Promise<void>;
}) {
  const { t, lang } = useI18n();
  const current = member.status === 'active' || member.status === 'invited';
  return (
    <Table.Tr style={current ? undefined : { opacity: 0.6 }}>
      <Table.Td>
        {member.name}
        {me && (
          <Text span size="xs" c="dimmed" ml={4}>
            {t('cabinet.members.me')}
          </Text>
        )}
      </Table.Td>
      <Table.Td>{professionLabel(member.profession, lang)}</Table.Td>
      <Table.Td>{member.facilityName}</Table.Td>
      <Table.Td>
        <Badge variant={member.role === 'owner' ? 'filled' : 'light'} color="teal">
          {t(`cabinet.role.${member.role}`)}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Badge variant="light" color={STATUS_COLOR[member.status]}>
          {t(`cabinet.memberStatus.${member.status}`)}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Text size="xs">{westernDateTime(member.endedAt ?? member.joinedAt ?? member.invitedAt)}</Text>
      </Table.Td>
      {canRemove && (
        <Table.Td>
          {current && member.role !== 'owner' && !me && (
            <ConfirmAction
              label={t('cabinet.members.remove')}
              title={t('cabinet.members.remove')}
              message={t('cabinet.members.removeConfirm', { name: member.name })}
              confirmLabel={t('cabinet.members.remove')}
              onConfirm={onRemove}
              buttonProps={{ size: 'compact-sm' }}
            />
          )}
        </Table.Td>
      )}
    </Table.Tr>
  );
}

function InviteForm({ detail, onInvited }: { detail: CabinetDetail; onInvited: (message: string) => void }) {
  const { t, lang } = useI18n();
  const people = useGroupPeople(detail.group.id);
  const [chosen, setChosen] = useState<string | null>(null);
  const invite = useCabinetWrite(detail.id, (p: { userId: string; facilityOid: string }) =>
    inviteMember(detail.id, p.userId, p.facilityOid),
  );
  const present = new Set(
    detail.members
      .filter((m) => m.status === 'active' || m.status === 'invited')
      .map((m) => `${m.userId}|${m.facilityOid}`),
  );
  const options = (people.data ?? [])
    .filter((p) => !present.has(`${p.userId}|${p.facilityOid}`))
    .map((p) => ({
      value: inviteKey(p),
      label: `${p.name}（${p.nameKana}）${professionLabel(p.profession, lang)}・${p.facilityName}`,
    }));
  const submit = () => {
    if (!chosen) return;
    const { userId, facilityOid } = inviteOf(chosen);
    const person = people.data?.find((p) => p.userId === userId && p.facilityOid === facilityOid);
    invite.mutate(
      { userId, facilityOid },
      {
        onSuccess: () => {
          setChosen(null);
          onInvited(t('cabinet.members.invited', { name: person?.name ?? userId }));
        },
      },
    );
  };
  return (
    <Stack gap="xs">
      <Group align="flex-end" gap="xs" wrap="wrap">
        <Select
          label={t('cabinet.members.invite')}
          placeholder={t('cabinet.members.invitePlaceholder')}
          searchable
          clearable
          data={options}
          value={chosen}
          onChange={setChosen}
          nothingFoundMessage={t('app.none')}
          style={{ flex: '1 1 320px' }}
          data-testid="cabinet-invite"
        />
        <Button onClick={submit} disabled={!chosen} loading={invite.isPending}>
          {t('cabinet.members.invite')}
        </Button>
      </Group>
      {invite.isError && (
        <Alert color="red" role="alert">
          {cabinetError(invite.error, lang)}
        </Alert>
      )}
    </Stack>
  );
}
