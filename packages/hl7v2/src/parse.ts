import { charsetFromDeclaration, decodeHl7Bytes, normalizeJisVariants } from './charset.js';
import type { Charset, Hl7Error, Hl7Warning } from './errors.js';
import type { Delimiters } from './escape.js';
import { type Framing, Hl7Message, type Hl7Segment, SegmentImpl } from './message.js';

export interface ParseOptions {
  /** Decode with this charset instead of the MSH-18 declaration. */
  charset?: Charset;
  /** Bound on input size in bytes/characters (default 64 MiB): larger input → TOO_LARGE. */
  maxLength?: number;
  /** Bound on the number of segments (default 1,000,000). */
  maxSegments?: number;
  /**
   * Map the six WHATWG code points to the iconv column (see normalizeJisVariants) in text decoded
   * from ISO-2022-JP or Shift_JIS, so a message reads the same whichever tool decoded it. Re-encoding
   * stays byte-exact because the encoder maps both columns to the same JIS code. Default true.
   */
  normalizeJis?: boolean;
}

export type ParseResult =
  | { ok: true; message: Hl7Message; charset: Charset; warnings: Hl7Warning[] }
  | { ok: false; error: Hl7Error };

const DEFAULT_MAX_LENGTH = 64 * 1024 * 1024;
const DEFAULT_MAX_SEGMENTS = 1_000_000;

/**
 * Parses one message. Never throws: bytes are stripped of 0x0B / 0x1C framing, decoded by the charset
 * MSH-18 declares (read from the ASCII header), then split into segments. Fields are split lazily.
 */
export function parseHl7(input: string | Uint8Array, options: ParseOptions = {}): ParseResult {
  try {
    return parse(input, options);
  } catch (e) {
    return {
      ok: false,
      error: { code: 'INTERNAL', message: `parser failure: ${e instanceof Error ? e.message : String(e)}` },
    };
  }
}

function fail(error: Hl7Error): ParseResult {
  return { ok: false, error };
}

function parse(input: string | Uint8Array, options: ParseOptions): ParseResult {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  if (input.length > maxLength) {
    return fail({ code: 'TOO_LARGE', message: `input of ${input.length} exceeds the bound of ${maxLength}` });
  }
  if (typeof input === 'string') {
    return split(stripFraming(input), options.charset, [], options.maxSegments ?? DEFAULT_MAX_SEGMENTS);
  }
  // Framing bytes are cut before decoding: ICU's Shift_JIS decoder reads 0x1C as U+007F.
  const { start, end } = framingBounds(input);
  const decoded = decodeHl7Bytes(input.subarray(start, end), 0, options.charset);
  if (!decoded.ok) return decoded;
  const text =
    decoded.charset !== 'UTF-8' && options.normalizeJis !== false
      ? normalizeJisVariants(decoded.text)
      : decoded.text;
  const framing = { leading: framingText(input, 0, start), trailing: framingText(input, end, input.length) };
  return split(
    { body: text, framing },
    decoded.charset,
    decoded.warnings,
    options.maxSegments ?? DEFAULT_MAX_SEGMENTS,
  );
}

/** Bytes before the message (0x0B, a UTF-8 BOM, blank lines) and after it (0x1C then CR/LF). */
function framingBounds(b: Uint8Array): { start: number; end: number } {
  let start = 0;
  while (start < b.length) {
    const c = b[start];
    if (c === 0x0b || c === 0x0d || c === 0x0a) start++;
    else if (c === 0xef && b[start + 1] === 0xbb && b[start + 2] === 0xbf) start += 3;
    else break;
  }
  let end = b.length;
  while (end > start && (b[end - 1] === 0x0d || b[end - 1] === 0x0a)) end--;
  if (end > start && b[end - 1] === 0x1c) end--;
  else end = b.length;
  return { start, end };
}

function framingText(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) {
    if (b[i] === 0xef && b[i + 1] === 0xbb && b[i + 2] === 0xbf) {
      s += '\uFEFF';
      i += 2;
    } else s += String.fromCharCode(b[i]!);
  }
  return s;
}

function isFraming(c: number): boolean {
  return c === 0x0b || c === 0xfeff || c === 0x0d || c === 0x0a;
}

function isNameChar(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
}

function badDelimiter(c: string): boolean {
  const code = c.charCodeAt(0);
  return isNameChar(code) || (code >= 0x61 && code <= 0x7a) || code <= 0x20 || code === 0x7f;
}

function stripFraming(text: string): { body: string; framing: Framing } {
  let start = 0;
  while (start < text.length && isFraming(text.charCodeAt(start))) start++;
  let end = text.length;
  while (end > start && (text.charCodeAt(end - 1) === 0x0d || text.charCodeAt(end - 1) === 0x0a)) end--;
  // Only an MLLP end block (0x1C, then possibly CR/LF) is framing; trailing CRs are segment terminators.
  if (end > start && text.charCodeAt(end - 1) === 0x1c) end--;
  else end = text.length;
  if (start === 0 && end === text.length) return { body: text, framing: { leading: '', trailing: '' } };
  return {
    body: text.slice(start, end),
    framing: { leading: text.slice(0, start), trailing: text.slice(end) },
  };
}

function countLines(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && s.charCodeAt(i + 1) !== 0x0a)) n++;
  }
  return n;
}

