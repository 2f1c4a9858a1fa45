// What every synthetic instance shares: patient, study, series, equipment, and deterministic UIDs.
import { deterministicUid } from '../uid.js';

/** Synthetic but valid studies for tests, the demo and benches. */
export interface SyntheticStudy {
  patientId: string;
  issuerOfPatientId?: string;
  /**
   * As DICOM writes it: `Yamada^Taro=山田^太郎=やまだ^たろう` (alphabetic, ideographic, phonetic groups). A
   * single group with non-ASCII text (`山田^太郎`) is written as the ideographic group (`=山田^太郎`).
   */
  patientName: string;
  /** YYYYMMDD */
  patientBirthDate: string;
  patientSex: 'M' | 'F' | 'O';
  studyInstanceUid: string;
  accessionNumber: string;
  /** YYYYMMDD */
  studyDate: string;
  /** HHMMSS */
  studyTime: string;
  studyDescription: string;
  referringPhysician?: string;
  institutionName?: string;
}

/** One series of a synthetic study: the UIDs of its instances follow from (study, kind, seed, number). */
export interface SeriesPlan {
  kind: string;
  seed: number;
  seriesNumber: number;
  modality: string;
  sopClassUid: string;
  seriesDescription: string;
  bodyPartExamined: string;
  manufacturerModelName: string;
}

/** The Patient's Name as written: ideographic-only when the name is a single non-ASCII group. */
export function patientNameValue(name: string): string {
  return !name.includes('=') && /[^\x00-\x7f]/.test(name) ? `=${name}` : name;
}

/** Age at the study, `nnnY` (Patient's Age, AS), or undefined when a date does not parse. */
export function patientAge(birthDate: string, studyDate: string): string | undefined {
  const b = /^(\d{4})(\d{2})(\d{2})$/.exec(birthDate);
  const s = /^(\d{4})(\d{2})(\d{2})$/.exec(studyDate);
  if (!b || !s) return undefined;
  const [by, bm, bd] = b.slice(1).map(Number) as [number, number, number];
  const [sy, sm, sd] = s.slice(1).map(Number) as [number, number, number];
  const age = sy - by - (sm < bm || (sm === bm && sd < bd) ? 1 : 0);
  return age >= 0 && age < 1000 ? `${String(age).padStart(3, '0')}Y` : undefined;
}

export const seriesUid = (study: SyntheticStudy, plan: SeriesPlan) =>
  deterministicUid(study.studyInstanceUid, plan.kind, plan.seed, 'series', plan.seriesNumber);

export const instanceUid = (study: SyntheticStudy, plan: SeriesPlan, instanceNumber: number) =>
  deterministicUid(
    study.studyInstanceUid,
    plan.kind,
    plan.seed,
    'instance',
    plan.seriesNumber,
    instanceNumber,
  );

/** Patient, General Study, General Series, General Equipment, General Image and SOP Common attributes. */
export function commonAttributes(
  study: SyntheticStudy,
  plan: SeriesPlan,
  instanceNumber: number,
): Record<string, unknown> {
  const age = patientAge(study.patientBirthDate, study.studyDate);
  return {
    SpecificCharacterSet: 'ISO_IR 192',
    ImageType: ['ORIGINAL', 'PRIMARY'],
    InstanceCreationDate: study.studyDate,
    InstanceCreationTime: study.studyTime,
    SOPClassUID: plan.sopClassUid,
    SOPInstanceUID: instanceUid(study, plan, instanceNumber),
    StudyDate: study.studyDate,
    SeriesDate: study.studyDate,
    ContentDate: study.studyDate,
    StudyTime: study.studyTime,
    SeriesTime: study.studyTime,
    ContentTime: study.studyTime,
    AccessionNumber: study.accessionNumber,
    Modality: plan.modality,
    Manufacturer: 'HIE synthetic',
    InstitutionName: study.institutionName ?? '',
    ReferringPhysicianName: study.referringPhysician ?? '',
    StudyDescription: study.studyDescription,
    SeriesDescription: plan.seriesDescription,
    ManufacturerModelName: plan.manufacturerModelName,
    // Marks the data as made up (PS3.3 C.12.1): no viewer should ever mistake it for a patient's.
    SyntheticData: 'YES',
    PatientName: patientNameValue(study.patientName),
    PatientID: study.patientId,
    ...(study.issuerOfPatientId ? { IssuerOfPatientID: study.issuerOfPatientId } : {}),
    PatientBirthDate: study.patientBirthDate,
    PatientSex: study.patientSex,
    ...(age ? { PatientAge: age } : {}),
    BodyPartExamined: plan.bodyPartExamined,
    DeviceSerialNumber: 'SYNTH-0001',
    SoftwareVersions: '@hie/dicom 0.1.0',
    StudyInstanceUID: study.studyInstanceUid,
    SeriesInstanceUID: seriesUid(study, plan),
    StudyID: '1',
    SeriesNumber: plan.seriesNumber,
    InstanceNumber: instanceNumber,
    BurnedInAnnotation: 'NO',
    LossyImageCompression: '00',
  };
}

/** Image Pixel attributes of a greyscale image. */
export function greyPixelAttributes(
  rows: number,
  columns: number,
  bits: 8 | 16,
  stored: number,
  signed: boolean,
) {
  return {
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: rows,
    Columns: columns,
    BitsAllocated: bits,
    BitsStored: stored,
    HighBit: stored - 1,
    PixelRepresentation: signed ? 1 : 0,
  };
}
