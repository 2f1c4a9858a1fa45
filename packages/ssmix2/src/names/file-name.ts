/**
 * SS-MIX2 standardized-storage file names (SSMIX2.md §2):
 * `<PID>_<care date>_<data type>_<order no>_<timestamp>_<dept>_<flag>`.
 */

/** 状態フラグ: `1` current, `2` superseded by a newer file of the same key, `0` deleted. */
export type ConditionFlag = '0' | '1' | '2';

export interface Ssmix2FileName {
  patientId: string;
  /** 診療日 `YYYYMMDD`, or `-` for data not tied to a day. */
  careDate: string;
  /** データ種別, e.g. `OML-11`, `OMD`. */
  dataType: string;
  /** オーダ番号 (ORC-2), `999999999999999` for data without an order. */
  orderNo: string;
  /** When the file was written, `yyyyMMddHHmmssfff`; 14–17 digits are accepted. */
  timestamp: string;
  /** 診療科コード (HL7 table 0069) or `-`. */
  department: string;
  flag: ConditionFlag;
}

/** Why a name is not a standardized file name; one code per field plus the overall shape. */
export type FileNameFailureReason =
  | 'FIELD_COUNT'
  | 'PATIENT_ID'
  | 'CARE_DATE'
  | 'DATA_TYPE'
  | 'ORDER_NO'
  | 'TIMESTAMP'
  | 'DEPARTMENT'
  | 'CONDITION_FLAG';

export type FileNameResult =
  | { ok: true; value: Ssmix2FileName }
  | { ok: false; reason: FileNameFailureReason; message: string };

/** Order numbers without an order (ADT, PPR…). */
export const NO_ORDER_NUMBER = '999999999999999';

export const MAX_PATIENT_ID_LENGTH = 15;
export const MAX_ORDER_NO_LENGTH = 15;

// Printable ASCII without the name separator `_` and path separators; must not start with '.'
// (dot-names are temp files the scanner ignores).
const PATIENT_ID = /^[!-~]{1,15}$/;
// No '_' inside a standardized order number: it would shift the name's fields.
const ORDER_NO = /^[!-^`-~]{1,15}$/;
const DATA_TYPE = /^[A-Z]{3}(-[0-9]{2})?$/;
const TIMESTAMP = /^[0-9]{14,17}$/;
const DEPARTMENT = /^(-|[0-9A-Za-z]{2,3})$/;

export interface ParseFileNameOptions {
  /**
   * Extended-storage content folders put a "specific key" where the order number goes and their
   * data type is a CWE-like string: relax those two fields (§1).
   */
  extended?: boolean;
}

/** Parses fields 1–3 from the left and 5–7 from the right; what is between is the order number. */
export function parseFileName(name: string, options: ParseFileNameOptions = {}): FileNameResult {
  const parts = name.split('_');
  if (parts.length < 7) {
    return fail('FIELD_COUNT', `expected 7 fields separated by '_', found ${parts.length}`);
  }
  const n = parts.length;
  const patientId = parts[0]!;
  const careDate = parts[1]!;
  const dataType = parts[2]!;
  const orderNo = parts.slice(3, n - 3).join('_');
  const timestamp = parts[n - 3]!;
  const department = parts[n - 2]!;
  const flag = parts[n - 1]!;

  if (!PATIENT_ID.test(patientId) || patientId.startsWith('.') || hasPathChar(patientId)) {
    return fail('PATIENT_ID', `patient ID '${patientId}' must be 1–15 printable ASCII characters`);
  }
  if (careDate !== '-' && !isCalendarDate(careDate)) {
    return fail('CARE_DATE', `care date '${careDate}' is neither YYYYMMDD nor '-'`);
  }
  if (options.extended) {
    if (dataType === '' || hasPathChar(dataType))
      return fail('DATA_TYPE', `data type '${dataType}' is empty`);
    if (orderNo === '' || hasPathChar(orderNo)) return fail('ORDER_NO', `specific key '${orderNo}' is empty`);
  } else {
    if (!DATA_TYPE.test(dataType)) {
      return fail('DATA_TYPE', `data type '${dataType}' is not of the form XXX-nn or XXX`);
    }
    if (!ORDER_NO.test(orderNo) || hasPathChar(orderNo)) {
      return fail('ORDER_NO', `order number '${orderNo}' must be 1–15 printable ASCII characters`);
    }
  }
  if (!TIMESTAMP.test(timestamp) || !isCalendarDate(timestamp.slice(0, 8)) || !isClockTime(timestamp)) {
    return fail('TIMESTAMP', `timestamp '${timestamp}' is not yyyyMMddHHmmss[fff] (14–17 digits)`);
  }
  if (!DEPARTMENT.test(department)) {
    return fail('DEPARTMENT', `department '${department}' is neither '-' nor 2–3 letters or digits`);
  }
  if (flag !== '0' && flag !== '1' && flag !== '2') {
    return fail('CONDITION_FLAG', `condition flag '${flag}' is not 0, 1 or 2`);
  }
  return { ok: true, value: { patientId, careDate, dataType, orderNo, timestamp, department, flag } };
}

export function formatFileName(n: Ssmix2FileName): string {
  return [n.patientId, n.careDate, n.dataType, n.orderNo, n.timestamp, n.department, n.flag].join('_');
}

/**
 * The timestamp padded to 17 digits, so names written with 14, 15 or 17 digits compare in time
 * order as plain strings.
 */
export function timestampKey(timestamp: string): string {
  return timestamp.length >= 17 ? timestamp : timestamp.padEnd(17, '0');
}

/** The storage key of a file (SSMIX2.md §3): the files of one key form its update history. */
export function storageKey(
  n: Pick<Ssmix2FileName, 'patientId' | 'careDate' | 'dataType' | 'orderNo'>,
): string {
  return `${n.patientId}_${n.careDate}_${n.dataType}_${n.orderNo}`;
}

/** `YYYYMMDD` naming a real calendar day. */
export function isCalendarDate(s: string): boolean {
  if (!/^[0-9]{8}$/.test(s)) return false;
  const year = Number(s.slice(0, 4));
  const month = Number(s.slice(4, 6));
  const day = Number(s.slice(6, 8));
  if (year < 1800 || month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isClockTime(ts: string): boolean {
  const hour = Number(ts.slice(8, 10));
  const minute = Number(ts.slice(10, 12));
  const second = Number(ts.slice(12, 14));
  return hour < 24 && minute < 60 && second < 61;
}

function hasPathChar(s: string): boolean {
  return s.includes('/') || s.includes('\\');
}

function fail(reason: FileNameFailureReason, message: string): FileNameResult {
  return { ok: false, reason, message };
}
