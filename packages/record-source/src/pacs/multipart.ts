// multipart/related bodies (RFC 2046 §5.1, PS3.18 8.7.3) read as they arrive: one part at a time in
// memory, never the whole body — a WADO-RS frames answer may hold a whole multi-frame instance.

export interface MultipartPart {
  /** Header names lower case. */
  headers: Record<string, string>;
  body: Buffer;
}

/** Why a body could not be read as multipart (the source answered something else). */
export class MultipartError extends Error {
  override readonly name = 'MultipartError';
}

const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 16 * 1024;

/** The parameters of a Content-Type value (`boundary`, `type`, …), quoted strings unquoted. */
export function mediaTypeParameters(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /;\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/g;
  for (let m = re.exec(value); m; m = re.exec(value))
    out[(m[1] ?? '').toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  return out;
}

/**
 * The parts of a multipart body with this boundary, each yielded once complete. A part longer than
 * `maxPartBytes`, a body that ends before its close delimiter, or one without a delimiter throws a
 * MultipartError.
 */
export async function* multipartParts(
  body: AsyncIterable<Uint8Array>,
  boundary: string,
  maxPartBytes: number,
): AsyncGenerator<MultipartPart> {
  if (!boundary || boundary.length > 70) throw new MultipartError(`no usable boundary '${boundary}'`);
  // Every delimiter is CRLF "--" boundary; the body gets a CRLF in front so the first one is no exception.
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  let pending: Buffer = Buffer.from(CRLF);
  // `sized`: a part whose Content-Length is known (Orthanc sends it) is complete at its last byte, not
  // only when the next delimiter comes — the frame is handed on at once.
  let state: 'preamble' | 'delimiter' | 'headers' | 'body' | 'sized' | 'closing' = 'preamble';
  let remaining = 0;
  let closed = false;
  let headers: Record<string, string> = {};
  let parts: Buffer[] = [];
  let partBytes = 0;

  const take = (n: number) => {
    const head = pending.subarray(0, n);
    pending = pending.subarray(n);
    return head;
  };

  for await (const chunk of body) {
    pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, chunk]);
    for (;;) {
      if (state === 'preamble' || state === 'body') {
        const at = pending.indexOf(delimiter);
        if (at < 0) {
          // Keep what could be the start of a delimiter; the rest is preamble (dropped) or body.
          const keep = Math.min(pending.length, delimiter.length - 1);
          const settled = take(pending.length - keep);
          if (state === 'body') {
            parts.push(Buffer.from(settled));
            partBytes += settled.length;
            if (partBytes > maxPartBytes)
              throw new MultipartError(`a part longer than ${maxPartBytes} bytes`);
          }
          break;
        }
        const before = take(at);
        take(delimiter.length);
        if (state === 'body') {
          parts.push(Buffer.from(before));
          partBytes += before.length;
          if (partBytes > maxPartBytes) throw new MultipartError(`a part longer than ${maxPartBytes} bytes`);
          yield { headers, body: parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts) };
          parts = [];
          partBytes = 0;
        }
        state = 'delimiter';
      }
      if (state === 'delimiter') {
        // "--" closes the body; else transport padding up to the CRLF that ends the delimiter line.
        if (pending.length < 2) break;
        if (pending[0] === 0x2d && pending[1] === 0x2d) {
          closed = true;
          break;
        }
        const eol = pending.indexOf(CRLF);
        if (eol < 0) {
          if (pending.length > 1024) throw new MultipartError('a delimiter line that does not end');
          break;
        }
        take(eol + CRLF.length);
        state = 'headers';
      }
      if (state === 'headers') {
        if (pending.length >= 2 && pending[0] === 0x0d && pending[1] === 0x0a) {
          take(2); // a part without header fields
          headers = {};
          state = 'body';
          continue;
        }
        const end = pending.indexOf(HEADERS_END);
        if (end < 0) {
          if (pending.length > MAX_HEADER_BYTES) throw new MultipartError('part headers beyond 16 KiB');
          break;
        }
        headers = parseHeaders(take(end).toString('latin1'));
        take(HEADERS_END.length);
        const length = /^\d{1,15}$/.test(headers['content-length'] ?? '')
          ? Number(headers['content-length'])
          : -1;
        if (length > maxPartBytes) throw new MultipartError(`a part longer than ${maxPartBytes} bytes`);
        state = length >= 0 ? 'sized' : 'body';
        remaining = length;
        continue;
      }
      if (state === 'sized') {
        const piece = take(Math.min(remaining, pending.length));
        parts.push(Buffer.from(piece));
        remaining -= piece.length;
        if (remaining > 0) break;
        yield { headers, body: parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts) };
        parts = [];
        state = 'closing';
        continue;
      }
      if (state === 'closing') {
        // Right after a sized part comes its delimiter, or the length lied.
        if (pending.length < delimiter.length) break;
        if (!take(delimiter.length).equals(delimiter))
          throw new MultipartError('a part does not end where its Content-Length says');
        state = 'delimiter';
        continue;
      }
      break;
    }
    if (closed) return;
  }
  throw new MultipartError(
    state === 'preamble' ? 'no part delimiter in the body' : 'the body ends before its close delimiter',
  );
}

function parseHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) out[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return out;
}
