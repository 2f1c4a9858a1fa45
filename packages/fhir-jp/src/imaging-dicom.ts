// A DICOM study the hospital's PACS or export folder holds → ImagingStudy with its series and
// instances (JP Core ImagingStudy Radiology / Endoscopy), so the record lists what images exist and
// the viewer knows what to ask the gateway's DICOMweb for. The HL7 order (OMG-11, fhir-jp imaging.ts)
// already gives an ImagingStudy of the same Study Instance UID: the two share that identifier and the
// viewer merges them; this one carries the series, the instance count and the endpoint.
import type { ImagingStudy } from '@medplum/fhirtypes';
import { SYSTEMS } from './codes.js';
import { toFhirDateTime } from './datetime.js';
import { fit, patientResourceId } from './ids.js';
import type { Category, MappedResource } from './types.js';

const JP = 'http://jpfhir.jp/fhir/core/StructureDefinition/';

/** The header facts of one study, as the gateway indexed them from its instances (plain data). */
export interface DicomStudySource {
  /** The facility's patient id (DICOM PatientID, matched to a patient of this gateway). */
  patientId: string;
  studyInstanceUid: string;
  accessionNumber: string | null;
  /** DICOM DA (`YYYYMMDD`) and TM (`HHMMSS.frac`). */
  studyDate: string | null;
  studyTime: string | null;
  studyDescription: string | null;
  series: readonly {
    seriesInstanceUid: string;
    seriesNumber: number | null;
    modality: string;
    seriesDescription: string | null;
    bodyPartExamined: string | null;
    instances: readonly { sopInstanceUid: string; sopClassUid: string; instanceNumber: number | null }[];
  }[];
}

/** Modalities of the endoscopy category (VL endoscopic images, secondary captures of a scope). */
const ENDOSCOPY_MODALITIES = new Set(['ES']);

/** The study's disclosure category: endoscopy for a scope's images, else radiology. */
export function dicomStudyCategory(source: Pick<DicomStudySource, 'series'>): Category {
  return source.series.length > 0 && source.series.every((s) => ENDOSCOPY_MODALITIES.has(s.modality))
    ? 'endoscopy'
    : 'radiology';
}

/** `<PID>.DCM.<hash of the Study Instance UID>`: stable, ≤ 64 characters, never an HL7-derived id. */
export function dicomStudyId(patientId: string, studyInstanceUid: string): string {
  return fit(`${patientResourceId(patientId).replace(/\.ADT-00$/, '')}.DCM.${studyInstanceUid}`);
}

/** DICOM DA + TM → FHIR dateTime (Japan time when the header names no zone). */
function started(date: string | null, time: string | null): string | undefined {
  if (!date || !/^\d{8}$/.test(date)) return undefined;
  const hhmmss = (time ?? '').replace(/[^\d.]/g, '').slice(0, 6);
  return toFhirDateTime(`${date}${/^\d{4,6}$/.test(hhmmss) ? hhmmss : ''}`) ?? undefined;
}

export function mapDicomStudy(source: DicomStudySource, sourceUri: string): MappedResource {
  const category = dicomStudyCategory(source);
  const id = dicomStudyId(source.patientId, source.studyInstanceUid);
  const modalities = [...new Set(source.series.map((s) => s.modality))];
  const instances = source.series.reduce((n, s) => n + s.instances.length, 0);
  const when = started(source.studyDate, source.studyTime);
  const study: ImagingStudy & { id: string } = {
    resourceType: 'ImagingStudy',
    id,
    meta: {
      profile: [
        `${JP}${category === 'endoscopy' ? 'JP_ImagingStudy_Endoscopy' : 'JP_ImagingStudy_Radiology'}`,
      ],
      source: sourceUri,
    },
    identifier: [
      { system: 'urn:dicom:uid', value: `urn:oid:${source.studyInstanceUid}` },
      ...(source.accessionNumber
        ? [
            {
              type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'ACSN' }] },
              value: source.accessionNumber,
            },
          ]
        : []),
    ],
    status: 'available',
    modality: modalities.map((code) => ({ system: SYSTEMS.dicomModality, code })),
    subject: { reference: `Patient/${patientResourceId(source.patientId)}` },
    ...(when ? { started: when } : {}),
    numberOfSeries: source.series.length,
    numberOfInstances: instances,
    ...(source.studyDescription ? { description: source.studyDescription } : {}),
    series: [...source.series]
      .sort((a, b) => (a.seriesNumber ?? 0) - (b.seriesNumber ?? 0))
      .map((s) => ({
        uid: s.seriesInstanceUid,
        ...(s.seriesNumber !== null ? { number: s.seriesNumber } : {}),
        modality: { system: SYSTEMS.dicomModality, code: s.modality },
        ...(s.seriesDescription ? { description: s.seriesDescription } : {}),
        numberOfInstances: s.instances.length,
        // DICOM Body Part Examined (CHEST, ABDOMEN): a defined term, not a code of a known system here.
        ...(s.bodyPartExamined ? { bodySite: { display: s.bodyPartExamined } } : {}),
        instance: [...s.instances]
          .sort((a, b) => (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0))
          .map((i) => ({
            uid: i.sopInstanceUid,
            sopClass: { system: 'urn:ietf:rfc:3986', code: `urn:oid:${i.sopClassUid}` },
            ...(i.instanceNumber !== null ? { number: i.instanceNumber } : {}),
          })),
      })),
  };
  return {
    resource: study,
    index: {
      resourceType: 'ImagingStudy',
      id,
      patientId: source.patientId,
      category,
      ...(when ? { date: when } : {}),
      code: source.studyInstanceUid,
      codeSystem: 'urn:dicom:uid',
    },
  };
}
