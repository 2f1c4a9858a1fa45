// Extended storage (拡張ストレージ) documents → DocumentReference + Binary. A content folder holds
// one document (CDA R2, PDF, an HL7 v2 file such as NHO's vitals, images…) and its attachments.
// The bytes stay in the hospital's storage: Binary resources carry only the content type, and the
// gateway serves the file itself when a Binary is read.
import { type ExtendedDataType, formatFileName } from '@hie/ssmix2';
import type { Attachment, Binary, CodeableConcept, DocumentReference, Reference } from '@medplum/fhirtypes';
import type { CdaHeader, CdaId } from './cda-header.js';
import { concept, department } from './codes.js';
import type { Facility } from './context.js';
import { toFhirDate, toFhirInstant } from './datetime.js';
import { documentCategory } from './document-kind.js';
import { escapeIdPart, fit, ID_PATTERN, patientResourceId } from './ids.js';
import type { MappedResource } from './types.js';

export interface ExtendedDocumentSource {
  patientId: string;
  /** `YYYYMMDD` or `-`. */
  careDate: string;
  /** The data-type folder, `[local code]^local name^[local system]^standard code^standard name^standard system`. */
  dataType: ExtendedDataType;
  /** The content folder's specific key (固有キー), in the place of the order number. */
  specificKey: string;
  /** 17-digit write time of the content folder. */
  timestamp: string;
  department: string;
  flag: '0' | '1' | '2';
  /** The main document, then the attachments: file names inside the content folder. */
  mainDocument: string | undefined;
  attachments: readonly string[];
  /** The main document's CDA header, when it is one (`readCdaHeader`): what the document is about. */
  header?: CdaHeader | null;
}

export interface MappedDocument {
  /** DocumentReference first, then one Binary per file. */
  entries: MappedResource[];
  /** Binary id → file name inside the content folder, for the gateway to serve. */
  files: { binaryId: string; file: string; contentType: string }[];
}

/** Content type from the file name: what a browser needs to show the document inline. */
export function contentTypeOf(file: string): string {
  const ext = file.toLowerCase().split('.').pop() ?? '';
  const byExtension: Record<string, string> = {
    pdf: 'application/pdf',
    xml: 'text/xml',
    hl7: 'x-application/hl7-v2+er7',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    png: 'image/png',
    gif: 'image/gif',
    tif: 'image/tiff',
    tiff: 'image/tiff',
    dcm: 'application/dicom',
    txt: 'text/plain',
    mp4: 'video/mp4',
    mov: 'video/quicktime',
  };
  return byExtension[ext] ?? 'application/octet-stream';
}

/** Document id: `<PID>.<date>.EXT.<escaped type code>.<escaped specific key>`, hashed to ≤ 64 characters. */
export function documentId(
  src: Pick<ExtendedDocumentSource, 'patientId' | 'careDate' | 'dataType' | 'specificKey'>,
) {
  const type = src.dataType.localCode || src.dataType.standardCode || src.dataType.folder;
  const date = /^\d{8}$/.test(src.careDate) ? src.careDate : '-';
  const id = `${escapeIdPart(src.patientId)}.${date}.EXT.${escapeIdPart(type)}.${escapeIdPart(src.specificKey)}`;
  return fit(id);
}

