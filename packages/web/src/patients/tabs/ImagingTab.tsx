import { Badge, Button, Group, Stack, Text } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import type { SourcedResource } from '../../api/types';
import { DocumentFileButtons, DocumentModal, type Opened } from '../../documents/DocumentViewer';
import { useI18n } from '../../i18n';
import type { Messages } from '../../i18n/ja';
import { studyParam } from '../../images/dicomweb';
import { todayInJapan, westernDate } from '../../lib/dates';
import { type DocumentRow, documentRows } from '../../records/documents';
import { type Measurement, MODALITY_NAMES, type Study, studiesOf } from '../../records/studies';
import { studyReports } from '../../records/study-reports';
import { DataTable, FacilityBadge } from './common';

type DocumentKindKey = keyof Messages['documentsTab']['kinds'];

const KIND_COLOR = { radiology: 'indigo', endoscopy: 'grape', physiology: 'teal' } as const;

const valueText = (m: Measurement) => `${m.value}${m.unit ? ` ${m.unit}` : ''}`;

/**
 * 画像・生理検査: one row per study (records/studies.ts) — the study, its reports and their
 * observations merged — with what was done, where on the body, the result (an ECG's finding and
 * measurements, with units) and the order's information, never presented as a finding.
 */
export function ImagingTab({
  personId,
  entries,
  orders = [],
  documents = [],
}: {
  personId: string;
  entries: readonly SourcedResource[];
  /** The orders tab's entries, when the user may see them: the order of each study joins its row. */
  orders?: readonly SourcedResource[];
  /** The documents tab's entries, when the user may see them: a study's reports join its row. */
  documents?: readonly SourcedResource[];
}) {
  const { t, lang } = useI18n();
  const studies = useMemo(() => studiesOf([...entries, ...orders]), [entries, orders]);
  const reports = useMemo(() => studyReports(studies, documentRows(documents)), [studies, documents]);
  const [opened, setOpened] = useState<Opened | null>(null);
  const hasImages = studies.some((s) => s.images !== null);
  // A study with images is on screen: the viewer's code (its engine is a large chunk) loads meanwhile,
  // so that a click shows the first image without waiting for it.
  useEffect(() => {
    if (!hasImages) return;
    void import('../../images/ImageViewerPage');
    void import('../../images/cornerstone');
  }, [hasImages]);
  return (
    <>
      <DataTable
        caption={t('episodes.studiesCaption')}
        rows={studies}
        rowKey={(s) => s.key}
        testId={() => 'study'}
        minWidth={680}
        columns={[
          {
            key: 'date',
            header: t('patient.date'),
            cell: (s) => (
              <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                {westernDate(s.date)}
              </Text>
            ),
          },
          {
            key: 'kind',
            header: t('episodes.kind'),
            cell: (s) => (
              <Stack gap={2} align="flex-start">
                <Badge
                  size="sm"
                  variant="light"
                  tt="none"
                  color={KIND_COLOR[s.kind]}
                  styles={{ label: { color: 'var(--mantine-color-dark-7)' } }}
                  data-testid="study-kind"
                >
                  {t(`episodes.${s.kind}`)}
                </Badge>
                {s.modality && (
                  <Text size="xs" c="dimmed" data-testid="study-modality" style={{ whiteSpace: 'nowrap' }}>
                    {MODALITY_NAMES[s.modality]?.[lang] ?? s.modality}
                    {MODALITY_NAMES[s.modality] && MODALITY_NAMES[s.modality]?.[lang] !== s.modality
                      ? ` (${s.modality})`
                      : ''}
                  </Text>
                )}
              </Stack>
            ),
          },
          {
            key: 'procedure',
            header: t('episodes.procedure'),
            cell: (s) => <Procedure study={s} personId={personId} />,
          },
          {
            key: 'result',
            header: t('episodes.result'),
            cell: (s) => (
              <Stack gap={4}>
                <Result study={s} hasReport={(reports.get(s.key)?.length ?? 0) > 0} />
                <Reports reports={reports.get(s.key) ?? []} onOpen={setOpened} />
              </Stack>
            ),
          },
          {
            key: 'facility',
            header: t('patient.source'),
            cell: (s) => <FacilityBadge oid={s.facilityOid} name={s.facilityName} />,
          },
        ]}
      />
      <DocumentModal personId={personId} opened={opened} onClose={() => setOpened(null)} />
    </>
  );
}

