// The SS-MIX2 storage key a lab result is filed under. The repository keeps no SS-MIX2 files, but
// fhir-jp derives every id from a file name (patient, care date, data type, order number), so a
// result is given the name an SS-MIX2 store would have filed it under: its ids, and the prefix that
// a corrected result replaces, are then the same whether it came as HL7 or as a lab centre's CSV.
import { formatFileName, isCalendarDate, parseFileName, type Ssmix2FileName } from '@hie/ssmix2';

/** SS-MIX2 data type of 検体検査結果通知. */
export const LAB_RESULT_DATA_TYPE = 'OML-11';

export interface LabKeyParts {
  patientId: string;
  /** `YYYYMMDD`. */
  careDate: string;
  orderNo: string;
  /** `yyyyMMddHHmmss[fff]`. */
  timestamp: string;
}

/**
 * What a patient ID or order number must be to name an SS-MIX2 file: 1–15 printable ASCII characters,
 * no `_` (it separates the name's fields) nor path separator, not starting with `.` (a hidden file).
 */
export const KEY_PART = /^(?!\.)(?:(?![_/\\])[!-~]){1,15}$/;
export const KEY_PART_RULE =
  "1–15 printable ASCII characters, without '_', '/' or '\\', not starting with '.'";

export type LabKeyResult =
  | { ok: true; fileName: Ssmix2FileName }
  | { ok: false; part: 'patientId' | 'orderNo' | 'careDate' | 'timestamp'; message: string };

/** The file name (department `-`, flag `1`: current), checked by the SS-MIX2 rules (KEY_PART). */
export function labFileName(parts: LabKeyParts): LabKeyResult {
  const name: Ssmix2FileName = { ...parts, dataType: LAB_RESULT_DATA_TYPE, department: '-', flag: '1' };
  // Checked field by field: a `_` in one would shift the others if the joined name were parsed.
  if (!KEY_PART.test(parts.patientId)) return patientIdProblem(parts.patientId);
  if (!KEY_PART.test(parts.orderNo)) return orderNoProblem(parts.orderNo);
  const checked = parseFileName(formatFileName(name));
  if (checked.ok) return { ok: true, fileName: name };
  switch (checked.reason) {
    case 'PATIENT_ID':
      return patientIdProblem(parts.patientId);
    case 'ORDER_NO':
      return orderNoProblem(parts.orderNo);
    case 'CARE_DATE':
      return { ok: false, part: 'careDate', message: checked.message };
    default:
      return { ok: false, part: 'timestamp', message: checked.message };
  }
}

function patientIdProblem(patientId: string): LabKeyResult {
  const message = `patient ID '${patientId}' must be ${KEY_PART_RULE}`;
  return { ok: false, part: 'patientId', message };
}

function orderNoProblem(orderNo: string): LabKeyResult {
  const message = `order number '${orderNo}' must be ${KEY_PART_RULE}`;
  return { ok: false, part: 'orderNo', message };
}

/** `YYYYMMDD` at the start of an HL7 TS / `YYYYMMDDHHMM` value, when it is a real day. */
export function dayOf(value: string | undefined): string | undefined {
  const day = value?.trim().slice(0, 8);
  return day && isCalendarDate(day) ? day : undefined;
}

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

/** `yyyyMMddHHmmssfff` of an instant in Japan time (SS-MIX2 time stamps carry no zone: JST). */
export function jstTimestamp(at: Date): string {
  return new Date(at.getTime() + JST_OFFSET_MS).toISOString().replace(/\D/g, '').slice(0, 17);
}
