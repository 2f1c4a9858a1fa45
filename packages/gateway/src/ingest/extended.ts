// Extended storage (拡張ストレージ): documents (CDA, PDF, images) → DocumentReference + Binary rows.
// The bytes stay where the hospital wrote them; Binary rows carry the file's path and the API serves
// the file itself. Documents are few next to standardized messages (a handful per admission), so each
// pass lists every content folder and writes only what changed.

import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { withCategoryTag } from '@hie/contract';
import {
  CDA_HEADER_MAX_BYTES,
  type CdaHeader,
  contentTypeOf,
  type ExtendedDocumentSource,
  mapExtendedDocument,
  readCdaHeader,
} from '@hie/fhir-jp';
import type { Store } from '@hie/platform';
import { deleteResources, type GwResourceTable, type Schema, upsertResources } from '@hie/record-source';
import { type ExtendedContent, listExtendedStorage, timestampKey } from '@hie/ssmix2';
import type { GatewayFacility } from './types.js';

/** Record keys of extended documents start with this, so they never meet a standardized key. */
export const EXTENDED_KEY_PREFIX = 'ext|';

export interface ExtendedReport {
  /** Content folders listed. */
  folders: number;
  /** Current documents (newest folder of a key, not deleted). */
  documents: number;
  resourcesPut: number;
  resourcesDeleted: number;
  problems: string[];
}

/** The newest content folder of each document key decides, as for standardized files. */
export async function currentDocuments(
  roots: readonly string[],
): Promise<{ newest: Map<string, ExtendedContent>; folders: number; problems: string[] }> {
  const newest = new Map<string, ExtendedContent>();
  const problems: string[] = [];
  let folders = 0;
  for await (const item of listExtendedStorage(roots)) {
    if (item.kind === 'problem') {
      problems.push(`${item.path}: ${item.message}`);
      continue;
    }
    folders++;
    if (!item.name.ok) {
      problems.push(`${item.path}: ${item.name.message}`);
      continue;
    }
    const n = item.name.value;
    const key = `${EXTENDED_KEY_PREFIX}${n.patientId}|${n.careDate}|${n.dataType}|${n.orderNo}`;
    const held = newest.get(key);
    if (!held?.name.ok || timestampKey(held.name.value.timestamp) < timestampKey(n.timestamp))
      newest.set(key, item);
  }
  return { newest, folders, problems };
}

/** Rows of the projection for one content folder (empty when its newest flag says deleted). */
export function documentRows(
  key: string,
  content: ExtendedContent,
  facility: GatewayFacility,
  now: string,
  header: CdaHeader | null = null,
) {
  if (!content.name.ok || content.name.value.flag === '0') return [];
  const n = content.name.value;
  const source: ExtendedDocumentSource = {
    patientId: n.patientId,
    careDate: n.careDate,
    dataType: content.dataType,
    specificKey: n.orderNo,
    timestamp: n.timestamp,
    department: n.department,
    flag: n.flag,
    mainDocument: content.mainDocument?.file,
    attachments: content.attachments,
    header,
  };
  const mapped = mapExtendedDocument(source, facility);
  const fileOf = new Map(mapped.files.map((f) => [f.binaryId, join(content.path, f.file)]));
  return mapped.entries.map(
    (e): GwResourceTable => ({
      resource_type: e.index.resourceType,
      id: e.index.id,
      patient_id: e.index.patientId,
      category: e.index.category,
      date: e.index.date ?? null,
      code: e.index.code ?? null,
      record_key: key,
      // The DocumentReference points at its main file; each Binary at its own.
      file_path:
        fileOf.get(e.index.id) ??
        (content.mainDocument ? join(content.path, content.mainDocument.file) : content.path),
      version_id: 1,
      last_updated: now,
      json: JSON.stringify(withCategoryTag(e.resource, e.index.category)),
    }),
  );
}

/**
 * Brings the projection's documents in line with the extended storage roots: new and changed
 * documents are written, documents whose folders are gone or deleted (flag 0) are removed.
 */
export async function syncExtendedStorage(
  store: Store<Schema>,
  roots: readonly string[],
  facility: GatewayFacility,
): Promise<ExtendedReport> {
  const { newest, folders, problems } = await currentDocuments(roots);
  const now = new Date().toISOString();
  const wanted = new Map<string, GwResourceTable>();
  for (const [key, content] of newest) {
    const header = await cdaHeaderOf(content);
    for (const row of documentRows(key, content, facility, now, header))
      wanted.set(`${row.resource_type}/${row.id}`, row);
  }
  return store.db.transaction().execute(async (trx) => {
    const held = await trx
      .selectFrom('gw_resource')
      .select(['resource_type', 'id', 'json', 'file_path', 'record_key'])
      .where('record_key', 'like', `${EXTENDED_KEY_PREFIX}%`)
      .execute();
    const heldByRef = new Map(held.map((r) => [`${r.resource_type}/${r.id}`, r]));
    const changed = [...wanted.entries()]
      .filter(([ref, row]) => {
        const h = heldByRef.get(ref);
        return !h || h.json !== row.json || h.file_path !== row.file_path || h.record_key !== row.record_key;
      })
      .map(([, row]) => row);
    const gone = held
      .filter((r) => !wanted.has(`${r.resource_type}/${r.id}`))
      .map((r) => ({ type: r.resource_type, id: r.id }));
    await upsertResources(trx, store.engine, changed);
    await deleteResources(trx, gone);
    const documents = [...wanted.values()].filter((r) => r.resource_type === 'DocumentReference').length;
    return { folders, documents, resourcesPut: changed.length, resourcesDeleted: gone.length, problems };
  });
}

/**
 * Headers already read, by main document path with its size and modification time: each pass lists
 * every folder, and a document's header is read once, not once per pass.
 */
const headers = new Map<string, CdaHeader | null>();
const HEADER_CACHE_LIMIT = 200_000;

/** The CDA header of a content folder's main document (null for a PDF, an image, a document too big). */
export async function cdaHeaderOf(content: ExtendedContent): Promise<CdaHeader | null> {
  const main = content.mainDocument?.file;
  if (!main || !content.name.ok || content.name.value.flag === '0') return null;
  if (!contentTypeOf(main).endsWith('/xml')) return null;
  const path = join(content.path, main);
  try {
    const s = await stat(path);
    if (s.size > CDA_HEADER_MAX_BYTES) return null;
    const key = `${path}|${s.size}|${s.mtimeMs}`;
    const held = headers.get(key);
    if (held !== undefined) return held;
    const header = readCdaHeader(new TextDecoder('utf-8').decode(await readFile(path)));
    if (headers.size >= HEADER_CACHE_LIMIT) headers.clear();
    headers.set(key, header);
    return header;
  } catch {
    // A file that vanished or cannot be read: the document is listed without what it is about.
    return null;
  }
}
