import { tryDecode } from './charset.js';
import type { Charset } from './errors.js';

/** The delimiters a message declares in MSH-1 and MSH-2. A delimiter the message omits is '\r', which no field can contain. */
export interface Delimiters {
  field: string;
  component: string;
  repetition: string;
  escape: string;
  subComponent: string;
}

export const DEFAULT_DELIMITERS: Delimiters = {
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subComponent: '&',
};

const HEX = /^(?:[0-9A-Fa-f]{2})+$/;

/**
 * Meaning of one escape sequence (the text between two escape characters), or undefined to keep it
 * as written. Formatting: `\.br\` and `\.sp\` become a newline; `\H\` `\N\` (highlight on/off),
 * `\.fi\ \.nf\ \.in\ \.ti\ \.sk\ \.ce\` and the charset switches `\C…\ \M…\` are dropped;
 * `\Z…\` (local) and anything unknown are kept as written.
 */
function unescapeOne(code: string, d: Delimiters, charset: Charset): string | undefined {
  switch (code) {
    case 'F':
      return d.field;
    case 'S':
      return d.component;
    case 'T':
      return d.subComponent;
    case 'R':
      return d.repetition;
    case 'E':
      return d.escape;
    case 'H':
    case 'N':
      return '';
    case '.br':
      return '\n';
  }
  const first = code.charCodeAt(0);
  if (first === 0x58 /* X */) {
    const hex = code.slice(1);
    if (!HEX.test(hex)) return undefined;
    const bytes = new Uint8Array(hex.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    return tryDecode(bytes, charset) ?? tryDecode(bytes, 'UTF-8');
  }
  if (first === 0x43 /* C */ || first === 0x4d /* M */)
    return /^[CM][0-9A-Fa-f]{4,6}$/.test(code) ? '' : undefined;
  if (first === 0x2e /* . */) {
    if (code.startsWith('.sp')) return '\n';
    if (/^\.(fi|nf|ce|(in|ti|sk)\s*[+-]?\d*)$/.test(code)) return '';
  }
  return undefined;
}

/** Decodes the escape sequences of one leaf value (a component or sub-component). */
export function decodeEscapes(s: string, d: Delimiters, charset: Charset): string {
  const esc = d.escape;
  let start = s.indexOf(esc);
  if (start < 0) return s;
  let out = '';
  let from = 0;
  while (start >= 0) {
    const end = s.indexOf(esc, start + 1);
    if (end < 0) break; // unterminated: keep as written
    const meaning = end > start + 1 ? unescapeOne(s.slice(start + 1, end), d, charset) : undefined;
    if (meaning === undefined) {
      // Keep the unknown sequence; its closing character may open the next one.
      out += s.slice(from, end);
      from = end;
      start = end;
      continue;
    }
    out += s.slice(from, start) + meaning;
    from = end + 1;
    start = s.indexOf(esc, from);
  }
  return out + s.slice(from);
}

/**
 * Escapes a leaf value for writing: the five delimiters as \F\ \S\ \T\ \R\ \E\, a line feed as
 * `\.br\` and a carriage return as `\X0D\`, so that any text survives parse(encode(value)).
 */
export function escapeValue(value: string, d: Delimiters): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    let rep: string | undefined;
    // Line breaks first: a delimiter the message omits is '\r' and must not capture them.
    if (c === '\n') rep = '.br';
    else if (c === '\r') rep = 'X0D';
    else if (c === d.escape) rep = 'E';
    else if (c === d.field) rep = 'F';
    else if (c === d.component) rep = 'S';
    else if (c === d.subComponent) rep = 'T';
    else if (c === d.repetition) rep = 'R';
    if (rep === undefined) continue;
    out += value.slice(from, i) + d.escape + rep + d.escape;
    from = i + 1;
  }
  return from === 0 ? value : out + value.slice(from);
}

/** Escapes `\ | ^ & ~` (and line breaks) for the default delimiters `|^~\&`. */
export function escapeHl7(value: string): string {
  return escapeValue(value, DEFAULT_DELIMITERS);
}
