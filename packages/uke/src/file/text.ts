// Bytes → text, exactly. UKE files and the master files are Shift_JIS (JIS X 0208, no 外字), records end
// with CR LF and the file may end with EOF (0x1A). Decoding is one native call over the whole file; only
// when it fails does a slow path find the lines and fields at fault. A UKE file holds no half-width
// katakana (漢字 fields are full-width, 英数 fields ASCII); the master files do, in their カナ名称.
//
// The decoder is the platform's WHATWG Shift_JIS decoder, fatal (an invalid byte is an error, never
// U+FFFD); @hie/hl7v2 does not export its decoder, only `normalizeJisVariants`, which maps the six
// symbols WHATWG decodes differently from iconv (〜 ‖ − ¢ £ ¬) to the iconv column — the same text
// whichever tool decoded it, as in the project's HL7 path.
import { normalizeJisVariants } from '@hie/hl7v2';
import type { ErrorList } from './errors.js';

const SJIS = new TextDecoder('shift_jis', { fatal: true });
const UTF8 = new TextDecoder('utf-8', { fatal: true });
const EUC_JP = new TextDecoder('euc-jp', { fatal: true });

const LF = 0x0a;
const COMMA = 0x2c;
const EOF = 0x1a;

/**
 * Characters a Shift_JIS UKE or master file never holds: C0 controls but CR/LF (the ICU decoder also
 * swaps 0x1A/0x1C/0x7F, so none of them may pass), DEL, U+0080, 外字 (user-defined area → Private Use),
 * half-width katakana (漢字 fields are JIS X 0208 only), and a CR not followed by LF. Half-width kana is
 * also the tell of EUC-JP or UTF-8 bytes read as Shift_JIS: their lead bytes decode as ｱ–ﾝ.
 */
const CONTROLS = '\\u0000-\\u0009\\u000b\\u000c\\u000e-\\u001f\\u007f\\u0080\\ue000-\\uf8ff';
const HALF_WIDTH_KANA = '\\uff61-\\uff9f';

interface Forbidden {
  /** In the whole text: a CR is fine before LF or as the very last character. */
  text: RegExp;
  /** In one field (lines split, the line's own CR removed): any CR is a stray one. */
  field: RegExp;
}

const forbidden = (cls: string): Forbidden => ({
  text: new RegExp(`[${cls}]|\\r(?!\\n|$)`),
  field: new RegExp(`[${cls}\\r]`),
});

/** UKE: 漢字 fields are JIS X 0208, 英数 fields ASCII; no half-width kana anywhere. */
const UKE = forbidden(CONTROLS + HALF_WIDTH_KANA);
/** The master files' カナ名称 columns are half-width katakana. */
const MASTER = forbidden(CONTROLS);

export interface DecodeOptions {
  /** What the file is (UKE, 傷病名マスター …), for messages. */
  what: string;
  /** Half-width katakana allowed (the master files' カナ名称); never in a UKE file. */
  halfWidthKana?: boolean;
}

/** Decodes a whole file, or returns undefined after adding the errors (all of them, up to the bound). */
export function decodeShiftJis(
  bytes: Uint8Array,
  errors: ErrorList,
  opts: DecodeOptions,
): string | undefined {
  let end = bytes.length;
  // The spec's end-of-file mark (and a stray one after the last CR LF) is not data.
  while (end > 0 && bytes[end - 1] === EOF) end--;
  const body = bytes.subarray(0, end);
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) {
    errors.add({
      code: 'uke-encoding',
      line: 1,
      message: `${opts.what}: starts with a UTF-8 byte order mark; the file must be Shift_JIS`,
      messageJa: `${opts.what}: UTF-8のBOMで始まっています。Shift_JISで保存されたファイルが必要です`,
    });
    return undefined;
  }
  let text: string | undefined;
  try {
    text = SJIS.decode(body);
  } catch {
    text = undefined;
  }
  const rules = opts.halfWidthKana ? MASTER : UKE;
  if (text !== undefined && !rules.text.test(text)) return normalizeJisVariants(text);
  const before = errors.count;
  reportEncoding(body, text, errors, opts, rules);
  if (errors.count === before) {
    errors.add({
      code: 'uke-encoding',
      message: `${opts.what}: not valid Shift_JIS text`,
      messageJa: `${opts.what}: Shift_JISのテキストとして不正です`,
    });
  }
  return undefined;
}

