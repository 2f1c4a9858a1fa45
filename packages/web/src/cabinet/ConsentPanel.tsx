import {
  Alert,
  Button,
  Checkbox,
  FileInput,
  Group,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useActiveSession } from '../auth/session';
import { useI18n } from '../i18n/index';
import { DateField } from '../layout/DateField';
import { todayInJapan, westernDate, westernDateTime } from '../lib/dates';
import { ConsentBadge } from './ConsentBadge';
import {
  downloadConsentForm,
  registerConsent,
  uploadConsentForm,
  useCabinetWrite,
  useGroups,
  withdrawConsent,
} from './core/api';
import { ConfirmAction } from './core/ConfirmAction';
import { consentState, nameOf } from './core/cabinet-state';
import { cabinetError } from './core/errors';
import type { CabinetDetail } from './core/types';

/** The team consent: its days and facilities, the signed form, registering again, withdrawing. */
export function ConsentPanel({ detail }: { detail: CabinetDetail }) {
  const { t, lang } = useI18n();
  const consent = detail.consent;
  const owner = detail.myRole === 'owner';
  const writable = detail.access.write;
  const state = consentState(consent, todayInJapan());
  const [message, setMessage] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [registering, setRegistering] = useState(false);
  const [formError, setFormError] = useState<unknown>(null);
  const upload = useCabinetWrite(detail.id, (f: File) => uploadConsentForm(detail.id, f));
  const withdraw = useCabinetWrite(detail.id, (reason: string) => withdrawConsent(detail.id, reason));

  const viewForm = async () => {
    setFormError(null);
    try {
      const blob = await downloadConsentForm(detail.id);
      const url = URL.createObjectURL(blob);
      window.open(url, '_blank', 'noopener');
      window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      setFormError(e);
    }
  };

  const rows: [string, React.ReactNode][] = consent
    ? [
        [
          t('cabinet.consent.period'),
          `${westernDate(consent.startDate)} 〜 ${consent.endDate ? westernDate(consent.endDate) : t('cabinet.consent.openEnded')}`,
        ],
        [t('cabinet.consent.facilities'), consent.facilities.map((f) => f.name).join('、') || '—'],
        [
          t('cabinet.consent.registeredBy'),
          `${nameOf(consent.registeredBy)} ${consent.registeredAt ? westernDateTime(consent.registeredAt) : ''}`.trim() ||
            '—',
        ],
        ...(consent.note ? ([[t('cabinet.consent.note'), consent.note]] as [string, string][]) : []),
        ...(consent.withdrawReason
          ? ([[t('cabinet.consent.withdrawReason'), consent.withdrawReason]] as [string, string][])
          : []),
      ]
    : [];

  return (
    <Paper withBorder p="md" radius="md" data-testid="cabinet-consent">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Title order={2} size="h4">
            {t('cabinet.consent.title')}
          </Title>
          <ConsentBadge consent={consent} />
        </Group>
        {message && (
          <Alert color="teal" role="status">
            {message}
          </Alert>
        )}
        {consent && (
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" component="dl" m={0}>
            {rows.map(([label, value]) => (
              <Stack key={label} gap={0}>
                <Text component="dt" size="xs" c="dimmed">
                  {label}
                </Text>
                <Text component="dd" size="sm" m={0} style={{ whiteSpace: 'pre-wrap' }}>
                  {value}
                </Text>
              </Stack>
            ))}
          </SimpleGrid>
        )}
        <Stack gap={4}>
          <Text size="xs" c="dimmed">
            {t('cabinet.consent.form')}
          </Text>
          {consent?.form ? (
            <Group gap="xs">
              <Button
                size="xs"
                variant="default"
                onClick={() => void viewForm()}
                data-testid="consent-form-view"
              >
                {t('cabinet.consent.download')}
              </Button>
              <Text size="xs" c="dimmed">
                {consent.form.fileName ?? consent.form.mediaType}（{Math.ceil(consent.form.size / 1024)} KB）
              </Text>
            </Group>
          ) : (
            <Text size="sm">{t('cabinet.consent.noForm')}</Text>
          )}
          {formError !== null && (
            <Alert color="red" role="alert">
              {cabinetError(formError, lang)}
            </Alert>
          )}
        </Stack>
        {owner && writable && consent && state.state !== 'withdrawn' && (
          <Group align="flex-end" gap="xs" wrap="wrap">
            <FileInput
              label={t('cabinet.consent.upload')}
              description={t('cabinet.consent.uploadHint')}
              accept="application/pdf,image/png,image/jpeg"
              value={file}
              onChange={setFile}
              clearable
              style={{ flex: '1 1 260px' }}
            />
            <Button
              disabled={!file}
              loading={upload.isPending}
              onClick={() =>
                file &&
                upload.mutate(file, {
                  onSuccess: () => {
                    setFile(null);
                    setMessage(t('cabinet.consent.uploaded'));
                  },
                })
              }
            >
              {t('cabinet.consent.upload')}
            </Button>
          </Group>
        )}
        {upload.isError && (
          <Alert color="red" role="alert">
            {cabinetError(upload.error, lang)}
          </Alert>
        )}
        <Group gap="xs" wrap="wrap">
          {owner && writable && (
            <Button variant="light" onClick={() => setRegistering(true)} data-testid="consent-reregister">
              {t('cabinet.consent.reRegister')}
            </Button>
          )}
          {detail.myStatus === 'active' && consent && state.state !== 'withdrawn' && (
            <ConfirmAction
              label={t('cabinet.consent.withdraw')}
              title={t('cabinet.consent.withdraw')}
              warning={t('cabinet.consent.withdrawWarning')}
              reasonLabel={t('cabinet.consent.withdrawReason')}
              understood={t('cabinet.consent.withdrawUnderstood')}
              confirmLabel={t('cabinet.consent.withdraw')}
              onConfirm={async (reason) => {
                await withdraw.mutateAsync(reason);
                setMessage(t('cabinet.consent.withdrawDone'));
              }}
              testId="consent-withdraw"
            />
          )}
        </Group>
      </Stack>
      {registering && (
        <ReRegister
          detail={detail}
          onClose={() => setRegistering(false)}
          onDone={() => {
            setRegistering(false);
            setMessage(t('cabinet.consent.registered'));
          }}
        />
      )}
    </Paper>
  );
}

