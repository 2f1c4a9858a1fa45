import { withCategoryTag } from '@hie/contract';
import { describe, expect, it } from 'vitest';
import type { SourcedResource } from '../api/types';
import { documentGroups, fileRole } from './documents';

const OUH = { facilityOid: '1.2.392.200284.1.1.3310210012', facilityName: '岡山大学病院' };
const KCH = { facilityOid: '1.2.392.200284.1.1.3310410018', facilityName: '倉敷中央病院' };

let seq = 0;
/** A DocumentReference in the shape fhir-jp writes it (document.ts), tagged by the gateway. */
function doc(
  at: typeof OUH,
  category: string,
  typeText: string,
  day: string,
  files: [string, string][] = [
    ['main_document.xml', 'text/xml'],
    ['document.pdf', 'application/pdf'],
  ],
  status = 'current',
): SourcedResource {
  const id = `D${++seq}`;
  return {
    ...at,
    localId: '0001',
    date: `${day}T10:00:00+09:00`,
    resource: withCategoryTag(
      {
        resourceType: 'DocumentReference',
        id,
        status,
        type: { text: typeText },
        description: typeText,
        date: `${day}T10:00:00+09:00`,
        context: { period: { start: day }, practiceSetting: { text: '内科' } },
        content: files.map(([title, contentType], i) => ({
          attachment: { title, contentType, url: `Binary/${id}.b${i}` },
        })),
      },
      category,
    ),
  };
}

describe('documentGroups', () => {
  it('groups by kind in the contract order, the catch-all last, newest first, across facilities', () => {
    const groups = documentGroups([
      doc(OUH, 'document-referral', '診療情報提供書', '2024-05-01'),
      doc(OUH, 'document', '同意書', '2025-01-01'),
      doc(KCH, 'document-discharge-summary', '退院時サマリー', '2023-03-10'),
      doc(OUH, 'document-discharge-summary', '退院時サマリ', '2024-12-24'),
      doc(OUH, 'document-radiology-report', '読影レポート', '2024-12-20'),
      doc(OUH, 'document-radiology-report', '読影レポート', '2024-12-20', undefined, 'entered-in-error'),
    ]);
    expect(groups.map((g) => g.kind)).toEqual([
      'document-discharge-summary',
      'document-radiology-report',
      'document-referral',
      'document',
    ]);
    const summaries = groups[0]!.rows;
    expect(summaries.map((r) => [r.date, r.facilityName, r.typeText])).toEqual([
      ['2024-12-24', '岡山大学病院', '退院時サマリ'],
      ['2023-03-10', '倉敷中央病院', '退院時サマリー'],
    ]);
    expect(summaries[0]?.department).toBe('内科');
    // A deleted document is not listed.
    expect(groups[1]!.rows).toHaveLength(1);
  });

  it('offers the CDA text first, then the PDF and attached images, each by role and never by file name', () => {
    const [group] = documentGroups([
      doc(OUH, 'document-radiology-report', '読影レポート', '2024-12-20', [
        ['schema.png', 'image/png'],
        ['document.pdf', 'application/pdf'],
        ['main_document.xml', 'text/xml'],
        ['raw.dcm', 'application/dicom'],
      ]),
    ]);
    expect(group!.rows[0]!.files.map((f) => f.role)).toEqual(['cda', 'pdf', 'image', 'other']);
    expect(group!.rows[0]!.files[0]).toMatchObject({ binaryId: expect.stringMatching(/\.b2$/) });
  });

  it('puts a document of no known kind, or untagged, in その他文書', () => {
    const untagged = doc(OUH, 'document', '文書', '2024-01-01');
    untagged.resource = { ...untagged.resource, meta: {} };
    const groups = documentGroups([untagged, doc(OUH, 'lab-result', '??', '2024-01-02')]);
    expect(groups.map((g) => [g.kind, g.rows.length])).toEqual([['document', 2]]);
  });
});

describe('fileRole', () => {
  it('knows CDA by type or name, PDF, the images a browser shows, and the rest', () => {
    expect(fileRole('text/xml', 'x')).toBe('cda');
    expect(fileRole('application/cda+xml; charset=UTF-8', 'x')).toBe('cda');
    expect(fileRole('application/octet-stream', 'CDA.XML')).toBe('cda');
    expect(fileRole('application/pdf', 'a.pdf')).toBe('pdf');
    expect(fileRole('image/jpeg', 'a.jpg')).toBe('image');
    expect(fileRole('image/tiff', 'a.tif')).toBe('other');
  });
});
