import { describe, expect, it } from 'vitest';
import { contentTypeOf, documentId, type ExtendedDocumentSource, mapExtendedDocument } from './document.js';
import { ID_PATTERN } from './ids.js';
import { assertValid } from './testing/fhir-schema.js';

const facility = { institutionCode: '3319800011', name: '岡山大学病院' };

// A discharge summary as a PDF with a scanned attachment, in NHO's extended-storage layout.
const summary: ExtendedDocumentSource = {
  patientId: '0003314961',
  careDate: '20240220',
  dataType: {
    folder: 'DSUM^退院時サマリ^99ZL01',
    localCode: 'DSUM',
    localName: '退院時サマリ',
    localSystem: '99ZL01',
    standardCode: '',
    standardName: '',
    standardSystem: '',
  },
  specificKey: 'S20240220-001',
  timestamp: '20240220103000123',
  department: '01',
  flag: '1',
  mainDocument: 'summary.pdf',
  attachments: ['scan-1.jpg'],
};

describe('mapExtendedDocument', () => {
  it('makes a DocumentReference that points to one Binary per file, all valid FHIR R4', () => {
    const { entries, files } = mapExtendedDocument(summary, facility);
    assertValid(entries.map((e) => e.resource));
    const [doc, pdf, jpg] = entries;
    expect(doc?.resource).toMatchObject({
      resourceType: 'DocumentReference',
      status: 'current',
      subject: { reference: 'Patient/0003314961.ADT-00' },
      date: '2024-02-20T10:30:00+09:00',
      type: { text: '退院時サマリ' },
      context: { period: { start: '2024-02-20' }, practiceSetting: { text: '内科' } },
      content: [
        {
          attachment: {
            contentType: 'application/pdf',
            title: 'summary.pdf',
            url: `Binary/${pdf?.index.id}`,
          },
        },
        { attachment: { contentType: 'image/jpeg', title: 'scan-1.jpg', url: `Binary/${jpg?.index.id}` } },
      ],
    });
    expect(doc?.index).toMatchObject({
      category: 'document-discharge-summary',
      patientId: '0003314961',
      date: '2024-02-20',
    });
    // The files share their document's kind: withholding the kind withholds the bytes.
    expect(entries.map((e) => e.index.category)).toEqual(Array(3).fill('document-discharge-summary'));
    expect(files.map((f) => f.file)).toEqual(['summary.pdf', 'scan-1.jpg']);
    for (const e of entries) expect(e.resource.id).toMatch(ID_PATTERN);
  });

  it('gives deterministic ids that differ by specific key and stay within 64 characters', () => {
    expect(documentId(summary)).toBe(documentId({ ...summary }));
    expect(documentId(summary)).not.toBe(documentId({ ...summary, specificKey: 'S20240220-002' }));
    const long = documentId({ ...summary, specificKey: 'キー'.repeat(20) });
    expect(long).toMatch(ID_PATTERN);
  });

  it('marks a deleted document entered-in-error and knows common content types', () => {
    const { entries } = mapExtendedDocument({ ...summary, flag: '0' }, facility);
    expect(entries[0]?.resource).toMatchObject({ status: 'entered-in-error' });
    expect(contentTypeOf('CDA.XML')).toBe('text/xml');
    expect(contentTypeOf('x.dcm')).toBe('application/dicom');
    expect(contentTypeOf('noext')).toBe('application/octet-stream');
  });
});
