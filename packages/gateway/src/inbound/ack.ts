import {
  type AckCode,
  buildAck,
  type Charset,
  encodeHl7Message,
  encodeHl7Text,
  type Hl7Message,
  type Hl7SegmentValue,
} from '@hie/hl7v2';
import type { InboundProblem } from './entry.js';

/** How the message was handled, before it is said in the sender's acknowledgment mode. */
export type Verdict = 'accept' | 'error' | 'reject';

const ORIGINAL: Record<Verdict, AckCode> = { accept: 'AA', error: 'AE', reject: 'AR' };
const COMMIT: Record<Verdict, AckCode> = { accept: 'CA', error: 'CE', reject: 'CR' };

/**
 * The acknowledgment code to send, or undefined for none. Original mode (MSH-15 and MSH-16 empty):
 * AA / AE / AR. Enhanced mode: the commit ACK (CA / CE / CR) when MSH-15 asks for it (AL; ER on
 * failure; SU on success; empty counts as AL) — we commit only once the file is durably in place, so
 * it means "safely stored". When MSH-15 declines (NE, or ER/SU not matching) but MSH-16 asks, the
 * application ACK is sent on the same connection: the gateway opens no connection back to the sender.
 */
export function ackCodeFor(message: Hl7Message | undefined, verdict: Verdict): AckCode | undefined {
  const msh = message?.segments[0];
  const accept = (msh?.get(15) ?? '').toUpperCase();
  const application = (msh?.get(16) ?? '').toUpperCase();
  if (accept === '' && application === '') return ORIGINAL[verdict];
  const ok = verdict === 'accept';
  const wants = (v: string) => v === 'AL' || (v === 'ER' && !ok) || (v === 'SU' && ok);
  if (accept === '' || wants(accept)) return COMMIT[verdict];
  if (wants(application)) return ORIGINAL[verdict];
  return undefined;
}

export interface AckInput {
  code: AckCode;
  text?: string;
  problem?: InboundProblem;
  /** MSH-3 / MSH-4 of the ACK (default: the original's MSH-5 / MSH-6). */
  sendingApplication?: string;
  sendingFacility?: string;
}

/**
 * The ACK bytes, in the charset the message came in (an ISO-2022-JP sender gets ISO-2022-JP back).
 * The ERR segment names the location (ERR-2 segment^sequence^field) and the HL7 table 0357 code.
 */
export function encodeAck(message: Hl7Message | undefined, input: AckInput): Uint8Array {
  const options: Parameters<typeof buildAck>[1] = { code: input.code };
  if (input.text !== undefined) options.text = input.text;
  if (input.sendingApplication !== undefined) options.sendingApplication = input.sendingApplication;
  if (input.sendingFacility !== undefined) options.sendingFacility = input.sendingFacility;
  let text = buildAck(message, options);
  if (input.problem) text += encodeHl7Message([errSegment(input.problem)]);
  const charset: Charset = message?.charset ?? 'UTF-8';
  return encodeHl7Text(text, charset);
}

const HL7_TEXT: Record<InboundProblem['hl7Code'], string> = {
  '100': 'Segment sequence error',
  '101': 'Required field missing',
  '102': 'Data type error',
  '200': 'Unsupported message type',
  '207': 'Application internal error',
};

function errSegment(p: InboundProblem): Hl7SegmentValue {
  const located = p.segment !== undefined || p.field !== undefined;
  const location = [
    p.segment ?? '',
    p.segmentIndex !== undefined ? String(p.segmentIndex) : '',
    p.field !== undefined ? String(p.field) : '',
  ];
  return {
    name: 'ERR',
    fields: [
      '',
      located ? [location] : '',
      [[p.hl7Code, HL7_TEXT[p.hl7Code], 'HL70357']],
      'E',
      [[p.reason, p.message, '99HIE']],
      '',
      p.line !== undefined ? `line ${p.line}` : '',
      p.message,
    ],
  };
}
