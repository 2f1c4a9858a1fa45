// The indexed fields of an instance, taken from its DICOM JSON.
import type { DicomInstance, DicomJson } from '../model.js';

type Fields = Omit<DicomInstance, 'transferSyntaxUid' | 'pixelData' | 'json'>;

const values = (json: DicomJson, tag: string): unknown[] => json[tag]?.Value ?? [];

function text(json: DicomJson, tag: string): string | null {
  const v = values(json, tag)[0];
  return typeof v === 'string' && v !== '' ? v : null;
}

function num(json: DicomJson, tag: string): number | null {
  const v = values(json, tag)[0];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function vector(json: DicomJson, tag: string, n: number): number[] | null {
  const v = values(json, tag).slice(0, n);
  return v.length === n && v.every((x) => typeof x === 'number' && Number.isFinite(x))
    ? (v as number[])
    : null;
}

/** A PN value as sent: its groups joined by `=`, trailing empty groups left off. */
export function personNameText(json: DicomJson, tag: string): string | null {
  const v = values(json, tag)[0];
  if (!v || typeof v !== 'object') return null;
  const groups = v as Record<string, unknown>;
  const parts = ['Alphabetic', 'Ideographic', 'Phonetic'].map((g) =>
    typeof groups[g] === 'string' ? (groups[g] as string) : '',
  );
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.length > 0 ? parts.join('=') : null;
}

export function instanceFields(json: DicomJson): Fields {
  const spacing = vector(json, '00280030', 2);
  const position = vector(json, '00200032', 3);
  const frames = num(json, '00280008');
  return {
    sopClassUid: text(json, '00080016') ?? '',
    sopInstanceUid: text(json, '00080018') ?? '',
    studyInstanceUid: text(json, '0020000D') ?? '',
    seriesInstanceUid: text(json, '0020000E') ?? '',
    patientId: text(json, '00100020') ?? '',
    issuerOfPatientId: text(json, '00100021'),
    patientName: personNameText(json, '00100010'),
    patientBirthDate: text(json, '00100030'),
    patientSex: text(json, '00100040'),
    accessionNumber: text(json, '00080050'),
    studyDate: text(json, '00080020'),
    studyTime: text(json, '00080030'),
    studyDescription: text(json, '00081030'),
    modality: text(json, '00080060') ?? 'OT',
    seriesNumber: num(json, '00200011'),
    seriesDescription: text(json, '0008103E'),
    bodyPartExamined: text(json, '00180015'),
    instanceNumber: num(json, '00200013'),
    rows: num(json, '00280010'),
    columns: num(json, '00280011'),
    numberOfFrames: frames !== null && frames >= 1 ? frames : 1,
    bitsAllocated: num(json, '00280100'),
    bitsStored: num(json, '00280101'),
    pixelRepresentation: num(json, '00280103'),
    samplesPerPixel: num(json, '00280002'),
    photometricInterpretation: text(json, '00280004'),
    windowCenter: num(json, '00281050'),
    windowWidth: num(json, '00281051'),
    rescaleSlope: num(json, '00281053'),
    rescaleIntercept: num(json, '00281052'),
    pixelSpacing: spacing ? [spacing[0] as number, spacing[1] as number] : null,
    sliceThickness: num(json, '00180050'),
    imagePositionPatient: position
      ? [position[0] as number, position[1] as number, position[2] as number]
      : null,
  };
}

/** Which of the identifying attributes are missing, in words for the error message. */
export function missingUids(f: Fields): string[] {
  const missing: string[] = [];
  if (!f.sopClassUid) missing.push('SOP Class UID (0008,0016)');
  if (!f.sopInstanceUid) missing.push('SOP Instance UID (0008,0018)');
  if (!f.studyInstanceUid) missing.push('Study Instance UID (0020,000D)');
  if (!f.seriesInstanceUid) missing.push('Series Instance UID (0020,000E)');
  return missing;
}
