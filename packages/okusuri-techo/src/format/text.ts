// 3.2.1 ファイル形式: an MS-DOS text file of ASCII or Shift_JIS (no 外字), fields separated by half-width
// commas, records ended by CR LF, an optional EOF (0x1A) at the end. Fields are never quoted: a value
// cannot hold a half-width comma (the writer replaces it with a full-width one) nor a line break, so a
// `"` is an ordinary character. Shift_JIS is decoded strictly — an invalid sequence is an error, never
// U+FFFD — with the project's one decoder rule (@hie/hl7v2): the six WHATWG/iconv variant characters
// read as the iconv column (〜 ‖ − ¢ £ ¬), whichever tool decoded the bytes.
import { normalizeJisVariants } from '@hie/hl7v2';
import { issue, type OtcIssue } from '../issues.js';

/** Bound on one input (file or assembled QR parts). A full notebook export of years is far below it. */
export const DEFAULT_MAX_BYTES = 1024 * 1024;

export interface TextOptions {
  /** Bytes only: the charset (default Shift_JIS as the spec says; a UTF-8 BOM selects UTF-8). */
  charset?: 'Shift_JIS' | 'UTF-8';
  /** Bound on the input in bytes (or characters, for text). Default {@link DEFAULT_MAX_BYTES}. */
  maxBytes?: number;
}

export type DecodeResult = { ok: true; text: string } | { ok: false; error: OtcIssue };

const fatal = {
  Shift_JIS: new TextDecoder('shift_jis', { fatal: true }),
  'UTF-8': new TextDecoder('utf-8', { fatal: true }),
};
const lenient = {
  Shift_JIS: new TextDecoder('shift_jis'),
  'UTF-8': new TextDecoder('utf-8'),
};

/** The text of a notebook file or scan: bytes decoded strictly, BOM and trailing EOF removed. */
export function decodeNotebook(
  input: string | Uint8Array,
  source: string,
  o: TextOptions = {},
): DecodeResult {
  const max = o.maxBytes ?? DEFAULT_MAX_BYTES;
  if (input.length > max) {
    return {
      ok: false,
      error: issue(
        'otc-too-large',
        source,
        `入力が大きすぎます（${input.length} > ${max}）`,
        `input of ${input.length} exceeds the bound of ${max}`,
      ),
    };
  }
  // Whatever the input, its characters began as Shift_JIS (the format's charset) and met some decoder's
  // table on the way — a browser QR decoder's, an app's UTF-8 export: normalized the same way everywhere.
  if (typeof input === 'string') {
    return { ok: true, text: normalizeJisVariants(stripEof(input.replace(/^\uFEFF/, ''))) };
  }
  const bom = input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf;
  const charset = o.charset ?? (bom ? 'UTF-8' : 'Shift_JIS');
  let end = input.length;
  // EOF is cut as a byte: ICU's Shift_JIS decoder reads 0x1A as U+001C.
  while (end > 0 && input[end - 1] === 0x1a) end--;
  const bytes = input.subarray(charset === 'UTF-8' && bom ? 3 : 0, end);
  try {
    const text = fatal[charset].decode(bytes);
    return { ok: true, text: normalizeJisVariants(text) };
  } catch {
    const readable = lenient[charset].decode(bytes);
    const at = readable.indexOf('\uFFFD');
    const line = at < 0 ? undefined : lineAt(readable, at);
    return {
      ok: false,
      error: issue(
        'otc-bad-encoding',
        source,
        `${charset} として読めないバイト列があります`,
        `the bytes are not valid ${charset}`,
        { line },
      ),
    };
  }
}

const stripEof = (s: string) => s.replace(/\u001a+$/, '');

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) line++;
  }
  return line;
}

/** One physical line that holds a record. */
export interface RawRecord {
  /** 1-based line number in the text. */
  line: number;
  /** Field 0 is the record number (or `JAHISTCnn` for the version record), trimmed. */
  fields: string[];
  raw: string;
}

/** Splits into records: CR LF (also a lone LF or CR), blank lines skipped, fields split at commas and trimmed. */
export function splitRecords(text: string): RawRecord[] {
  const out: RawRecord[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    out.push({ line: i + 1, fields: raw.split(',').map((v) => v.trim()), raw });
  }
  return out;
}

/** C0 controls and DEL have no place in a record (an EOF mid-text, a decoder's swap, binary data). */
export const CONTROL = /[\u0000-\u001f\u007f]/;
/** 外字: the private-use area Shift_JIS (CP932) rows F0–F9 decode to. */
export const PRIVATE_USE = /[\uE000-\uF8FF]/;

/** Shift_JIS byte count of a value: half-width (ASCII, 半角カナ) 1, everything else 2. */
export function sjisBytes(value: string): number {
  let n = 0;
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    n += cp < 0x80 || (cp >= 0xff61 && cp <= 0xff9f) || cp === 0xa5 || cp === 0x203e ? 1 : 2;
  }
  return n;
}