/** The study's reports (読影レポート, 病理レポート), each openable where it stands. */
function Reports({ reports, onOpen }: { reports: readonly DocumentRow[]; onOpen: (o: Opened) => void }) {
  const { t } = useI18n();
  if (reports.length === 0) return null;
  return (
    <Stack gap={2} data-testid="study-reports">
      {reports.map((r) => {
        const title = t('documentsTab.titleOf', {
          kind: t(`documentsTab.kinds.${r.kind as DocumentKindKey}`),
          date: westernDate(r.date),
        });
        return (
          <Group key={r.key} gap={6} wrap="nowrap" data-testid="study-report">
            <Text size="xs" fw={600} style={{ whiteSpace: 'nowrap' }}>
              {title}
            </Text>
            <DocumentFileButtons row={r} title={title} onOpen={onOpen} />
          </Group>
        );
      })}
    </Stack>
  );
}

/** The viewer's address for a study with images (the viewer page loads its own engine on open). */
const viewerLink = (personId: string, study: Study) =>
  `/patients/${encodeURIComponent(personId)}/images?study=${encodeURIComponent(
    studyParam({ facilityOid: study.facilityOid, studyUid: study.studyUid ?? '' }),
  )}`;

function Procedure({ study, personId }: { study: Study; personId: string }) {
  const { t } = useI18n();
  return (
    <Stack gap={2}>
      <Text size="sm" fw={500}>
        {study.procedure}
        {study.preliminary && (
          <Badge ml={6} size="xs" color="orange" variant="outline" tt="none">
            {t('episodes.preliminary')}
          </Badge>
        )}
      </Text>
      {(study.bodySites.length > 0 || study.details.length > 0) && (
        <Text size="xs" data-testid="study-site">
          {study.bodySites.length > 0 && `${t('episodes.bodySite')}: ${study.bodySites.join('・')}`}
          {study.bodySites.length > 0 && study.details.length > 0 && '　'}
          {study.details.join('・')}
        </Text>
      )}
      {study.images && (
        <Group gap={8} wrap="nowrap">
          <Text size="xs" data-testid="study-images">
            {t('episodes.images', { series: study.images.series, instances: study.images.instances })}
          </Text>
          {study.studyUid && (
            <Button
              component={Link}
              to={viewerLink(personId, study)}
              size="compact-xs"
              variant="light"
              className="no-print"
              data-testid="study-view-images"
              aria-label={t('viewer.viewImagesLabel', {
                procedure: study.procedure,
                date: westernDate(study.date),
              })}
            >
              {t('viewer.viewImages')}
            </Button>
          )}
        </Group>
      )}
      {study.ordered && (
        <Text size="xs" c="dimmed" data-testid="study-order">
          {t('episodes.ordered', { date: westernDate(study.ordered) })}
          {study.requester ? `　${study.requester}` : ''}
        </Text>
      )}
      {study.information.length > 0 && (
        <Text size="xs" c="dimmed" data-testid="study-information">
          {t('episodes.information')}: {study.information.map((m) => `${m.label} ${valueText(m)}`).join('、')}
        </Text>
      )}
    </Stack>
  );
}

function Result({ study, hasReport }: { study: Study; hasReport: boolean }) {
  const { t } = useI18n();
  if (!study.performed) {
    const ahead = (study.date ?? '').slice(0, 10) > todayInJapan();
    return (
      <Badge size="sm" variant="outline" color="gray" tt="none" data-testid="study-not-performed">
        {ahead ? t('episodes.scheduled') : t('episodes.notPerformed')}
      </Badge>
    );
  }
  if (study.findings.length === 0 && study.measurements.length === 0) {
    if (hasReport) return null;
    // A radiology or endoscopy study's findings are in its report: say there is none in view.
    return study.kind === 'physiology' ? (
      <Text size="sm">{t('episodes.noResult')}</Text>
    ) : (
      <Text size="xs" c="dimmed" data-testid="study-no-report">
        {t('episodes.noReport')}
      </Text>
    );
  }
  return (
    <Stack gap={2} data-testid="study-result">
      {study.findings.map((f) => (
        <Text key={f} size="sm" fw={500} style={{ whiteSpace: 'pre-wrap' }}>
          {f}
        </Text>
      ))}
      {study.measurements.length > 0 && (
        <Group gap={8} data-testid="study-measurements">
          {study.measurements.map((m) => (
            <Text key={m.label} size="xs" style={{ whiteSpace: 'nowrap' }}>
              {m.label} <b>{valueText(m)}</b>
            </Text>
          ))}
        </Group>
      )}
    </Stack>
  );
}
