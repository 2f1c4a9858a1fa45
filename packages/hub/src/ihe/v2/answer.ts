import { randomUUID } from 'node:crypto';
import {
  type AckCode,
  buildAck,
  encodeHl7Message,
  encodeHl7Text,
  type Hl7FieldValue,
  type Hl7Message,
  type Hl7SegmentValue,
  hl7Now,
  readSegmentValue,
} from '@hie/hl7v2';

/** HL7 table 0357 (message error condition codes) as the listener uses them. */
const TABLE_0357 = {
  '100': 'Segment sequence error',
  '101': 'Required field missing',
  '102': 'Data type error',
  '103': 'Table value not found',
  '200': 'Unsupported message type',
  '201': 'Unsupported event code',
  '204': 'Unknown key identifier',
  '205': 'Duplicate key identifier',
  '207': 'Application internal error',
} as const;
export type ErrorCode = keyof typeof TABLE_0357;

/** One ERR: where (ERL `PID^1^3`, `QPD^1^3^1^4`), the table 0357 code, our own code and the words. */
export interface ErrDetail {
  code: ErrorCode;
  /** ERR-2: segment ID, sequence, field position, then optionally repetition, component. */
  location: readonly [string, number, number?, number?, number?];
  text: string;
  /** ERR-5 (application error code, `99HIE`): a stable machine-readable reason. */
  reason?: string;
}

export function errSegment(e: ErrDetail): Hl7SegmentValue {
  const location = e.location.map((p) => (p === undefined ? '' : String(p)));
  while (location.length > 1 && location.at(-1) === '') location.pop();
  return {
    name: 'ERR',
    fields: [
      '',
      [location],
      [[e.code, TABLE_0357[e.code], 'HL70357']],
      'E',
      e.reason ? [[e.reason, e.text, '99HIE']] : '',
      '',
      '',
      e.text,
    ],
  };
}

/**
 * ACK (buildAck: MSH with the original's MSH-18, MSA) and an ERR when refused or in error, in the
 * sender's charset: a JAHIS system writing ISO-2022-JP (`~ISO IR87`) reads its answer the same way.
 */
export function ackBytes(
  message: Hl7Message | undefined,
  code: AckCode,
  text: string,
  error?: ErrDetail,
): Uint8Array {
  let out = buildAck(message, { code, text });
  if (error) out += encodeHl7Message([errSegment(error)]);
  return encodeHl7Text(out, message?.charset ?? 'UTF-8');
}

/**
 * A query answer (RSP^K23 / RSP^K22): the MSH as buildAck writes it for an ACK (sender and receiver
 * swapped, the original's version, processing id and MSH-18) but with the response's type, then MSA,
 * ERR, and the given segments; encoded in the sender's charset.
 */
export function responseBytes(
  message: Hl7Message,
  type: readonly [string, string, string],
  msa: { code: AckCode; text?: string },
  segments: readonly Hl7SegmentValue[],
  error?: ErrDetail,
): Uint8Array {
  const msh = message.segments[0]!;
  const field = (n: number) => msh.get(n, 1, 1) ?? '';
  const header: Hl7FieldValue[] = [
    '',
    '',
    field(5),
    field(6),
    field(3),
    field(4),
    hl7Now(),
    '',
    [type],
    randomUUID().replaceAll('-', '').slice(0, 20),
    msh.get(11) ?? 'P',
    field(12) || '2.5',
  ];
  const charset = msh.raw(18);
  if (charset) {
    while (header.length < 17) header.push('');
    header.push(msh.repetitionCount(18) > 1 ? charset.split(message.delimiters.repetition) : charset);
  }
  const out = encodeHl7Message([
    { name: 'MSH', fields: header },
    { name: 'MSA', fields: [msa.code, message.controlId, msa.text ?? ''] },
    ...(error ? [errSegment(error)] : []),
    ...segments,
  ]);
  return encodeHl7Text(out, message.charset);
}

/** A segment of the query as it was sent (QPD echoed in the answer), or an empty one. */
export function echo(message: Hl7Message, name: string): Hl7SegmentValue {
  const segment = message.segment(name);
  return segment ? readSegmentValue(segment, message.delimiters) : { name, fields: [] };
}

/** What a transaction's handler gives the listener: the answer, its MSA-1, and what to audit of it. */
export interface Handled {
  bytes: Uint8Array;
  code: AckCode;
  audit: {
    action: 'C' | 'R' | 'U' | 'D' | 'E';
    outcome: '0' | '4' | '8';
    outcomeDescription?: string;
    patient?: { personId?: string; facilityOid?: string; localId?: string };
    entities?: string[];
    detail?: Record<string, string>;
  };
}
