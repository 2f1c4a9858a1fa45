import { describe, expect, it } from 'vitest';
import { readCdaHeader } from './cda-header.js';
import { mapExtendedDocument } from './document.js';
import { assertValid } from './testing/fhir-schema.js';

// A radiology report's header as DICOM PS3.20 writes it: the accession number and the placer order
// number it fulfils, the study it documents (Study Instance UID as the root alone).
const report = `<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3">
  <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
  <id root="1.2.392.200250.2.1.1.3319800011.1" extension="RADR0003314961001.1"/>
  <code code="18748-4" codeSystem="2.16.840.1.113883.6.1"/>
  <inFulfillmentOf><order>
    <id root="1.2.392.200250.2.1.1.3319800011.4" extension="A20240220001"/>
    <id root="1.2.392.200250.2.1.1.3319800011.5" extension="000000120000100"/>
  </order></inFulfillmentOf>
  <documentationOf><serviceEvent classCode="ACT">
    <id root="1.2.392.200036.9116.2.6.1.48.1214245415.1708409400.123456"/>
    <id nullFlavor="UNK"/>
  </serviceEvent></documentationOf>
  <component><structuredBody><component><section><title>所見</title>
    <text>inFulfillmentOf in the body is not the header's</text>
  </section></component></structuredBody></component>
</ClinicalDocument>`;

const source = {
  patientId: '0003314961',
  careDate: '20240220',
  dataType: {
    folder: 'RADR^読影レポート^99ZL01^18748-4^Diagnostic imaging study^LN',
    localCode: 'RADR',
    localName: '読影レポート',
    localSystem: '99ZL01',
    standardCode: '18748-4',
    standardName: 'Diagnostic imaging study',
    standardSystem: 'LN',
  },
  specificKey: 'RADR0003314961001',
  timestamp: '20240220153000123',
  department: '01',
  flag: '1' as const,
  mainDocument: 'main_document.xml',
  attachments: [],
};

describe('readCdaHeader', () => {
  it('reads the orders a document fulfils and the study it documents, from the header only', () => {
    expect(readCdaHeader(report)).toEqual({
      orders: [
        { root: '1.2.392.200250.2.1.1.3319800011.4', extension: 'A20240220001' },
        { root: '1.2.392.200250.2.1.1.3319800011.5', extension: '000000120000100' },
      ],
      serviceEvents: [
        { root: '1.2.392.200036.9116.2.6.1.48.1214245415.1708409400.123456', extension: undefined },
      ],
    });
  });

  it('refuses what is not a CDA document, and never reads a DOCTYPE (no entity is fetched)', () => {
    expect(readCdaHeader('%PDF-1.7')).toBeNull();
    expect(readCdaHeader('<html><body/></html>')).toBeNull();
    expect(readCdaHeader('<ClinicalDocument/>')).toBeNull(); // not in the HL7 v3 namespace
    const xxe = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${report.replace('<?xml version="1.0" encoding="UTF-8"?>', '')}`;
    expect(readCdaHeader(xxe)).toBeNull();
    expect(readCdaHeader('<ClinicalDocument xmlns="urn:hl7-org:v3"><inFulfillmentOf>')).toBeNull(); // cut short
  });

  it('a document with no such header elements names nothing', () => {
    expect(
      readCdaHeader('<ClinicalDocument xmlns="urn:hl7-org:v3"><title>t</title></ClinicalDocument>'),
    ).toEqual({
      orders: [],
      serviceEvents: [],
    });
  });
});

describe('DocumentReference.context.related from the CDA header', () => {
  it('names the study by its UID as ImagingStudy.identifier does, and each order under its OID', () => {
    const { entries } = mapExtendedDocument(
      { ...source, header: readCdaHeader(report) },
      {
        institutionCode: '3319800011',
        name: '岡山大学病院',
      },
    );
    assertValid(entries.map((e) => e.resource));
    expect(entries[0]?.resource).toMatchObject({
      context: {
        related: [
          { identifier: { system: 'urn:oid:1.2.392.200250.2.1.1.3319800011.4', value: 'A20240220001' } },
          { identifier: { system: 'urn:oid:1.2.392.200250.2.1.1.3319800011.5', value: '000000120000100' } },
          {
            identifier: {
              system: 'urn:dicom:uid',
              value: 'urn:oid:1.2.392.200036.9116.2.6.1.48.1214245415.1708409400.123456',
            },
          },
        ],
      },
    });
  });

  it('without a header the context has no related', () => {
    const { entries } = mapExtendedDocument(source, { institutionCode: '3319800011', name: '岡山大学病院' });
    const doc = entries[0]?.resource as { context?: { related?: unknown } } | undefined;
    expect(doc?.context).toBeDefined();
    expect(doc?.context?.related).toBeUndefined();
  });
});
