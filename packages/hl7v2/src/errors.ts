/** Character sets a JAHIS / SS-MIX2 message may be written in (MSH-18). */
export type Charset = 'ISO-2022-JP' | 'Shift_JIS' | 'UTF-8';

/** Stable machine-readable reasons a text cannot be read as an HL7 v2 message. */
export type Hl7ErrorCode =
  /** Does not start with an MSH segment (after framing bytes and blank lines). */
  | 'NO_MSH'
  /** MSH-1 / MSH-2 do not declare usable, distinct delimiters. */
  | 'BAD_SEPARATORS'
  /** The message ends before the MSH header is complete (no MSH-9 message type). */
  | 'TRUNCATED'
  /** The bytes are not valid in the declared (or any detectable) character set. */
  | 'BAD_ENCODING'
  /** A line that is not a segment: its name is not three upper-case letters/digits followed by the field separator. */
  | 'BAD_SEGMENT'
  /** Input larger than the configured bound. */
  | 'TOO_LARGE'
  /** A bug: an exception inside the parser, caught so that none escapes. */
  | 'INTERNAL';

export interface Hl7Error {
  code: Hl7ErrorCode;
  message: string;
  /** 1-based physical line (segment separators CR, LF or CRLF each end a line). */
  line?: number;
  segment?: string;
  /** 1-based position of the segment in the message. */
  segmentIndex?: number;
  field?: number;
}

/** Something tolerated but worth reporting (e.g. charset declaration disagreeing with the bytes). */
export interface Hl7Warning {
  code: string;
  message: string;
  line?: number;
  segment?: string;
  field?: number;
}

/** Formats an error with its location, for logs and the CLI. */
export function formatHl7Error(e: Hl7Error): string {
  const where: string[] = [];
  if (e.line !== undefined) where.push(`line ${e.line}`);
  if (e.segment !== undefined)
    where.push(`segment ${e.segment}${e.segmentIndex ? ` (#${e.segmentIndex})` : ''}`);
  if (e.field !== undefined) where.push(`field ${e.field}`);
  return `${e.code}: ${e.message}${where.length ? ` [${where.join(', ')}]` : ''}`;
}
