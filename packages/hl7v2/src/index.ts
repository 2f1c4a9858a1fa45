// @hie/hl7v2: HL7 v2.x codec with JAHIS conventions. This file is the package's whole public face.

export { type AckCode, type AckOptions, buildAck, hl7Now } from './ack.js';
export {
  type EncodeOptions,
  encodeField,
  encodeHl7Message,
  type Hl7ComponentValue,
  type Hl7FieldValue,
  type Hl7RepetitionValue,
  type Hl7SegmentValue,
  readSegmentValue,
} from './build.js';
export {
  charsetFromDeclaration,
  encodeHl7Text,
  normalizeJisVariants,
} from './charset.js';
export { unencodableCharacters } from './encode-text.js';
export type { Charset, Hl7Error, Hl7ErrorCode, Hl7Warning } from './errors.js';
export { formatHl7Error } from './errors.js';
export { DEFAULT_DELIMITERS, type Delimiters, decodeEscapes, escapeHl7, escapeValue } from './escape.js';
export { type Framing, Hl7Message, type Hl7Segment } from './message.js';
export {
  createMllpDecoder,
  frameMllp,
  MLLP_END,
  MLLP_START,
  MllpDeframer,
  type MllpEvent,
  type MllpOptions,
  readMllp,
} from './mllp.js';
export {
  certificateFingerprint,
  type MllpLog,
  type MllpPeer,
  type MllpServer,
  type MllpServerOptions,
  type MllpSink,
  type MllpTlsOptions,
  normaliseFingerprint,
  peerFingerprint,
  startMllpServer,
} from './mllp-server.js';
export { type ParseOptions, type ParseResult, parseHl7 } from './parse.js';
export { formatHl7Path, type Hl7Path, type PathResult, parseHl7Path } from './path.js';
export * from './segments/datatypes.js';
export { type FieldInfo, fieldInfo, segmentFields } from './segments/fields.js';
export {
  type PatientRecord,
  readMsh,
  readPid,
  readSegment,
  readSegments,
  SEGMENT_SPECS,
  type SegmentName,
  type SegmentRecord,
} from './segments/readers.js';
