import type { Charset } from './errors.js';

// Reverse tables are built once from the same TextDecoder we read with, so encoding is the exact
// inverse of decoding (no dependency, no table that could drift from the decoder).
let jisTable: Map<number, number> | undefined;
let sjisTable: Map<number, number> | undefined;
/** ASCII code point → byte as ICU's Shift_JIS decoder reads it (it swaps 0x1A, 0x1C and 0x7F). */
let sjisSingle: Uint8Array | undefined;

// The iconv column of the six symbols WHATWG decodes differently: encode them to the same JIS code.
const ICONV_TO_WHATWG: Record<number, number> = {
  12316: 0xff5e,
  8214: 0x2225,
  8722: 0xff0d,
  162: 0xffe0,
  163: 0xffe1,
  172: 0xffe2,
};

/** Code point → JIS X 0208 code (row byte << 8 | cell byte), as the WHATWG ISO-2022-JP decoder reads it. */
function jis(): Map<number, number> {
  if (jisTable) return jisTable;
  const table = new Map<number, number>();
  const decoder = new TextDecoder('iso-2022-jp');
  const bytes = new Uint8Array([0x1b, 0x24, 0x42, 0, 0, 0x1b, 0x28, 0x42]);
  for (let row = 0x21; row <= 0x7e; row++) {
    for (let cell = 0x21; cell <= 0x7e; cell++) {
      bytes[3] = row;
      bytes[4] = cell;
      const ch = decoder.decode(bytes);
      const cp = ch.codePointAt(0)!;
      // Keep the first (lowest) code for characters that appear twice (NEC row 13 vs row 2).
      if (ch.length === 1 && cp !== 0xfffd && !table.has(cp)) table.set(cp, (row << 8) | cell);
    }
  }
  addIconvColumn(table);
  jisTable = table;
  return table;
}

/** Code point → two Shift_JIS bytes, first pointer wins, skipping the NEC-selected IBM duplicates (WHATWG rule). */
function sjis(): Map<number, number> {
  if (sjisTable) return sjisTable;
  const table = new Map<number, number>();
  const decoder = new TextDecoder('shift_jis');
  const single = new Uint8Array(128);
  for (let b = 0; b < 128; b++) {
    const cp = decoder.decode(new Uint8Array([b])).codePointAt(0)!;
    single[cp < 128 ? cp : b] = b;
  }
  sjisSingle = single;
  const bytes = new Uint8Array(2);
  for (let lead = 0x81; lead <= 0xfc; lead++) {
    if (lead >= 0xa0 && lead < 0xe0) continue;
    for (let trail = 0x40; trail <= 0xfc; trail++) {
      if (trail === 0x7f) continue;
      const pointer = (lead - (lead < 0xa0 ? 0x81 : 0xc1)) * 188 + trail - (trail < 0x7f ? 0x40 : 0x41);
      if (pointer >= 8272 && pointer <= 8835) continue;
      bytes[0] = lead;
      bytes[1] = trail;
      const ch = decoder.decode(bytes);
      const cp = ch.codePointAt(0)!;
      if (ch.length === 1 && cp !== 0xfffd && !table.has(cp)) table.set(cp, (lead << 8) | trail);
    }
  }
  addIconvColumn(table);
  sjisTable = table;
  return table;
}

function addIconvColumn(table: Map<number, number>): void {
  for (const [iconv, whatwg] of Object.entries(ICONV_TO_WHATWG)) {
    const code = table.get(whatwg);
    if (code !== undefined && !table.has(Number(iconv))) table.set(Number(iconv), code);
  }
}

/** JIS code of U+25A0 '■': JAHIS writes characters outside JIS X 0208 as this. */
const BLACK_SQUARE = 0x25a0;

/** Half-width katakana have no place in ISO-2022-JP as SS-MIX2 uses it: write the full-width form. */
function fullWidthKana(cp: number): number {
  return String.fromCodePoint(cp).normalize('NFKC').codePointAt(0) ?? cp;
}

class ByteSink {
  buf: Uint8Array;
  n = 0;
  constructor(size: number) {
    this.buf = new Uint8Array(Math.max(16, size));
  }
  push(b: number): void {
    if (this.n === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.n++] = b;
  }
  done(): Uint8Array {
    return this.buf.subarray(0, this.n);
  }
}

function encodeIso2022Jp(text: string): Uint8Array {
  const table = jis();
  const out = new ByteSink(text.length * 2 + 8);
  // 0 = ASCII, 1 = JIS X 0208 (ESC $ B), 2 = JIS-Roman (ESC ( J) for ¥ and ‾ as the decoder reads them.
  let mode = 0;
  const toAscii = () => {
    if (mode !== 0) {
      out.push(0x1b);
      out.push(0x28);
      out.push(0x42);
      mode = 0;
    }
  };
  for (let i = 0; i < text.length; i++) {
    let cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++;
    if (cp < 0x80 && cp !== 0x1b && cp !== 0x0e && cp !== 0x0f) {
      // Return to ASCII before every CR (JAHIS) and for ASCII text.
      toAscii();
      out.push(cp);
      continue;
    }
    if (cp === 0xa5 || cp === 0x203e) {
      if (mode !== 2) {
        out.push(0x1b);
        out.push(0x28);
        out.push(0x4a);
        mode = 2;
      }
      out.push(cp === 0xa5 ? 0x5c : 0x7e);
      continue;
    }
    if (cp >= 0xff61 && cp <= 0xff9f) cp = fullWidthKana(cp);
    const code = table.get(cp) ?? table.get(BLACK_SQUARE)!;
    if (mode !== 1) {
      out.push(0x1b);
      out.push(0x24);
      out.push(0x42);
      mode = 1;
    }
    out.push(code >> 8);
    out.push(code & 0xff);
  }
  toAscii();
  return out.done();
}

function encodeShiftJis(text: string): Uint8Array {
  const table = sjis();
  const single = sjisSingle!;
  const out = new ByteSink(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++;
    if (cp < 0x80) out.push(single[cp]!);
    else if (cp === 0xa5) out.push(0x5c);
    else if (cp === 0x203e) out.push(0x7e);
    else if (cp >= 0xff61 && cp <= 0xff9f) out.push(cp - 0xff61 + 0xa1);
    else {
      const code = table.get(cp) ?? table.get(BLACK_SQUARE)!;
      out.push(code >> 8);
      out.push(code & 0xff);
    }
  }
  return out.done();
}

const utf8 = new TextEncoder();

/**
 * Encodes text for a message file or wire. ISO-2022-JP: ESC $ B for JIS X 0208, back to ASCII
 * (ESC ( B) before each CR and at the end; both columns of the six WHATWG/iconv variants map to the
 * same JIS code; characters outside the charset become '■' (the JAHIS rule). Never throws.
 */
export function encodeHl7Text(text: string, charset: Charset): Uint8Array {
  if (charset === 'ISO-2022-JP') return encodeIso2022Jp(text);
  if (charset === 'Shift_JIS') return encodeShiftJis(text);
  return utf8.encode(text);
}

/** Characters of `text` that `charset` cannot represent (they would be written as '■'). */
export function unencodableCharacters(text: string, charset: Charset): string[] {
  if (charset === 'UTF-8') return [];
  const table = charset === 'ISO-2022-JP' ? jis() : sjis();
  const bad = new Set<string>();
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80 || cp === 0xa5 || cp === 0x203e || (cp >= 0xff61 && cp <= 0xff9f)) continue;
    if (!table.has(cp)) bad.add(ch);
  }
  return [...bad];
}
