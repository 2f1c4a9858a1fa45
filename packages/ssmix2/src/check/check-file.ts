import { type Hl7Message, type Hl7Segment, parseHl7 } from '@hie/hl7v2';
import {
  type FileNameResult,
  NO_ORDER_NUMBER,
  parseFileName,
  type Ssmix2FileName,
} from '../names/file-name.js';
import { checkPathConsistency } from '../names/path.js';
import { careDateValues } from '../types/care-date.js';
import { dataTypeInfo } from '../types/data-types.js';
import { requiredFields } from '../types/required-fields.js';
import { checkSegmentOrder } from '../types/segment-order.js';
import { type FileStatus, type Finding, statusOf } from './findings.js';

export interface FileToCheck {
  /** Path relative to the storage root, with `/` (used in findings). */
  relPath: string;
  /** Folders between the root and the file. */
  folders: readonly string[];
  fileName: string;
  bytes: Uint8Array;
  /** The parsed name when the caller already has it. */
  name?: FileNameResult;
}

export interface FileCheck {
  status: FileStatus;
  findings: Finding[];
  /** MSH-9 `code^event^structure` when the message parsed. */
  messageType?: string;
  charset?: string;
  /** The parsed message, for callers that go on to use it. */
  message?: Hl7Message;
}

// Data types whose files carry the order number in ORC-2 (PPR-01's ORCs are related orders).
const ORDER_TYPES = /^(OMP|OML|OMG|OMD)/;

/**
 * Every check SS-MIX2 allows on one file, from its place in the tree and its bytes. Never throws:
 * whatever the bytes, the result is findings.
 */
export function checkFile(input: FileToCheck): FileCheck {
  const file = input.relPath;
  const findings: Finding[] = [];
  const name = input.name ?? parseFileName(input.fileName);
  if (!name.ok) {
    findings.push({
      severity: 'error',
      code: 'NAME_INVALID',
      reason: name.reason,
      message: name.message,
      file,
    });
  } else {
    for (const m of checkPathConsistency(input.folders, name.value)) {
      findings.push({ severity: 'error', code: m.code, message: m.message, file });
    }
  }
  // The data type the folder says (the name may be broken or disagree; the folder is the storage's truth).
  const folderType = input.folders[input.folders.length - 1] ?? '';
  const dataType = dataTypeInfo(folderType);
  if (!dataType) {
    findings.push({
      severity: 'warning',
      code: 'UNKNOWN_DATA_TYPE',
      message: `folder '${folderType}' is not an SS-MIX2 data type`,
      file,
    });
  }
  const bytes = input.bytes;
  if (bytes.length === 0) {
    findings.push({ severity: 'error', code: 'EMPTY_FILE', message: 'the file is empty', file });
    return { status: 'error', findings };
  }
  const parsed = parseHl7(bytes);
  if (!parsed.ok) {
    const e = parsed.error;
    const undecodable = e.code === 'BAD_ENCODING' || isNeitherJisNorUtf8(bytes);
    if (undecodable) {
      findings.push({
        severity: 'error',
        code: 'ENCODING_INVALID',
        message: 'bytes are neither ISO-2022-JP (7-bit) nor any declared character set',
        file,
      });
    }
    if (e.code !== 'BAD_ENCODING') {
      findings.push({
        severity: 'error',
        code: 'HL7_PARSE',
        reason: e.code,
        message: e.message,
        file,
        line: e.line,
        segment: e.segment,
        segmentIndex: e.segmentIndex,
        field: e.segment && e.field !== undefined ? `${e.segment}-${e.field}` : undefined,
      });
    }
    return { status: 'error', findings };
  }
  const message = parsed.message;
  if (parsed.charset !== 'ISO-2022-JP') {
    findings.push({
      severity: 'warning',
      code: 'ENCODING_NOT_ISO2022JP',
      reason: parsed.charset,
      message: `written in ${parsed.charset}; SS-MIX2 expects ISO-2022-JP`,
      file,
    });
  }
  const lfSeparated = bytes.indexOf(0x0a) >= 0;
  if (lfSeparated) {
    findings.push({
      severity: 'warning',
      code: 'SEGMENT_SEPARATOR',
      message: 'segments end with LF; SS-MIX2 ends each segment with CR',
      file,
    });
  }
  for (const w of parsed.warnings) {
    if (lfSeparated && w.code === 'SEGMENT_SEPARATOR') continue; // reported once above
    findings.push({
      severity: 'warning',
      code: 'HL7_WARNING',
      reason: w.code,
      message: w.message,
      file,
      line: w.line,
      segment: w.segment,
      field: w.segment && w.field !== undefined ? `${w.segment}-${w.field}` : undefined,
    });
  }
  const mt = message.messageType;
  const messageType = `${mt.code}^${mt.event}`;
  checkStructure(message, messageType, dataType?.code ?? folderType, file, findings);
  if (dataType) {
    const expected = dataType.messages.find((m) => m.type === messageType);
    if (!expected) {
      findings.push({
        severity: 'warning',
        code: 'MESSAGE_TYPE_MISMATCH',
        message: `MSH-9 ${messageType} does not belong in ${dataType.code} (expects ${dataType.messages.map((m) => m.type).join(' or ')})`,
        file,
        ...at(message.segments[0]!),
        field: 'MSH-9',
      });
    } else if (mt.structure !== '' && mt.structure !== expected.structure) {
      findings.push({
        severity: 'warning',
        code: 'MESSAGE_STRUCTURE_MISMATCH',
        message: `MSH-9.3 ${mt.structure} differs from ${expected.structure} for ${messageType}`,
        file,
        ...at(message.segments[0]!),
        field: 'MSH-9',
      });
    }
    if (name.ok)
      checkAgainstName(message, expected?.careDateField, dataType.code, name.value, file, findings);
  }
  return {
    status: statusOf(findings),
    findings,
    messageType: `${mt.code}^${mt.event}^${mt.structure}`,
    charset: parsed.charset,
    message,
  };
}

