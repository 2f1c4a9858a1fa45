import { describe, expect, it } from 'vitest';
import { ID_PATTERN } from './ids.js';
import { dicomStudyCategory, dicomStudyId, mapDicomStudy } from './imaging-dicom.js';
import { assertValid } from './testing/fhir-schema.js';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const study = {
  patientId: '0003314961',
  studyInstanceUid: '2.25.159862309874246154769041889057723715409',
  accessionNumber: 'A202610130009100',
  studyDate: '20261013',
  studyTime: '093015.123',
  studyDescription: '胸部CT',
  series: [
    {
      seriesInstanceUid: '2.25.2',
      seriesNumber: 2,
      modality: 'CT',
      seriesDescription: 'Axial 5mm',
      bodyPartExamined: 'CHEST',
      instances: [
        { sopInstanceUid: '2.25.22', sopClassUid: CT, instanceNumber: 2 },
        { sopInstanceUid: '2.25.21', sopClassUid: CT, instanceNumber: 1 },
      ],
    },
    {
      seriesInstanceUid: '2.25.1',
      seriesNumber: 1,
      modality: 'CT',
      seriesDescription: 'Scout',
      bodyPartExamined: null,
      instances: [{ sopInstanceUid: '2.25.11', sopClassUid: CT, instanceNumber: null }],
    },
  ],
};

describe('mapDicomStudy', () => {
  it('makes a valid ImagingStudy with its series and instances in order, the UID and accession as identifiers', () => {
    const { resource, index } = mapDicomStudy(study, 'urn:test');
    assertValid([resource]);
    expect(resource).toMatchObject({
      resourceType: 'ImagingStudy',
      identifier: [
        { system: 'urn:dicom:uid', value: `urn:oid:${study.studyInstanceUid}` },
        { value: 'A202610130009100' },
      ],
      subject: { reference: 'Patient/0003314961.ADT-00' },
      started: '2026-10-13T09:30:15+09:00',
      numberOfSeries: 2,
      numberOfInstances: 3,
      modality: [{ code: 'CT' }],
      series: [
        { uid: '2.25.1', number: 1, numberOfInstances: 1 },
        {
          uid: '2.25.2',
          number: 2,
          bodySite: { display: 'CHEST' },
          instance: [
            { uid: '2.25.21', number: 1, sopClass: { code: `urn:oid:${CT}` } },
            { uid: '2.25.22', number: 2 },
          ],
        },
      ],
    });
    expect(index).toMatchObject({
      category: 'radiology',
      patientId: '0003314961',
      code: study.studyInstanceUid,
    });
    expect(index.id).toMatch(ID_PATTERN);
  });

  it('puts a scope’s images in the endoscopy category, anything else in radiology', () => {
    const es = { series: [{ ...study.series[0]!, modality: 'ES' }] };
    expect(dicomStudyCategory(es)).toBe('endoscopy');
    expect(dicomStudyCategory({ series: [...es.series, study.series[1]!] })).toBe('radiology');
  });

  it('gives a stable id of at most 64 characters, never one of an HL7-derived resource', () => {
    const id = dicomStudyId('0003314961', study.studyInstanceUid);
    expect(id).toMatch(ID_PATTERN);
    expect(id).toBe(dicomStudyId('0003314961', study.studyInstanceUid));
    expect(id).toContain('.DCM.');
    expect(dicomStudyId('0003314961', '2.25.3')).not.toBe(id);
  });
});
