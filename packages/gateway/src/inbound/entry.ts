import { type Charset, encodeHl7Text, type Hl7Message } from '@hie/hl7v2';
import {
  careDateOf,
  formatFileName,
  MAX_ORDER_NO_LENGTH,
  NO_ORDER_NUMBER,
  parseFileName,
  type StorageEntry,
} from '@hie/ssmix2';
import type { Classification } from './classify.js';
import { messageTypeKey } from './classify.js';

/** Why a message cannot be filed, located the way ERR-2 names it. */
export interface InboundProblem {
  /** HL7 table 0357: 100 segment sequence, 101 required field missing, 102 data type error, 200 unsupported message type, 207 internal. */
  hl7Code: '100' | '101' | '102' | '200' | '207';
  /** Stable machine reason. */
  reason: InboundReason;
  message: string;
  segment?: string;
  segmentIndex?: number;
  field?: number;
  line?: number;
}

export type InboundReason =
  | 'UNPARSABLE'
  | 'UNSUPPORTED_TYPE'
  | 'NO_PATIENT_ID'
  | 'BAD_PATIENT_ID'
  | 'NO_CARE_DATE'
  | 'BAD_ORDER_NO'
  | 'FRAME_TOO_LARGE'
  | 'STORAGE_FAILED'
  /** The authenticated sender may not send for the facility in MSH-4. */
  | 'SENDER_NOT_AUTHORISED';

/** What to write: the entry (without its timestamp, given at write time) and whether it deletes its key. */
export interface FilingPlan {
  entry: Omit<StorageEntry, 'timestamp'>;
  /** A cancel event or ORC-1 `CA`: the key's files become `_0` (SSMIX2.md §3). */
  cancel: boolean;
  /** The message was re-encoded from this charset to ISO-2022-JP. */
  reencodedFrom?: Charset;
}

export type PlanResult = { ok: true; plan: FilingPlan } | { ok: false; problem: InboundProblem };

/** Data types that carry an order number (ORC-2); the others always use 999999999999999. */
const ORDER_TYPES = /^(OMD|OMP-|OML-|OMG-)/;

/**
 * Decides the standardized file name parts and the bytes of a received message. `original` is the
 * message as received (without MLLP framing); ISO-2022-JP input is kept byte for byte, anything else
 * is re-encoded to ISO-2022-JP with MSH-18/MSH-20 saying so, as SS-MIX2 requires (§6).
 */
export function planFiling(message: Hl7Message, type: Classification, original: Uint8Array): PlanResult {
  const pid = message.segment('PID');
  const patientId = pid?.get(3, 1, 1) ?? '';
  if (!pid || patientId === '') {
    return problem(
      '101',
      'NO_PATIENT_ID',
      'PID-3 (patient ID) is required to file the message',
      pid,
      'PID',
      3,
    );
  }
  const careDate = careDateOf(messageTypeKey(message), message);
  if (careDate === undefined) {
    const [segment, field] = type.rule.careDateField.split('-') as [string, string];
    const at = message.segment(segment);
    return problem(
      at ? '102' : '101',
      'NO_CARE_DATE',
      `${type.rule.careDateField} must start with the care date (YYYYMMDD) for ${type.dataType}`,
      at,
      segment,
      Number(field),
    );
  }
  const orc = message.segment('ORC');
  let orderNo = NO_ORDER_NUMBER;
  if (ORDER_TYPES.test(type.dataType)) orderNo = orc?.get(2, 1, 1) || NO_ORDER_NUMBER;
  if (orderNo.length > MAX_ORDER_NO_LENGTH || orderNo.includes('_')) {
    return problem(
      '102',
      'BAD_ORDER_NO',
      `ORC-2 '${orderNo}' is not a standardized order number (≤ 15 characters, no '_')`,
      orc,
      'ORC',
      2,
    );
  }
  const department = departmentOf(message);
  const checked = parseFileName(
    formatFileName({
      patientId,
      careDate,
      dataType: type.dataType,
      orderNo,
      timestamp: '20000101000000000',
      department,
      flag: '1',
    }),
  );
  if (!checked.ok) {
    const [code, segment, field]: [InboundProblem['hl7Code'], string, number] =
      checked.reason === 'PATIENT_ID' ? ['102', 'PID', 3] : ['102', 'ORC', 2];
    const reason = checked.reason === 'PATIENT_ID' ? 'BAD_PATIENT_ID' : 'BAD_ORDER_NO';
    return problem(code, reason, checked.message, segment === 'PID' ? pid : orc, segment, field);
  }
  const cancel = type.rule.cancel || orc?.get(1) === 'CA';
  const bytes = message.charset === 'ISO-2022-JP' ? original : toIso2022Jp(message);
  const plan: FilingPlan = {
    entry: { patientId, careDate, dataType: type.dataType, orderNo, department, bytes },
    cancel,
  };
  if (message.charset !== 'ISO-2022-JP') plan.reencodedFrom = message.charset;
  return { ok: true, plan };
}

/** PV1-10 (hospital service), else ORC-17 (entering organization), else '-': a 2–3 character code. */
function departmentOf(message: Hl7Message): string {
  for (const value of [message.segment('PV1')?.get(10, 1, 1), message.segment('ORC')?.get(17, 1, 1)]) {
    if (value && /^[0-9A-Za-z]{2,3}$/.test(value)) return value;
  }
  return '-';
}

const HALF_WIDTH_KANA = /[\uFF61-\uFF9F]+/g;

/**
 * The message text in ISO-2022-JP with MSH-18 `~ISO IR87` and MSH-20 `ISO 2022-1994`. Half-width
 * kana become full width (JAHIS forbids JIS X 0201 kana); characters outside JIS X 0208 become '■'.
 */
export function toIso2022Jp(message: Hl7Message): Uint8Array {
  const d = message.delimiters;
  const text = message.toString().replace(HALF_WIDTH_KANA, (run) => run.normalize('NFKC'));
  const end = text.search(/[\r\n]/);
  const header = end < 0 ? text : text.slice(0, end);
  const fields = header.split(d.field);
  // fields[0] is 'MSH', fields[1] MSH-2, so MSH-n is fields[n - 1].
  while (fields.length < 20) fields.push('');
  fields[17] = `${d.repetition}ISO IR87`;
  fields[19] = 'ISO 2022-1994';
  let body = fields.join(d.field) + (end < 0 ? '' : text.slice(end));
  if (!/[\r\n]$/.test(body)) body += '\r';
  return encodeHl7Text(body, 'ISO-2022-JP');
}

function problem(
  hl7Code: InboundProblem['hl7Code'],
  reason: InboundReason,
  message: string,
  at: { readonly index?: number; readonly line?: number } | undefined,
  segment: string,
  field: number,
): { ok: false; problem: InboundProblem } {
  const p: InboundProblem = { hl7Code, reason, message, segment, field };
  if (at?.index !== undefined) p.segmentIndex = at.index;
  if (at?.line !== undefined) p.line = at.line;
  return { ok: false, problem: p };
}
