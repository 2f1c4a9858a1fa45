// @hie/ssmix2: SS-MIX2 standardized and extended storage. This file is the package's whole public face.

export { checkFile, type FileCheck, type FileToCheck } from './check/check-file.js';
export { checkFolderKeys } from './check/check-keys.js';
export {
  type FileStatus,
  type Finding,
  type FindingCode,
  type Severity,
  statusOf,
} from './check/findings.js';
export * from './generate/index.js';
export {
  type ConditionFlag,
  type FileNameFailureReason,
  type FileNameResult,
  formatFileName,
  isCalendarDate,
  MAX_ORDER_NO_LENGTH,
  MAX_PATIENT_ID_LENGTH,
  NO_ORDER_NUMBER,
  type ParseFileNameOptions,
  parseFileName,
  type Ssmix2FileName,
  storageKey,
  timestampKey,
} from './names/file-name.js';
export {
  checkPathConsistency,
  keyFolders,
  type PathMismatch,
  type PathMismatchCode,
  patientFolders,
  standardizedPath,
  standardizedRelPath,
} from './names/path.js';
export {
  CheckpointError,
  type CheckpointFolder,
  type CheckpointHeader,
  CheckpointReader,
  CheckpointWriter,
} from './scan/checkpoint.js';
export {
  type ChangeKind,
  type ChangeScanOptions,
  type StorageChange,
  scanChanges,
} from './scan/incremental.js';
export {
  type MovedFile,
  type ScanItem,
  type ScannedFile,
  type ScanOptions,
  type ScanProblem,
  scanStorage,
} from './scan/scanner.js';
export {
  listTransactionLogs,
  parseTransactionLog,
  readTransactionLogs,
  type TransactionLogPosition,
  type TransactionLogProblem,
  type TransactionLogRead,
  type TransactionRecord,
} from './scan/transaction-log.js';
export { type StorageWatch, type WatchOptions, watchStorage } from './scan/watch.js';
export {
  groupByKey,
  type KeyAnomaly,
  type KeyAnomalyCode,
  type KeyResolution,
  type KeyState,
  resolveKey,
} from './storage/condition.js';
export {
  type ExtendedContent,
  type ExtendedContentKey,
  type ExtendedDataType,
  type ExtendedProblem,
  extendedContentPath,
  formatExtendedDataType,
  listExtendedStorage,
  type MainDocumentKind,
  mainDocument,
  parseExtendedDataType,
} from './storage/extended.js';
export {
  compareWalkOrder,
  type WalkedFile,
  type WalkItem,
  type WalkOptions,
  type WalkProblem,
  type WalkSubtree,
  walkStorage,
  walkSubtree,
} from './storage/walk.js';
export {
  type StorageEntry,
  StorageEntryError,
  StorageWriter,
  type StorageWriterOptions,
} from './storage/writer.js';
export {
  type CareDateValue,
  careDateOf,
  careDateValues,
  type FieldSource,
  type SegmentSource,
} from './types/care-date.js';
export {
  CARE_DATE_FIELDS,
  DATA_TYPES,
  type DataTypeInfo,
  type DataTypeMessage,
  dataTypeInfo,
  WHOLE_RECORD_TYPES,
} from './types/data-types.js';
export { KNOWN_SEGMENTS, REQUIRED_FIELDS, requiredFields } from './types/required-fields.js';
export {
  checkSegmentOrder,
  collapsedSegmentNames,
  SEGMENT_ORDER,
  type SegmentOrderResult,
} from './types/segment-order.js';
export {
  type StatusCounts,
  type ValidateOptions,
  type ValidationReport,
  type ValidationSummary,
  validateStorage,
} from './validate/validate.js';