function checkStructure(
  message: Hl7Message,
  messageType: string,
  dataType: string,
  file: string,
  findings: Finding[],
): void {
  const segments = message.segments;
  const names = segments.map((s) => s.name);
  const secondMsh = names.indexOf('MSH', 1);
  if (secondMsh > 0) {
    findings.push({
      severity: 'error',
      code: 'MULTIPLE_MESSAGES',
      message: 'a second MSH segment: SS-MIX2 stores one message per file',
      file,
      ...at(segments[secondMsh]!),
    });
  }
  if (checkSegmentOrder(messageType, names) === 'mismatch') {
    findings.push({
      severity: 'error',
      code: 'SEGMENT_ORDER',
      message: `segment order ${names.join(' ')} does not fit ${messageType}`,
      file,
    });
  }
  segments.forEach((segment) => {
    for (const field of requiredFields(segment.name, dataType)) {
      if (segment.raw(field) !== '') continue;
      findings.push({
        severity: 'warning',
        code: 'REQUIRED_FIELD_MISSING',
        message: `${segment.name}-${field} is required for ${dataType} but empty`,
        file,
        ...at(segment),
        field: `${segment.name}-${field}`,
      });
    }
  });
}

function checkAgainstName(
  message: Hl7Message,
  careDateField: string | undefined,
  dataType: string,
  name: Ssmix2FileName,
  file: string,
  findings: Finding[],
): void {
  if (careDateField === '-') {
    if (name.careDate !== '-') {
      findings.push({
        severity: 'warning',
        code: 'CARE_DATE_MISMATCH',
        message: `this message type is filed under '-', not under care date ${name.careDate}`,
        file,
      });
    }
  } else if (careDateField !== undefined) {
    const values = careDateValues(careDateField, message);
    if (values.length === 0 || values[0]!.date === undefined) {
      findings.push({
        severity: 'warning',
        code: 'CARE_DATE_MISSING',
        message: `${careDateField} holds no date; cannot confirm care date ${name.careDate}`,
        file,
        field: careDateField,
      });
    }
    for (const v of values) {
      if (v.date === undefined || v.date === name.careDate) continue;
      findings.push({
        severity: 'warning',
        code: 'CARE_DATE_MISMATCH',
        message: `${v.field} says ${v.date}; the file is filed under ${name.careDate}`,
        file,
        line: v.line,
        segment: careDateField.slice(0, 3),
        segmentIndex: v.segmentIndex,
        field: v.field,
      });
    }
  }
  const pid = message.segment('PID');
  if (pid) checkPatientName(pid, file, findings);
  if (pid) {
    const ids: string[] = [];
    for (let r = 1; r <= Math.max(1, pid.repetitionCount(3)); r++) ids.push(pid.get(3, r, 1) ?? '');
    if (!ids.includes(name.patientId)) {
      findings.push({
        severity: 'warning',
        code: 'PATIENT_ID_MISMATCH',
        message: `PID-3 '${ids.join('~')}' differs from the file's patient ID '${name.patientId}'`,
        file,
        ...at(pid),
        field: 'PID-3',
      });
    }
  }
  if (ORDER_TYPES.test(dataType) && name.orderNo !== NO_ORDER_NUMBER) {
    const orcs = message.segmentsNamed('ORC');
    const orders = orcs.map((s) => s.get(2, 1, 1) ?? '');
    if (orders.length > 0 && !orders.includes(name.orderNo)) {
      findings.push({
        severity: 'warning',
        code: 'ORDER_NO_MISMATCH',
        message: `order number ${name.orderNo} is in no ORC-2 (${[...new Set(orders)].join(', ')})`,
        file,
        ...at(orcs[0]!),
        field: 'ORC-2',
      });
    }
  }
}

/**
 * PID-5 repeats kanji then kana; XPN.7 is the name type (`L`) and XPN.8 the representation
 * (`I` ideographic, `P` phonetic). A representation found in XPN.7 means a component is missing
 * (a known defect of some generators): the kanji/kana choice by XPN.8 would then fail.
 */
function checkPatientName(pid: Hl7Segment, file: string, findings: Finding[]): void {
  for (let r = 1; r <= pid.repetitionCount(5); r++) {
    const type = pid.get(5, r, 7) ?? '';
    const representation = pid.get(5, r, 8) ?? '';
    if (representation === '' && (type === 'I' || type === 'P')) {
      findings.push({
        severity: 'warning',
        code: 'NAME_REPRESENTATION',
        message: `PID-5[${r}] has '${type}' in XPN.7 (name type) and nothing in XPN.8: components shifted by one`,
        file,
        ...at(pid),
        field: 'PID-5',
      });
    }
  }
}

/** Where a segment is, for findings. */
function at(segment: Hl7Segment): Pick<Finding, 'segment' | 'segmentIndex' | 'line'> {
  return { segment: segment.name, segmentIndex: segment.index, line: segment.line };
}

/** High bytes that do not form UTF-8: no character set SS-MIX2 files declare can explain them. */
function isNeitherJisNorUtf8(bytes: Uint8Array): boolean {
  let high = false;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! >= 0x80) {
      high = true;
      break;
    }
  }
  if (!high) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return false;
  } catch {
    return true;
  }
}
