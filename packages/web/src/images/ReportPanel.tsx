import { Paper, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { DocumentViewer } from '../documents/DocumentViewer';
import { useI18n } from '../i18n';
import type { Messages } from '../i18n/ja';
import { Loading } from '../layout/Feedback';
import { westernDate } from '../lib/dates';
import type { DocumentRow } from '../records/documents';
import type { Study } from '../records/studies';

type DocumentKindKey = keyof Messages['documentsTab']['kinds'];

/**
 * The report beside the images: for each study shown, its 読影レポート (or 病理レポート) as readable
 * text, fetched through the hub like any document (policy, audit). None in view is said, not hidden.
 */
export function ReportPanel({
  personId,
  studies,
  reports,
  label,
  pending,
}: {
  personId: string;
  studies: readonly Study[];
  reports: ReadonlyMap<string, DocumentRow[]>;
  label: (s: Study) => string;
  pending: boolean;
}) {
  const { t } = useI18n();
  return (
    <Paper withBorder p="sm" className="viewer-report" data-testid="viewer-report">
      <Stack gap="sm" className="viewer-report-list">
        {studies.map((study) => (
          <StudyReports
            key={study.key}
            personId={personId}
            study={study}
            rows={reports.get(study.key) ?? []}
            heading={label(study)}
          />
        ))}
        {pending && <Loading />}
        {!pending && studies.length === 0 && <Text size="sm">{t('viewer.noReport')}</Text>}
      </Stack>
    </Paper>
  );
}

function StudyReports({
  personId,
  study,
  rows,
  heading,
}: {
  personId: string;
  study: Study;
  rows: readonly DocumentRow[];
  heading: string;
}) {
  const { t } = useI18n();
  const [picked, setPicked] = useState(0);
  const withText = rows.filter((r) => r.files.length > 0);
  const row = withText[Math.min(picked, withText.length - 1)];
  const title = (r: DocumentRow) =>
    t('documentsTab.titleOf', {
      kind: t(`documentsTab.kinds.${r.kind as DocumentKindKey}`),
      date: westernDate(r.date),
    });
  const file = row ? (row.files.find((f) => f.role === 'cda') ?? row.files[0]) : undefined;
  return (
    <Stack gap={6} data-testid="viewer-study-report" data-study={study.studyUid ?? ''}>
      <Title order={3} size="h6">
        {t('viewer.report')}：{heading}
      </Title>
      {withText.length > 1 && (
        <SegmentedControl
          size="xs"
          value={String(Math.min(picked, withText.length - 1))}
          onChange={(v) => setPicked(Number(v))}
          data={withText.map((r, i) => ({ value: String(i), label: title(r) }))}
        />
      )}
      {row && file ? (
        <DocumentViewer
          personId={personId}
          doc={{ facilityOid: row.facilityOid, title: title(row), facilityName: row.facilityName, file }}
        />
      ) : (
        <Text size="sm" c="dimmed">
          {t('viewer.noReport')}
        </Text>
      )}
    </Stack>
  );
}
