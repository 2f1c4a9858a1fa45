// @hie/dicom: read, serve and write DICOM Part 10. This file is the package's whole public face.

export {
  DicomError,
  type DicomErrorCode,
  type DicomInstance,
  type DicomJson,
  type DicomJsonAttribute,
  type DicomProblemCode,
  type ReadResult,
} from './model.js';
export { readFrame } from './pixels/frame.js';
export { type RenderOptions, renderPng } from './pixels/render.js';
export { FIRST_READ_BYTES, readDicomFile } from './read/file.js';
export { readDicomJson } from './read/json-instance.js';
export { MAX_HEADER_BYTES, readDicomInstance } from './read/parse.js';
export { type SyntheticCrOptions, syntheticCrChest } from './synthetic/cr.js';
export { type CtRegion, type SyntheticCtOptions, syntheticCt } from './synthetic/ct.js';
export { syntheticEndoscopy } from './synthetic/endoscopy.js';
export type { SyntheticStudy } from './synthetic/study.js';
export { syntheticUs } from './synthetic/us.js';
export {
  DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
  EXPLICIT_VR_BIG_ENDIAN,
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLICIT_VR_LITTLE_ENDIAN,
  transferSyntaxInfo,
} from './transfer-syntax.js';
export { deterministicUid } from './uid.js';
export { writeDicom } from './write/write.js';