function readDelimiters(body: string): Delimiters | Hl7Error {
  const where = { line: 1, segment: 'MSH', segmentIndex: 1 };
  const field = body[3];
  if (field === undefined)
    return { code: 'TRUNCATED', message: 'message ends inside MSH-1', ...where, field: 1 };
  if (badDelimiter(field) || field === '\u00a5') {
    return {
      code: 'BAD_SEPARATORS',
      message: `MSH-1 '${field}' cannot be a field separator`,
      ...where,
      field: 1,
    };
  }
  let end = 4;
  while (end < body.length && end < 10) {
    const c = body[end]!;
    if (c === field || c === '\r' || c === '\n') break;
    end++;
  }
  const chars = body.slice(4, end);
  if (body[end] !== field) {
    return end >= body.length
      ? { code: 'TRUNCATED', message: 'message ends inside MSH-2', ...where, field: 2 }
      : {
          code: 'BAD_SEPARATORS',
          message: `MSH-2 '${chars}' is not 1 to 5 encoding characters`,
          ...where,
          field: 2,
        };
  }
  const seen = new Set([field]);
  for (const c of chars) {
    if (badDelimiter(c) || seen.has(c)) {
      return {
        code: 'BAD_SEPARATORS',
        message: `MSH-2 '${chars}': '${c}' cannot be a delimiter`,
        ...where,
        field: 2,
      };
    }
    seen.add(c);
  }
  if (chars.length === 0) return { code: 'BAD_SEPARATORS', message: 'MSH-2 is empty', ...where, field: 2 };
  // A delimiter the message does not declare is '\r': fields never contain it, so it never matches.
  return {
    field,
    component: chars[0]!,
    repetition: chars[1] ?? '\r',
    escape: chars[2] ?? '\r',
    subComponent: chars[3] ?? '\r',
  };
}

function split(
  { body, framing }: { body: string; framing: Framing },
  charset: Charset | undefined,
  warnings: Hl7Warning[],
  maxSegments: number,
): ParseResult {
  const firstLine = framing.leading ? countLines(framing.leading) + 1 : 1;
  if (!body.startsWith('MSH')) {
    return fail({
      code: 'NO_MSH',
      message: body.length === 0 ? 'no message text' : `message starts with '${body.slice(0, 3)}', not MSH`,
      line: firstLine,
    });
  }
  const d = readDelimiters(body);
  if ('code' in d) return fail({ ...d, line: firstLine });
  if (d.escape === '\u00a5') {
    warnings.push({
      code: 'YEN_ESCAPE',
      message: 'MSH-2 declares the yen sign as escape character',
      line: 1,
      field: 2,
    });
  }
  const ctx = { delimiters: d, charset: charset ?? 'UTF-8' };
  const segments: Hl7Segment[] = [];
  const fieldSep = d.field.charCodeAt(0);
  let line = firstLine;
  let lineBreaks = 0;
  let emptyLines = 0;
  let pos = 0;
  const crOnly = body.indexOf('\n') < 0;
  while (pos < body.length) {
    let end = crOnly ? body.indexOf('\r', pos) : -1;
    let next: number;
    if (crOnly) {
      if (end < 0) end = body.length;
      next = end + 1;
    } else {
      end = pos;
      while (end < body.length && body.charCodeAt(end) !== 0x0d && body.charCodeAt(end) !== 0x0a) end++;
      next = end + (body.charCodeAt(end) === 0x0d && body.charCodeAt(end + 1) === 0x0a ? 2 : 1);
      if (end < body.length && body.charCodeAt(end) === 0x0a) lineBreaks |= 1;
      else if (next - end === 2) lineBreaks |= 2;
    }
    if (end === pos) {
      emptyLines++;
    } else {
      const index = segments.length + 1;
      if (index > maxSegments)
        return fail({ code: 'TOO_LARGE', message: `more than ${maxSegments} segments`, line });
      const ok =
        end - pos >= 3 &&
        isNameChar(body.charCodeAt(pos)) &&
        isNameChar(body.charCodeAt(pos + 1)) &&
        isNameChar(body.charCodeAt(pos + 2)) &&
        (end - pos === 3 || body.charCodeAt(pos + 3) === fieldSep);
      if (!ok) {
        return fail({
          code: 'BAD_SEGMENT',
          message: `'${body.slice(pos, Math.min(end, pos + 12))}' is not a segment (name of 3 upper-case letters or digits, then '${d.field}')`,
          line,
          segment: body.slice(pos, Math.min(end, pos + 3)),
          segmentIndex: index,
        });
      }
      segments.push(new SegmentImpl(ctx, body.slice(pos, end), body.slice(pos, pos + 3), index, line));
    }
    line++;
    pos = next;
  }
  const msh = segments[0]!;
  if (msh.fieldCount < 9) {
    return fail({
      code: 'TRUNCATED',
      message: `MSH ends at field ${msh.fieldCount}, before MSH-9 (message type)`,
      line: firstLine,
      segment: 'MSH',
      segmentIndex: 1,
      field: msh.fieldCount + 1,
    });
  }
  if (charset === undefined) ctx.charset = charsetFromDeclaration(msh.raw(18), msh.raw(20)) ?? 'UTF-8';
  if (lineBreaks) {
    const kind = lineBreaks === 1 ? 'LF' : lineBreaks === 2 ? 'CRLF' : 'mixed CR/LF/CRLF';
    warnings.push({ code: 'SEGMENT_SEPARATOR', message: `segments end with ${kind}, not CR` });
  }
  if (emptyLines > 0) {
    warnings.push({ code: 'EMPTY_LINES', message: `${emptyLines} empty line(s) between segments ignored` });
  }
  const message = new Hl7Message({ text: body, segments, delimiters: d, charset: ctx.charset, framing });
  return { ok: true, message, charset: ctx.charset, warnings };
}
