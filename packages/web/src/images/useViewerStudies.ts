import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { type DocumentRow, documentRows } from '../records/documents';
import { fetchRecords } from '../records/records';
import { type Study, studiesOf } from '../records/studies';
import { studyReports } from '../records/study-reports';

/** What the viewer lists: the studies with images (and their orders' details), and their reports. */
const IMAGE_CATEGORIES = ['radiology', 'endoscopy', 'radiology-order', 'endoscopy-order'];
const REPORT_CATEGORIES = ['document-radiology-report', 'document-pathology-report'];

/**
 * The patient's studies that have images, newest first, and each one's reports — all time (images
 * are few and a comparison may reach years back), in the categories the policy lets this user see.
 */
export function useViewerStudies(personId: string, categories: readonly string[], enabled: boolean) {
  const images = IMAGE_CATEGORIES.filter((c) => categories.includes(c));
  const reports = REPORT_CATEGORIES.filter((c) => categories.includes(c));
  const imageQuery = useQuery({
    queryKey: ['patient', personId, 'viewer', 'studies', images],
    queryFn: () => fetchRecords(personId, images, {}),
    enabled: enabled && images.length > 0,
  });
  const reportQuery = useQuery({
    queryKey: ['patient', personId, 'viewer', 'reports', reports],
    queryFn: () => fetchRecords(personId, reports, {}),
    enabled: enabled && reports.length > 0,
  });
  const studies = useMemo(
    () =>
      studiesOf(imageQuery.data?.entries ?? [])
        .filter((s) => s.images !== null && s.studyUid !== null)
        .sort((a, b) => (b.date ?? '').localeCompare(a.date ?? '')),
    [imageQuery.data],
  );
  const byStudy = useMemo(
    (): Map<string, DocumentRow[]> => studyReports(studies, documentRows(reportQuery.data?.entries ?? [])),
    [studies, reportQuery.data],
  );
  return {
    studies: studies as Study[],
    reports: byStudy,
    pending: enabled && images.length > 0 && imageQuery.isPending,
    reportsPending: reports.length > 0 && reportQuery.isPending,
    error: imageQuery.error,
    refetch: () => void imageQuery.refetch(),
  };
}