/** 同意を登録し直す: a new consent (days, facilities) that replaces the current one. */
function ReRegister({
  detail,
  onClose,
  onDone,
}: {
  detail: CabinetDetail;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t, lang } = useI18n();
  const session = useActiveSession();
  const groups = useGroups();
  const own = session.facility.oid;
  const group = groups.data?.find((g) => g.id === detail.group.id);
  const facilities = group?.facilities ?? detail.consent?.facilities ?? [];
  const [startDate, setStartDate] = useState(todayInJapan());
  const [endDate, setEndDate] = useState('');
  const [chosen, setChosen] = useState<string[]>(
    (detail.consent?.facilities ?? []).map((f) => f.oid).filter((oid) => oid !== own),
  );
  const [note, setNote] = useState('');
  const save = useCabinetWrite(detail.id, () =>
    registerConsent(detail.id, {
      startDate,
      ...(endDate ? { endDate } : {}),
      // The owner's own facility is covered always: named too, whichever way the hub counts it.
      facilities: [own, ...chosen.filter((oid) => oid !== own)],
      ...(note.trim() ? { note: note.trim() } : {}),
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(undefined, { onSuccess: onDone });
  };
  return (
    <Modal opened onClose={onClose} title={<Text fw={700}>{t('cabinet.consent.reRegister')}</Text>} size="lg">
      <form onSubmit={submit}>
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            {t('cabinet.consent.reRegisterHint')}
          </Text>
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
            <DateField
              label={t('cabinet.openForm.start')}
              required
              value={startDate}
              onChange={setStartDate}
            />
            <DateField label={t('cabinet.openForm.end')} value={endDate} onChange={setEndDate} />
          </SimpleGrid>
          <Checkbox.Group
            label={t('cabinet.openForm.facilities')}
            value={[own, ...chosen]}
            onChange={(v) => setChosen(v.filter((oid) => oid !== own))}
          >
            <Stack gap={6} mt={6}>
              {facilities.map((f) => (
                <Checkbox
                  key={f.oid}
                  value={f.oid}
                  disabled={f.oid === own}
                  label={f.oid === own ? `${f.name} ${t('cabinet.openForm.ownFacility')}` : f.name}
                />
              ))}
            </Stack>
          </Checkbox.Group>
          <Textarea
            label={t('cabinet.openForm.note')}
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            maxLength={500}
          />
          {save.isError && (
            <Alert color="red" role="alert">
              {cabinetError(save.error, lang)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending} disabled={!startDate}>
              {t('cabinet.consent.reRegister')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
