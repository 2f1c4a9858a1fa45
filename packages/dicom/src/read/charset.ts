// Specific Character Set (0008,0005), PS3.5 §6.1 and Annex H/I/J: bytes of SH, LO, ST, LT, UT, UC, PN to text.
//
// Japanese files declare `\ISO 2022 IR 87` (JIS X 0208 through ESC $ B … ESC ( B) or
// `ISO 2022 IR 13\ISO 2022 IR 87` (half-width katakana in G1, romaji in G0), sometimes JIS X 0212
// (`ISO 2022 IR 159`, ESC $ ( D). TextDecoder('iso-2022-jp') knows neither the 8-bit katakana of G1 nor
// JIS X 0212, so code-extension text is transcoded to EUC-JP (which carries all three) and decoded once.

/** The value representations whose text follows Specific Character Set; the others are plain ASCII. */
export const CHARSET_VRS: ReadonlySet<string> = new Set(['SH', 'LO', 'ST', 'LT', 'UT', 'UC', 'PN']);

const ESC = 0x1b;

/** Defined terms without code extensions → WHATWG labels Node's TextDecoder knows. */
const SINGLE: Readonly<Record<string, string>> = {
  ISO_IR100: 'iso-8859-1',
  ISO_IR101: 'iso-8859-2',
  ISO_IR109: 'iso-8859-3',
  ISO_IR110: 'iso-8859-4',
  ISO_IR144: 'iso-8859-5',
  ISO_IR127: 'iso-8859-6',
  ISO_IR126: 'iso-8859-7',
  ISO_IR138: 'iso-8859-8',
  ISO_IR148: 'windows-1254',
  ISO_IR203: 'iso-8859-15',
  ISO_IR166: 'windows-874',
  // JIS X 0201: ASCII-like romaji in G0, half-width katakana at A1–DF, exactly Shift_JIS's single bytes.
  ISO_IR13: 'shift_jis',
  ISO_IR192: 'utf-8',
  GB18030: 'gb18030',
  GBK: 'gbk',
};

/** G1 sets selected by `ESC - F` (96-character) or `ESC $ ) F` (multi-byte), PS3.3 C.12.1.1.2. */
const G1_BY_FINAL: Readonly<Record<string, string>> = {
  '-A': 'iso-8859-1',
  '-B': 'iso-8859-2',
  '-C': 'iso-8859-3',
  '-D': 'iso-8859-4',
  '-L': 'iso-8859-5',
  '-G': 'iso-8859-6',
  '-F': 'iso-8859-7',
  '-H': 'iso-8859-8',
  '-M': 'windows-1254',
  '-T': 'windows-874',
  '-b': 'iso-8859-15',
  ')I': 'katakana',
  '$)C': 'euc-kr',
  '$)A': 'gb18030',
};

/** Initial G1 for a code-extension term in value 1 of Specific Character Set. */
const G1_BY_TERM: Readonly<Record<string, string>> = {
  ISO2022IR13: 'katakana',
  ISO2022IR100: 'iso-8859-1',
  ISO2022IR101: 'iso-8859-2',
  ISO2022IR109: 'iso-8859-3',
  ISO2022IR110: 'iso-8859-4',
  ISO2022IR144: 'iso-8859-5',
  ISO2022IR127: 'iso-8859-6',
  ISO2022IR126: 'iso-8859-7',
  ISO2022IR138: 'iso-8859-8',
  ISO2022IR148: 'windows-1254',
  ISO2022IR166: 'windows-874',
  ISO2022IR203: 'iso-8859-15',
  ISO2022IR149: 'euc-kr',
  ISO2022IR58: 'gb18030',
};

type Decoder = InstanceType<typeof TextDecoder>;
const decoders = new Map<string, Decoder>();
function decoder(label: string, fatal = false): Decoder {
  const key = `${label}:${fatal}`;
  let d = decoders.get(key);
  if (!d) {
    d = new TextDecoder(label, { fatal });
    decoders.set(key, d);
  }
  return d;
}

const normalizeTerm = (term: string) => term.trim().toUpperCase().replace(/[\s-]/g, '');

/** Decodes text values of one data set; built once from its Specific Character Set. */
export interface TextDecoding {
  /** The declared terms, as normalised (`ISO2022IR87`); empty for the default repertoire. */
  readonly terms: readonly string[];
  /** Text of a value of VR `vr` (delimiters `\` kept; PN delimiters `^ =` kept). */
  decode(bytes: Uint8Array, vr: string): string;
}

export function textDecoding(specificCharacterSet: readonly string[]): TextDecoding {
  const terms = specificCharacterSet.map(normalizeTerm);
  const codeExtensions = terms.some((t) => t.startsWith('ISO2022'));
  const first = terms[0] ?? '';
  const single = SINGLE[first];
  const decodeText = codeExtensions
    ? (bytes: Uint8Array, vr: string) => decodeIso2022(bytes, first, vr === 'PN')
    : single
      ? (bytes: Uint8Array) => decoder(single).decode(bytes)
      : guessDefault;
  return {
    terms,
    decode(bytes, vr) {
      if (isAscii(bytes)) return asciiText(bytes);
      return CHARSET_VRS.has(vr) ? decodeText(bytes, vr) : decoder('windows-1252').decode(bytes);
    },
  };
}

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) >= 0x80 || bytes[i] === ESC) return false;
  return true;
}

