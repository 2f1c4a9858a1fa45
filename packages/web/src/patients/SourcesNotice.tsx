import { Alert, Stack } from '@mantine/core';
import type { SourceStatus } from '../api/types';
import { useI18n } from '../i18n';

/** One clear notice per facility that did not answer (or answered only in part). */
export function SourcesNotice({ sources }: { sources: readonly SourceStatus[] }) {
  const { t } = useI18n();
  const failed = sources.filter((s) => s.status === 'timeout' || s.status === 'error');
  const truncated = sources.filter((s) => s.status === 'ok' && s.truncated);
  // A partner network that answered but shows nothing here (not found, several candidates, outside our rules).
  const partnerNotes = sources.filter((s) => s.network && s.status === 'ok' && s.note);
  if (failed.length === 0 && truncated.length === 0 && partnerNotes.length === 0) return null;
  return (
    <Stack gap="xs" role="status" aria-live="polite">
      {failed.map((s) => (
        <Alert key={s.facilityOid} color="orange" variant="light" data-testid="source-failed">
          {t('patient.sourceFailed', {
            facility: s.name,
            status: t(`patient.status_${s.status as 'timeout' | 'error'}`),
          })}
        </Alert>
      ))}
      {partnerNotes.map((s) => (
        <Alert key={`${s.facilityOid}-note`} color="gray" variant="light" data-testid="partner-note">
          {t(`patient.partner_${s.note ?? 'not-found'}`, {
            network: s.network ?? s.name,
            count: String(s.dropped ?? 0),
          })}
        </Alert>
      ))}
      {truncated.map((s) => (
        <Alert key={s.facilityOid} color="yellow" variant="light">
          {t('patient.sourceTruncated', { facility: s.name })}
        </Alert>
      ))}
    </Stack>
  );
}