/** Slow path: the file as a whole first (is it UTF-8? EUC-JP?), then every line and field at fault. */
function reportEncoding(
  bytes: Uint8Array,
  text: string | undefined,
  errors: ErrorList,
  opts: DecodeOptions,
  rules: Forbidden,
) {
  const guess = otherEncoding(bytes);
  if (guess) {
    errors.add({
      code: 'uke-encoding',
      message: `${opts.what}: the bytes are ${guess}, not Shift_JIS: save the file as Shift_JIS`,
      messageJa: `${opts.what}: ${guess}の文字コードです。Shift_JISで保存し直してください`,
    });
  }
  if (text !== undefined) {
    forbiddenCharacters(text, errors, opts, rules);
    return;
  }
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== LF) continue;
    invalidFields(bytes.subarray(start, i), line, errors, opts, rules);
    line++;
    start = i + 1;
  }
}

/** The other encodings a clinic's file arrives in, when the bytes are valid in them. */
function otherEncoding(bytes: Uint8Array): string | undefined {
  let ascii = true;
  for (let i = 0; i < bytes.length && ascii; i++) ascii = bytes[i]! < 0x80;
  if (ascii) return undefined;
  if (valid(UTF8, bytes)) return 'UTF-8';
  if (valid(EUC_JP, bytes)) return 'EUC-JP';
  return undefined;
}

function valid(decoder: { decode(b: Uint8Array): string }, bytes: Uint8Array): boolean {
  try {
    decoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Fields of one line that are not valid Shift_JIS. Splitting bytes at 0x2C is safe: a Shift_JIS trail
 * byte is 0x40 or more, so a comma byte is always a comma.
 */
function invalidFields(
  line: Uint8Array,
  lineNo: number,
  errors: ErrorList,
  opts: DecodeOptions,
  rules: Forbidden,
) {
  let field = 1;
  let start = 0;
  for (let i = 0; i <= line.length; i++) {
    if (i < line.length && line[i] !== COMMA) continue;
    const bytes = line.subarray(start, i);
    let text: string | undefined;
    try {
      text = SJIS.decode(bytes);
    } catch {
      errors.add({
        code: 'uke-encoding',
        line: lineNo,
        field,
        message: `${opts.what}: bytes not valid in Shift_JIS (${hex(firstNonAscii(bytes))})`,
        messageJa: `${opts.what}: Shift_JISとして不正なバイト列です（${hex(firstNonAscii(bytes))}）`,
      });
    }
    if (text !== undefined) forbiddenIn(text.replace(/\r$/, ''), lineNo, field, errors, opts, rules);
    field++;
    start = i + 1;
  }
}

function firstNonAscii(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length && bytes[i]! < 0x80) i++;
  return bytes.subarray(i, i + 4);
}

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).toUpperCase().padStart(2, '0')).join(' ');

/** Every line and field holding a forbidden character. */
function forbiddenCharacters(text: string, errors: ErrorList, opts: DecodeOptions, rules: Forbidden) {
  const lines = text.split('\n');
  for (let l = 0; l < lines.length; l++) {
    const line = lines[l]!.replace(/\r$/, '');
    if (!rules.field.test(line)) continue;
    const fields = line.split(',');
    for (let f = 0; f < fields.length; f++) forbiddenIn(fields[f]!, l + 1, f + 1, errors, opts, rules);
  }
}

function forbiddenIn(
  field: string,
  line: number,
  fieldNo: number,
  errors: ErrorList,
  opts: DecodeOptions,
  rules: Forbidden,
) {
  const m = rules.field.exec(field);
  if (!m) return;
  const cp = m[0].codePointAt(0) ?? 0;
  const code = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  const [en, ja] =
    cp >= 0xff61 && cp <= 0xff9f
      ? ['half-width katakana: the spec allows JIS X 0208 (full-width) only', '半角カナは使用できません']
      : cp >= 0xe000 && cp <= 0xf8ff
        ? ['外字 (user-defined character): not allowed by the spec', '外字は使用できません']
        : cp === 0x0d
          ? [
              'carriage return not followed by line feed (records end with CR LF)',
              '改行（CR LF）でないCRがあります',
            ]
          : ['control character: not allowed in a record', '制御文字は使用できません'];
  errors.add({
    code: 'uke-encoding',
    line,
    field: fieldNo,
    value: code,
    message: `${opts.what}: ${en} (${code})`,
    messageJa: `${opts.what}: ${ja}（${code}）`,
  });
}