function asciiText(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192)
    s += String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + 8192)));
  return s;
}

/**
 * Text in the default repertoire that is not ASCII: the sender forgot to declare. Japanese systems that
 * do so write UTF-8 or Shift_JIS; anything else is read as Latin-1 so that no byte is lost.
 */
function guessDefault(bytes: Uint8Array): string {
  if (bytes.includes(ESC)) return decodeIso2022(bytes, '', false);
  for (const label of ['utf-8', 'shift_jis']) {
    try {
      return decoder(label, true).decode(bytes);
    } catch {
      // not this one
    }
  }
  return decoder('windows-1252').decode(bytes);
}

type G0 = 'ascii' | 'jis0208' | 'jis0212' | 'katakana7';

/**
 * ISO 2022 code extensions (PS3.5 §6.1.2.5). Japanese sets are transcoded into EUC-JP bytes; other G1 sets
 * (Latin, Korean, Chinese) into their own runs. Each run is decoded with its TextDecoder. At the start of
 * each value, and after a delimiter met in a single-byte G0 state (`\`, CR, LF, TAB, FF, and `^ =` in PN),
 * the sets of value 1 are active again.
 */
function decodeIso2022(bytes: Uint8Array, firstTerm: string, personName: boolean): string {
  const initialG1 = G1_BY_TERM[firstTerm] ?? null;
  let g0: G0 = 'ascii';
  let g1: string | null = initialG1;
  const runs: { label: string; bytes: number[] }[] = [];
  const emit = (label: string, ...b: number[]) => {
    const last = runs[runs.length - 1];
    if (last && last.label === label) last.bytes.push(...b);
    else runs.push({ label, bytes: b });
  };
  /** ASCII joins whatever run is open: every label here is ASCII-compatible. */
  const emitAscii = (b: number) => {
    const last = runs[runs.length - 1];
    if (last) last.bytes.push(b);
    else runs.push({ label: 'euc-jp', bytes: [b] });
  };
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b === ESC) {
      const designation = escapeSequence(bytes, i);
      if (designation) {
        if (designation.g0) g0 = designation.g0;
        if (designation.g1) g1 = designation.g1;
        i += designation.length;
        continue;
      }
      i++; // an unknown escape: drop the ESC, keep what follows as text
      continue;
    }
    if (b < 0x80) {
      const next = bytes[i + 1];
      if ((g0 === 'jis0208' || g0 === 'jis0212') && b >= 0x21 && b <= 0x7e && next !== undefined) {
        if (g0 === 'jis0212') emit('euc-jp', 0x8f, b | 0x80, next | 0x80);
        else emit('euc-jp', b | 0x80, next | 0x80);
        i += 2;
        continue;
      }
      if (g0 === 'katakana7' && b >= 0x21 && b <= 0x5f) {
        emit('euc-jp', 0x8e, b + 0x80);
        i++;
        continue;
      }
      emitAscii(b);
      if (isResetPoint(b, personName)) {
        g0 = 'ascii';
        g1 = initialG1;
      }
      i++;
      continue;
    }
    // High bytes: the G1 set.
    if (g1 === 'katakana') {
      if (b >= 0xa1 && b <= 0xdf) emit('euc-jp', 0x8e, b);
      else emit('windows-1252', b);
      i++;
    } else if (g1 === 'euc-kr' || g1 === 'gb18030') {
      const next = bytes[i + 1];
      if (next !== undefined && next >= 0x80) {
        emit(g1, b, next);
        i += 2;
      } else {
        emit(g1, b);
        i++;
      }
    } else {
      emit(g1 ?? 'windows-1252', b);
      i++;
    }
  }
  return runs.map((r) => decoder(r.label).decode(Uint8Array.from(r.bytes))).join('');
}

function isResetPoint(b: number, personName: boolean): boolean {
  return (
    b === 0x5c ||
    b === 0x0d ||
    b === 0x0a ||
    b === 0x09 ||
    b === 0x0c ||
    (personName && (b === 0x5e || b === 0x3d))
  );
}

/** Reads an escape sequence at `i`: which G0 or G1 set it designates and how many bytes it takes. */
function escapeSequence(bytes: Uint8Array, i: number): { g0?: G0; g1?: string; length: number } | null {
  const c = (k: number) => String.fromCharCode(bytes[i + k] ?? 0);
  const two = c(1) + c(2);
  const three = two + c(3);
  switch (two) {
    case '(B':
    case '(J':
      return { g0: 'ascii', length: 3 };
    case '(I':
      return { g0: 'katakana7', length: 3 };
    case '$B':
    case '$@':
      return { g0: 'jis0208', length: 3 };
  }
  if (three === '$(D') return { g0: 'jis0212', length: 4 };
  const g1Multi = G1_BY_FINAL[three.slice(0, 3)];
  if (three.startsWith('$)') && g1Multi) return { g1: g1Multi, length: 4 };
  const g1 = G1_BY_FINAL[two];
  if (g1) return { g1, length: 3 };
  return null;
}