/** Maps one extended-storage content folder. A folder whose newest flag is `0` is the caller's to delete. */
export function mapExtendedDocument(src: ExtendedDocumentSource, facility: Facility): MappedDocument {
  const id = documentId(src);
  const folderName = formatFileName({ ...src, dataType: src.dataType.folder, orderNo: src.specificKey });
  const source = `urn:ssmix2:${facility.institutionCode}:ext:${encodeURIComponent(folderName)}`;
  const files = [src.mainDocument, ...src.attachments].filter((f): f is string => f !== undefined);
  const binaries = files.map((file, i) => ({ binaryId: fit(`${id}.b${i}`), file }));
  if (binaries.some((b) => !ID_PATTERN.test(b.binaryId))) throw new Error(`bad binary id for ${folderName}`);
  const written = toFhirInstant(src.timestamp.slice(0, 14));
  const careDate = /^\d{8}$/.test(src.careDate) ? toFhirDate(src.careDate) : undefined;
  const date = careDate ?? written;
  const type: CodeableConcept = documentType(src.dataType, facility);
  // The document's kind is its disclosure category; its files (Binary) share it, so withholding a
  // kind withholds its bytes too.
  const category = documentCategory(src.dataType);
  // The department that wrote it (診療科, the content folder's department code).
  const practiceSetting = department(src.department);
  const related = relatedOf(src.header);
  const content = binaries.map((b): { attachment: Attachment } => ({
    attachment: {
      contentType: contentTypeOf(b.file),
      url: `Binary/${b.binaryId}`,
      title: b.file,
      ...(written ? { creation: written } : {}),
    },
  }));
  const documentReference: DocumentReference = {
    resourceType: 'DocumentReference',
    id,
    meta: { source },
    masterIdentifier: {
      system: `urn:ssmix2:${facility.institutionCode}:extended-storage`,
      value: folderName,
    },
    status: src.flag === '0' ? 'entered-in-error' : 'current',
    type,
    category: [{ text: src.dataType.localName || src.dataType.standardName || src.dataType.folder }],
    subject: { reference: `Patient/${patientResourceId(src.patientId)}` },
    ...(written ? { date: written } : {}),
    ...(facility.name ? { custodian: { display: facility.name } } : {}),
    ...(src.dataType.localName || src.dataType.standardName
      ? { description: src.dataType.localName || src.dataType.standardName }
      : {}),
    content: content.length > 0 ? content : [{ attachment: { title: '(no file)' } }],
    ...(careDate || practiceSetting || related.length > 0
      ? {
          context: {
            ...(careDate ? { period: { start: careDate } } : {}),
            ...(practiceSetting ? { practiceSetting } : {}),
            ...(related.length > 0 ? { related } : {}),
          },
        }
      : {}),
  };
  const entries: MappedResource[] = [
    {
      resource: documentReference,
      index: {
        resourceType: 'DocumentReference',
        id,
        patientId: src.patientId,
        category,
        ...(date ? { date } : {}),
        ...(type.coding?.[0]?.code ? { code: type.coding[0].code } : {}),
      },
    },
  ];
  const withTypes = binaries.map((b) => ({ ...b, contentType: contentTypeOf(b.file) }));
  for (const b of withTypes) {
    const binary: Binary = {
      resourceType: 'Binary',
      id: b.binaryId,
      meta: { source },
      contentType: b.contentType,
    };
    entries.push({
      resource: binary,
      index: {
        resourceType: 'Binary',
        id: b.binaryId,
        patientId: src.patientId,
        category,
        ...(date ? { date } : {}),
      },
    });
  }
  return { entries, files: withTypes };
}

function documentType(t: ExtendedDocumentSource['dataType'], facility: Facility): CodeableConcept {
  const codings: NonNullable<CodeableConcept['coding']> = [];
  if (t.standardCode) {
    const c = concept(
      { code: t.standardCode, text: t.standardName, system: t.standardSystem },
      facility.institutionCode,
    );
    codings.push(...(c?.coding ?? []));
  }
  if (t.localCode) {
    const c = concept(
      { code: t.localCode, text: t.localName, system: t.localSystem || '99ZZZ' },
      facility.institutionCode,
    );
    codings.push(...(c?.coding ?? []));
  }
  const text = t.localName || t.standardName || t.folder;
  return codings.length > 0 ? { coding: codings, text } : { text };
}

/**
 * What the document is about, as references by identifier: a Study Instance UID (a service event's
 * id given as a root alone, an OID) as `urn:dicom:uid` the way ImagingStudy.identifier writes it;
 * an accession or order number under its assigning authority's OID.
 */
function relatedOf(header: CdaHeader | null | undefined): Reference[] {
  if (!header) return [];
  const seen = new Set<string>();
  const out: Reference[] = [];
  const add = (id: CdaId, kind: 'order' | 'event') => {
    const identifier =
      id.extension === undefined
        ? kind === 'event' && /^[0-2](\.(0|[1-9]\d*))+$/.test(id.root)
          ? { system: 'urn:dicom:uid', value: `urn:oid:${id.root}` }
          : { system: 'urn:ietf:rfc:3986', value: `urn:oid:${id.root}` }
        : { system: `urn:oid:${id.root}`, value: id.extension };
    const key = `${identifier.system}|${identifier.value}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ identifier });
  };
  for (const id of header.orders) add(id, 'order');
  for (const id of header.serviceEvents) add(id, 'event');
  return out;
}
