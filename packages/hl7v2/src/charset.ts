import type { Charset, Hl7Error, Hl7Warning } from './errors.js';

// One fatal decoder per charset: a decode failure must become BAD_ENCODING, never U+FFFD.
// UTF-8 keeps a BOM in the text (ignoreBOM) so that the framing code can strip and restore it.
const decoders: Record<Charset, { decode(bytes: Uint8Array): string }> = {
  'ISO-2022-JP': new TextDecoder('iso-2022-jp', { fatal: true }),
  Shift_JIS: new TextDecoder('shift_jis', { fatal: true }),
  'UTF-8': new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }),
};

/** Decodes bytes in a charset; undefined when they are not valid in it. */
export function tryDecode(bytes: Uint8Array, charset: Charset): string | undefined {
  try {
    return decoders[charset].decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Maps an MSH-18 (and MSH-20) declaration to a charset. Spellings seen in real files differ in
 * spaces, hyphens and case (`~ISO IR87`, `~ISOIR87`, `ISO 2022-1994`, `SHIFT-JIS`, `UNICODE UTF-8`),
 * so both are compared with those removed. Returns undefined for ASCII-only or unknown declarations.
 */
export function charsetFromDeclaration(msh18: string, msh20 = ''): Charset | undefined {
  const d = msh18.toUpperCase().replace(/[\s_\-~^]/g, '');
  if (d.includes('IR87') || d.includes('IR159') || d.includes('IR13') || d.includes('2022'))
    return 'ISO-2022-JP';
  if (
    d.includes('SHIFTJIS') ||
    d.includes('SJIS') ||
    d.includes('CP932') ||
    d.includes('WINDOWS31J') ||
    d.includes('MS932')
  )
    return 'Shift_JIS';
  if (d.includes('UTF8') || d === 'UNICODE') return 'UTF-8';
  const alt = msh20.toUpperCase().replace(/[\s_\-]/g, '');
  if (alt.includes('2022')) return 'ISO-2022-JP';
  return undefined;
}

const ESC = 0x1b;

/** The MSH-18 / MSH-20 declarations read from the ASCII bytes of the header, before any decoding. */
export interface HeaderDeclaration {
  hasMsh: boolean;
  msh18: string;
  msh20: string;
}

/**
 * Reads MSH-18 and MSH-20 from the raw bytes. Skips JIS runs (ESC $ … ESC ( ) so that a kanji byte
 * that happens to equal the field separator in MSH-3..17 does not shift the count.
 */
export function readHeaderDeclaration(bytes: Uint8Array, start: number): HeaderDeclaration {
  const none = { hasMsh: false, msh18: '', msh20: '' };
  if (
    bytes.length < start + 4 ||
    bytes[start] !== 0x4d ||
    bytes[start + 1] !== 0x53 ||
    bytes[start + 2] !== 0x48
  )
    return none;
  const sep = bytes[start + 3];
  let field = 1; // counts the field that ends at each separator: the first one found ends MSH-2
  let fieldStart = start + 4;
  let msh18 = '';
  let msh20 = '';
  let jis = false;
  const end = Math.min(bytes.length, start + 4096);
  for (let i = start + 4; i <= end; i++) {
    const b = i < end ? bytes[i] : 0x0d;
    if (b === ESC && i + 2 < end) {
      jis = bytes[i + 1] === 0x24;
      i += 2;
      continue;
    }
    if (jis && b !== 0x0d && b !== 0x0a) continue;
    if (b === sep || b === 0x0d || b === 0x0a) {
      field++;
      if (field === 18) msh18 = latin1(bytes, fieldStart, i);
      if (field === 20) msh20 = latin1(bytes, fieldStart, i);
      fieldStart = i + 1;
      if (b !== sep) break;
    }
  }
  return { hasMsh: true, msh18, msh20 };
}

function latin1(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to && i < from + 64; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return false;
  return true;
}

export type DecodeResult =
  | { ok: true; text: string; charset: Charset; warnings: Hl7Warning[] }
  | { ok: false; error: Hl7Error };

/**
 * Chooses the charset and decodes. Order: the caller's choice; else the MSH-18/MSH-20 declaration;
 * else sniffing (ESC bytes → ISO-2022-JP, valid UTF-8 → UTF-8). When the declared charset fails or
 * plainly disagrees with the bytes, the sniffed one is used and a CHARSET_MISMATCH warning is given.
 */
export function decodeHl7Bytes(bytes: Uint8Array, headerStart: number, forced?: Charset): DecodeResult {
  if (forced) {
    const text = tryDecode(bytes, forced);
    return text === undefined
      ? badEncoding(`bytes are not valid ${forced}`)
      : { ok: true, text, charset: forced, warnings: [] };
  }
  const header = readHeaderDeclaration(bytes, headerStart);
  const declared = charsetFromDeclaration(header.msh18, header.msh20);
  const hasEsc = bytes.indexOf(ESC) >= 0;
  const ascii = !hasEsc && isAscii(bytes);
  const warnings: Hl7Warning[] = [];
  if (declared && !ascii) {
    // A JIS declaration over bytes with no ESC, or UTF-8/Shift_JIS over bytes with ESC $ B, disagree.
    const plausible = declared === 'ISO-2022-JP' ? hasEsc : !hasEsc;
    const text = plausible ? tryDecode(bytes, declared) : undefined;
    if (text !== undefined) return { ok: true, text, charset: declared, warnings };
  }
  const candidates: Charset[] = hasEsc ? ['ISO-2022-JP'] : header.hasMsh ? ['UTF-8', 'Shift_JIS'] : ['UTF-8'];
  for (const charset of candidates) {
    const text = tryDecode(bytes, charset);
    if (text === undefined) continue;
    if (declared && declared !== charset && !ascii) {
      warnings.push({
        code: 'CHARSET_MISMATCH',
        message: `MSH-18 declares ${header.msh18.trim() || '(nothing)'} (${declared}) but the bytes are ${charset}`,
        line: 1,
        segment: 'MSH',
        field: 18,
      });
    } else if (!declared && !ascii && header.hasMsh) {
      warnings.push({
        code: 'CHARSET_UNDECLARED',
        message: `MSH-18 '${header.msh18}' names no known charset; bytes read as ${charset}`,
        line: 1,
        segment: 'MSH',
        field: 18,
      });
    }
    return { ok: true, text, charset: declared && ascii ? declared : charset, warnings };
  }
  return badEncoding(
    declared
      ? `bytes are not valid ${declared} (MSH-18 '${header.msh18.trim()}') nor UTF-8`
      : 'bytes are in no supported charset',
  );
}

function badEncoding(message: string): DecodeResult {
  return { ok: false, error: { code: 'BAD_ENCODING', message } };
}

// The WHATWG decoders map six JIS X 0208 symbols to other code points than iconv, glibc and Python.
const JIS_VARIANTS: Record<string, string> = {
  '\uFF5E': '\u301C', // 0x2141 wave dash
  '\u2225': '\u2016', // 0x2142 double vertical line
  '\uFF0D': '\u2212', // 0x215D minus
  '\uFFE0': '\u00A2', // 0x2171 cent
  '\uFFE1': '\u00A3', // 0x2172 pound
  '\uFFE2': '\u00AC', // 0x224C not sign
};
const JIS_VARIANT_RE = /[\uFF5E\u2225\uFF0D\uFFE0\uFFE1\uFFE2]/g;

/** Maps the six WHATWG code points to the iconv column (U+301C U+2016 U+2212 U+00A2 U+00A3 U+00AC). */
export function normalizeJisVariants(s: string): string {
  JIS_VARIANT_RE.lastIndex = 0;
  return JIS_VARIANT_RE.test(s) ? s.replace(JIS_VARIANT_RE, (c) => JIS_VARIANTS[c] ?? c) : s;
}

export { encodeHl7Text } from './encode-text.js';
