/**
 * The documents tab's list: each DocumentReference as a row titled by its kind and date (never by a
 * file name), grouped by kind in the contract's order (退院時サマリ, 看護サマリ … その他文書), newest
 * first, with its files by role — the CDA text to read, its PDF, attached images.
 */
import { DOCUMENT_CATEGORIES } from '@hie/contract';
import type { SourcedResource } from '../api/types';
import { type CodeableConcept, categoryOf, conceptText } from './fhir';

export type FileRole = 'cda' | 'pdf' | 'image' | 'other';

export interface DocumentFile {
  binaryId: string;
  contentType: string;
  role: FileRole;
  /** The file's name in the content folder: for saving it, never as a title. */
  fileName: string;
}

export interface DocumentRow {
  key: string;
  facilityOid: string;
  facilityName: string;
  /** Its disclosure category: a document kind, or `document` (その他文書). */
  kind: string;
  /** What the facility calls this kind of document (the data-type folder's name). */
  typeText: string;
  /** The day it is about (care date), else when it was written. */
  date: string | null;
  /** 診療科 that wrote it. */
  department: string | null;
  files: DocumentFile[];
  /**
   * What the document is about, as its header names it (context.related): accession and order numbers,
   * Study Instance UIDs (without `urn:oid:`).
   */
  related: string[];
}

export interface DocumentGroup {
  kind: string;
  rows: DocumentRow[];
}

interface Attachment {
  contentType?: string;
  url?: string;
  title?: string;
}

const ROLE_ORDER: readonly FileRole[] = ['cda', 'pdf', 'image', 'other'];
const SHOWN_IMAGES = ['image/png', 'image/jpeg', 'image/gif'];

export function fileRole(contentType: string, fileName: string): FileRole {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (/^(text|application)\/(cda\+)?xml$/.test(type) || /\.xml$/i.test(fileName)) return 'cda';
  if (type === 'application/pdf') return 'pdf';
  if (SHOWN_IMAGES.includes(type)) return 'image';
  return 'other';
}

function filesOf(entry: SourcedResource): DocumentFile[] {
  const content = (entry.resource.content as { attachment?: Attachment }[] | undefined) ?? [];
  return content
    .map((c) => c.attachment ?? {})
    .filter((a): a is Attachment & { url: string } => a.url?.startsWith('Binary/') === true)
    .map((a) => {
      const contentType = a.contentType ?? 'application/octet-stream';
      const fileName = a.title ?? '';
      return {
        binaryId: a.url.slice('Binary/'.length),
        contentType,
        role: fileRole(contentType, fileName),
        fileName,
      };
    })
    .sort((x, y) => ROLE_ORDER.indexOf(x.role) - ROLE_ORDER.indexOf(y.role));
}

function rowOf(entry: SourcedResource): DocumentRow {
  const r = entry.resource;
  const category = categoryOf(entry) ?? 'document';
  const context = r.context as
    | {
        period?: { start?: string };
        practiceSetting?: CodeableConcept;
        related?: { identifier?: { value?: string } }[];
      }
    | undefined;
  const department = context?.practiceSetting ? conceptText(context.practiceSetting) : null;
  return {
    key: `${entry.facilityOid}/${r.id}`,
    facilityOid: entry.facilityOid,
    facilityName: entry.facilityName,
    kind: (DOCUMENT_CATEGORIES as readonly string[]).includes(category) ? category : 'document',
    typeText: (r.type as CodeableConcept | undefined)?.text ?? (r.description as string | undefined) ?? '',
    date: context?.period?.start ?? entry.date ?? (r.date as string | undefined) ?? null,
    department: department && department !== '—' ? department : null,
    files: filesOf(entry),
    related: (context?.related ?? []).flatMap((x) =>
      x.identifier?.value ? [x.identifier.value.replace(/^urn:oid:/, '')] : [],
    ),
  };
}

/** The current documents (not entered in error), as rows. */
export const documentRows = (entries: readonly SourcedResource[]): DocumentRow[] =>
  entries
    .filter(
      (e) => e.resource.resourceType === 'DocumentReference' && e.resource.status !== 'entered-in-error',
    )
    .map(rowOf);

/** The current documents, grouped by kind (contract order), newest first within each kind. */
export function documentGroups(entries: readonly SourcedResource[]): DocumentGroup[] {
  const rows = documentRows(entries);
  return DOCUMENT_CATEGORIES.map((kind) => ({
    kind,
    rows: rows
      .filter((r) => r.kind === kind)
      .sort((a, b) => (b.date ?? '').localeCompare(a.date ?? '') || a.key.localeCompare(b.key)),
  })).filter((g) => g.rows.length > 0);
}
