/** What a storage check can find. Codes are stable; messages are for people. */
export type FindingCode =
  // names and layout
  | 'NAME_INVALID'
  | 'PATH_DEPTH'
  | 'PATH_PATIENT'
  | 'PATH_CARE_DATE'
  | 'PATH_DATA_TYPE'
  | 'UNKNOWN_DATA_TYPE'
  | 'DIR_UNREADABLE'
  // reading and encoding
  | 'FILE_MOVED'
  | 'READ_FAILED'
  | 'EMPTY_FILE'
  | 'ENCODING_INVALID'
  | 'ENCODING_NOT_ISO2022JP'
  | 'SEGMENT_SEPARATOR'
  // HL7 structure
  | 'HL7_PARSE'
  | 'HL7_WARNING'
  | 'MULTIPLE_MESSAGES'
  | 'SEGMENT_ORDER'
  | 'REQUIRED_FIELD_MISSING'
  // content against the file's place in the storage
  | 'MESSAGE_TYPE_MISMATCH'
  | 'MESSAGE_STRUCTURE_MISMATCH'
  | 'CARE_DATE_MISMATCH'
  | 'CARE_DATE_MISSING'
  | 'PATIENT_ID_MISMATCH'
  | 'ORDER_NO_MISMATCH'
  | 'NAME_REPRESENTATION'
  // several files of one key or patient
  | 'HALF_DONE_UPDATE'
  | 'STALE_CURRENT'
  | 'TIMESTAMP_TIE'
  | 'MULTIPLE_CURRENT_RECORDS';

export type Severity = 'error' | 'warning';

export interface Finding {
  severity: Severity;
  code: FindingCode;
  message: string;
  /** Path relative to the storage root (with `/`), or the folder for folder-level findings. */
  file: string;
  /** 1-based line of the message (segment separators end lines). */
  line?: number;
  segment?: string;
  /** 1-based segment position in the message. */
  segmentIndex?: number;
  /** HL7 field, e.g. `PID-3`. */
  field?: string;
  /** Sub-reason, e.g. the file-name failure (`TIMESTAMP`) or the HL7 error code (`NO_MSH`). */
  reason?: string;
}

export type FileStatus = 'ok' | 'warning' | 'error';

export function statusOf(findings: readonly Finding[]): FileStatus {
  let status: FileStatus = 'ok';
  for (const f of findings) {
    if (f.severity === 'error') return 'error';
    status = 'warning';
  }
  return status;
}
