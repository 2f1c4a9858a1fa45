// The shapes this package hands out: an indexed instance, the result of reading one, and its errors.

/** One attribute in the DICOM JSON model (PS3.18 F.2). `InlineBinary` only for small binary values. */
export interface DicomJsonAttribute {
  vr: string;
  Value?: unknown[];
  BulkDataURI?: string;
  InlineBinary?: string;
}

/** A data set in the DICOM JSON model, keyed by the upper-case tag `GGGGEEEE`. */
export type DicomJson = Record<string, DicomJsonAttribute>;

/** One DICOM instance's header as the gateway indexes it (never the pixel data). */
export interface DicomInstance {
  sopClassUid: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  transferSyntaxUid: string;
  patientId: string;
  issuerOfPatientId: string | null;
  /** As sent, groups joined by `=` (`ヤマダ^タロウ=山田^太郎`), decoded by Specific Character Set. */
  patientName: string | null;
  patientBirthDate: string | null;
  patientSex: string | null;
  accessionNumber: string | null;
  studyDate: string | null;
  studyTime: string | null;
  studyDescription: string | null;
  /** `OT` (other) when the file does not say. */
  modality: string;
  seriesNumber: number | null;
  seriesDescription: string | null;
  bodyPartExamined: string | null;
  instanceNumber: number | null;
  rows: number | null;
  columns: number | null;
  /** 1 unless Number of Frames (0028,0008) says more. */
  numberOfFrames: number;
  bitsAllocated: number | null;
  bitsStored: number | null;
  pixelRepresentation: number | null;
  samplesPerPixel: number | null;
  photometricInterpretation: string | null;
  /** The first of the values (the default VOI window). */
  windowCenter: number | null;
  windowWidth: number | null;
  rescaleSlope: number | null;
  rescaleIntercept: number | null;
  pixelSpacing: [number, number] | null;
  sliceThickness: number | null;
  imagePositionPatient: [number, number, number] | null;
  /** Byte offset and length of the Pixel Data value in the file (native, uncompressed only), else null. */
  pixelData: { offset: number; length: number } | null;
  /** Every attribute but Pixel Data (and the File Meta group 0002) in the DICOM JSON model, for WADO-RS metadata. */
  json: DicomJson;
}

/** Stable machine-readable reasons an instance cannot be read or its pixels served. */
export type DicomProblemCode =
  /** No `DICM` after the 128-byte preamble, or File Meta Information that cannot be read. */
  | 'not-dicom'
  /** The file ends inside the header or inside the Pixel Data it declares (or the header exceeds the read limit). */
  | 'truncated'
  /** A transfer syntax we cannot parse (private), or pixels we cannot serve (compressed, deflated). */
  | 'unsupported-transfer-syntax'
  /** SOP Class/Instance, Study or Series Instance UID absent or empty. */
  | 'missing-uid'
  /** Patient ID (0010,0020) absent or empty: the gateway cannot attach the image to anyone. */
  | 'missing-patient-id'
  /** Pixel Data that does not fit the image description (too short, undefined length in a native syntax, odd sizes). */
  | 'bad-pixel-data';

export type ReadResult =
  | { ok: true; instance: DicomInstance }
  | { ok: false; code: DicomProblemCode; message: string };

/** Codes of `DicomError`: the read codes, and a frame number the instance does not have. */
export type DicomErrorCode = DicomProblemCode | 'frame-out-of-range';

/** Thrown (rejected) by `readFrame` and `renderPng`, which return bytes rather than results. */
export class DicomError extends Error {
  override readonly name = 'DicomError';
  constructor(
    readonly code: DicomErrorCode,
    message: string,
  ) {
    super(message);
  }
}
