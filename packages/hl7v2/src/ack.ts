import { encodeHl7Message, type Hl7FieldValue, type Hl7SegmentValue } from './build.js';
import type { Hl7Error } from './errors.js';
import type { Hl7Message } from './message.js';

/** MSA-1. Original mode: AA accept, AE error, AR reject. Enhanced mode (commit): CA, CE, CR. */
export type AckCode = 'AA' | 'AE' | 'AR' | 'CA' | 'CE' | 'CR';

export interface AckOptions {
  code: AckCode;
  /** MSA-3 / ERR-8 human text. */
  text?: string;
  /** Where and why the message failed: written to ERR (location, HL7 error code, severity). */
  error?: Hl7Error;
  /** MSH-10 of the ACK (default: 'ACK' + the original control ID). */
  controlId?: string;
  /** MSH-7 (default: now, as YYYYMMDDHHMMSS in JST). */
  dateTime?: string;
  /** MSH-3/4 of the ACK (default: the original's receiving application/facility). */
  sendingApplication?: string;
  sendingFacility?: string;
}

/** HL7 table 0357 codes for our error codes. */
const HL7_ERROR_CODE: Record<string, [string, string]> = {
  NO_MSH: ['100', 'Segment sequence error'],
  BAD_SEGMENT: ['100', 'Segment sequence error'],
  TRUNCATED: ['101', 'Required field missing'],
  BAD_SEPARATORS: ['102', 'Data type error'],
  BAD_ENCODING: ['102', 'Data type error'],
  TOO_LARGE: ['207', 'Application internal error'],
  INTERNAL: ['207', 'Application internal error'],
};

/** YYYYMMDDHHMMSS in Japan time (JAHIS writes local time without zone). */
export function hl7Now(date = new Date()): string {
  const jst = new Date(date.getTime() + 9 * 3600_000).toISOString();
  return jst.slice(0, 19).replace(/[-T:]/g, '');
}

/**
 * Builds the acknowledgement of a message (or of one that failed to parse: pass what is known as
 * `original`, or undefined). ACK^<event>^ACK, MSA, and an ERR segment when an error is given.
 */
export function buildAck(original: Hl7Message | undefined, options: AckOptions): string {
  const msh = original?.segments[0];
  const field = (n: number) => msh?.get(n, 1, 1) ?? '';
  const event = original?.messageType.event ?? '';
  const originalControlId = original?.controlId ?? '';
  const ackMsh: Hl7FieldValue[] = [
    '',
    '',
    options.sendingApplication ?? field(5),
    options.sendingFacility ?? field(6),
    field(3),
    field(4),
    options.dateTime ?? hl7Now(),
    '',
    [['ACK', event, 'ACK']],
    options.controlId ?? `ACK${originalControlId}`.slice(0, 20),
    msh?.get(11) ?? 'P',
    msh?.get(12, 1, 1) || '2.5',
  ];
  const charset = msh?.raw(18);
  if (charset) {
    while (ackMsh.length < 17) ackMsh.push('');
    ackMsh.push(msh!.repetitionCount(18) > 1 ? charset.split(original!.delimiters.repetition) : charset);
  }
  const segments: Hl7SegmentValue[] = [
    { name: 'MSH', fields: ackMsh },
    { name: 'MSA', fields: [options.code, originalControlId, options.text ?? ''] },
  ];
  if (options.error) segments.push(errSegment(options.error, options.code, options.text));
  return encodeHl7Message(segments);
}

function errSegment(e: Hl7Error, code: AckCode, text: string | undefined): Hl7SegmentValue {
  const [hl7Code, hl7Text] = HL7_ERROR_CODE[e.code] ?? ['207', 'Application internal error'];
  // ERR-2 (ERL): segment ID ^ sequence ^ field position.
  const location = [
    e.segment ?? '',
    e.segmentIndex !== undefined ? String(e.segmentIndex) : '',
    e.field !== undefined ? String(e.field) : '',
  ];
  const severity = code === 'AR' || code === 'CR' || code === 'AE' || code === 'CE' ? 'E' : 'W';
  return {
    name: 'ERR',
    fields: [
      '',
      e.segment || e.field !== undefined ? [location] : '',
      [[hl7Code, hl7Text, 'HL70357']],
      severity,
      [[e.code, e.message, '99HIE']],
      '',
      e.line !== undefined ? `line ${e.line}` : '',
      text ?? e.message,
    ],
  };
}
