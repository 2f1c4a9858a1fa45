/**
 * A study's reports (読影レポート, a biopsy's 病理レポート) are documents of their own disclosure
 * category, written by another department on another day. They join the study's row:
 *
 * - **by what the report says it is about** (its CDA header, DocumentReference.context.related): the
 *   accession number, the order number or the Study Instance UID of a study of the same facility;
 * - else, for a 読影レポート that names nothing, **the one radiology study** of its facility on the day
 *   it is about; two studies that day and the report stays in the documents tab only, never guessed.
 */
import type { DocumentRow } from './documents';
import type { Study } from './studies';

const REPORT_KINDS = ['document-radiology-report', 'document-pathology-report'];

const day = (d: string | null) => (d ?? '').slice(0, 10);

/** The reports of each study, by study key, oldest first. */
export function studyReports(
  studies: readonly Study[],
  documents: readonly DocumentRow[],
): Map<string, DocumentRow[]> {
  const out = new Map<string, DocumentRow[]>();
  const add = (study: Study, doc: DocumentRow) => out.set(study.key, [...(out.get(study.key) ?? []), doc]);
  const reports = documents.filter((d) => REPORT_KINDS.includes(d.kind));
  for (const doc of reports) {
    const named = new Set(doc.related);
    const exact = studies.filter(
      (s) =>
        s.facilityOid === doc.facilityOid &&
        [s.accession, s.studyUid, ...s.orderNumbers].some((id) => id !== null && named.has(id)),
    );
    if (exact.length > 0) {
      for (const s of exact) add(s, doc);
      continue;
    }
    if (doc.kind !== 'document-radiology-report' || doc.related.length > 0) continue;
    const sameDay = studies.filter(
      (s) =>
        s.facilityOid === doc.facilityOid &&
        s.kind === 'radiology' &&
        s.performed &&
        day(s.date) === day(doc.date),
    );
    if (sameDay.length === 1) add(sameDay[0]!, doc);
  }
  for (const list of out.values()) list.sort((a, b) => (a.date ?? '').localeCompare(b.date ?? ''));
  return out;
}
