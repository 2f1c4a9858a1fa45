/**
 * お薬手帳 QR codes as the pharmacist collects them (issue 13): the text of each code, read from its bytes
 * (Shift_JIS in the pharmacy's print, UTF-8 from some apps), the few facts the screen shows before
 * anything is sent (is it JAHIS, which part of a split notebook, whose notebook), and whether the
 * collected codes look like one whole notebook. Pure and small on purpose: the repository reads the
 * codes for real (packages/okusuri-techo, assembleQrParts + parseOkusuriTecho) and refuses what is
 * wrong; this only tells the pharmacist what is still missing.
 *
 * JAHIS 3.2.9(3): a notebook too large for one code is split at record boundaries; every part starts
 * with the version record `JAHISTCnn,…` and ends with `911,<データ固有ID>,<分割数>,<データ連番>`.
 */

/** The parts of a split notebook as its 分割制御レコード (911) says. */
export interface SplitControl {
  dataId: string;
  total: number;
  sequence: number;
}

export interface NotebookPatient {
  name: string;
  kana?: string;
  /** YYYY-MM-DD (西暦), or as written (和暦 GYYMMDD). */
  birthDate?: string;
  sex?: 'male' | 'female';
}

export interface NotebookDispensing {
  /** YYYY-MM-DD (西暦), or as written. */
  date: string;
  pharmacy?: string;
}

export interface ScannedCode {
  /** The code's text, line ends as CR LF, without BOM, trailing EOF or blank lines. */
  text: string;
  /** A JAHIS 電子版お薬手帳 code: whole (one code) or a part of a split notebook; else another code. */
  kind: 'whole' | 'part' | 'other';
  split?: SplitControl;
  /** The version record (JAHISTC08…): parts of one notebook share it. */
  version?: string;
  /** 患者情報レコード (1), in the part that holds it. */
  patient?: NotebookPatient;
  /** 調剤等年月日 (5) with the 調剤－医療機関等 (11) after it, in this code. */
  dispensings: NotebookDispensing[];
  /** The text had bytes neither UTF-8 nor Shift_JIS could read (shown with U+FFFD). */
  unreadable?: boolean;
}

// ── bytes → text ───────────────────────────────────────────────────────────────────────────────────

/** QR ECI assignment numbers (ISO/IEC 18004 / AIM ECI): 20 Shift_JIS, 26 UTF-8. */
const ECI_CHARSET: Readonly<Record<number, 'shift_jis' | 'utf-8'>> = { 20: 'shift_jis', 26: 'utf-8' };

/**
 * A code's bytes as text. An ECI naming the charset is followed; otherwise UTF-8 when the bytes are
 * valid UTF-8 (ASCII is), else Shift_JIS — the charset of the JAHIS format (3.2.1), which the pharmacy
 * systems print (QR Kanji mode and byte mode both carry Shift_JIS bytes). A trailing EOF (0x1A) is cut
 * as a byte (ICU's Shift_JIS decoder reads it as U+001C).
 */
export function decodeQrBytes(
  input: ArrayLike<number>,
  eci?: number,
): { text: string; charset: 'utf-8' | 'shift_jis'; unreadable: boolean } {
  let end = input.length;
  while (end > 0 && input[end - 1] === 0x1a) end--;
  const bytes = Uint8Array.from({ length: end }, (_, i) => input[i]!);
  const named = eci === undefined ? undefined : ECI_CHARSET[eci];
  const order: ('utf-8' | 'shift_jis')[] = named
    ? [named, named === 'utf-8' ? 'shift_jis' : 'utf-8']
    : ['utf-8', 'shift_jis'];
  for (const charset of order) {
    try {
      return { text: new TextDecoder(charset, { fatal: true }).decode(bytes), charset, unreadable: false };
    } catch {
      // not this charset: the next one
    }
  }
  const charset = named ?? 'shift_jis';
  return { text: new TextDecoder(charset).decode(bytes), charset, unreadable: true };
}

/**
 * A platform decoder's text (BarcodeDetector's rawValue) that read Shift_JIS bytes one byte per
 * character (ISO-8859-1, as some do for a code without ECI): the bytes again, read as {@link decodeQrBytes}
 * does. Text with any character above U+00FF was decoded by a real table and is kept as it is; so is
 * plain ASCII.
 */
export function repairLatin1(text: string): string {
  let high = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) return text;
    if (c >= 0x80) high = true;
  }
  if (!high) return text;
  const bytes = Uint8Array.from(text, (ch) => ch.charCodeAt(0));
  const read = decodeQrBytes(bytes);
  return read.unreadable ? text : read.text;
}

// ── one code ───────────────────────────────────────────────────────────────────────────────────────

/** The text as the repository will read it, and as two scans of one code compare equal. */
export function normalizeCodeText(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/[\u001a\u001c]+$/, '')
    .split(/\r\n|\r|\n/)
    .filter((line) => line.trim() !== '')
    .join('\r\n');
}

const VERSION = /^JAHISTC\d{2}$/;

const ymd = (value: string | undefined): string | undefined => {
  if (!value) return undefined;
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : value;
};

/** The 分割制御レコード of a part, when the last record is one and it is well formed. */
export function splitControl(fields: readonly string[]): SplitControl | undefined {
  if (fields[0] !== '911') return undefined;
  const [dataId = '', total = '', sequence = ''] = fields.slice(1).map((f) => f.trim());
  if (!/^\d{1,14}$/.test(dataId) || !/^\d{1,3}$/.test(total) || !/^\d{1,3}$/.test(sequence)) return undefined;
  const split = { dataId, total: Number(total), sequence: Number(sequence) };
  return split.total >= 1 && split.sequence >= 1 && split.sequence <= split.total ? split : undefined;
}

/** What the screen shows of one code, read minimally (the repository reads it for real). */
export function readCode(raw: string, unreadable = false): ScannedCode {
  const text = normalizeCodeText(raw);
  const records = text.split('\r\n').map((line) => line.split(',').map((f) => f.trim()));
  const head = records[0]?.[0] ?? '';
  const base = { text, dispensings: [], ...(unreadable ? { unreadable } : {}) };
  if (!VERSION.test(head)) return { ...base, kind: 'other' };
  const last = records.length > 1 ? records.at(-1) : undefined;
  const split = last ? splitControl(last) : undefined;
  const code: ScannedCode = {
    ...base,
    kind: split ? 'part' : 'whole',
    version: head,
    dispensings: [],
    ...(split ? { split } : {}),
  };
  let current: NotebookDispensing | undefined;
  for (const fields of records.slice(1)) {
    const [no, ...rest] = fields;
    if (no === '1' && !code.patient && rest[0]) {
      code.patient = {
        name: rest[0],
        ...(rest[9] ? { kana: rest[9] } : {}),
        ...(rest[2] ? { birthDate: ymd(rest[2]) } : {}),
        ...(rest[1] === '1' ? { sex: 'male' as const } : rest[1] === '2' ? { sex: 'female' as const } : {}),
      };
    } else if (no === '5' && rest[0]) {
      current = { date: ymd(rest[0]) ?? rest[0] };
      code.dispensings.push(current);
    } else if (no === '11' && current && !current.pharmacy && rest[0]) {
      current.pharmacy = rest[0];
    }
  }
  return code;
}

// ── the codes collected ────────────────────────────────────────────────────────────────────────────

/**
 * The codes with one more: the same text twice is one code (the camera sees a code many times). Answers
 * the same array when nothing was added.
 */
export function addCode(codes: readonly ScannedCode[], next: ScannedCode): readonly ScannedCode[] {
  if (next.text === '' || codes.some((c) => c.text === next.text)) return codes;
  return [...codes, next];
}

export type NotebookState =
  /** Nothing collected yet. */
  | { state: 'empty' }
  /** One unsplit notebook, or every part 1…N of one split notebook. */
  | { state: 'complete'; total: number }
  /** Parts of one split notebook, some still missing. */
  | { state: 'incomplete'; total: number; seen: number[]; missing: number[] }
  /** Codes of more than one notebook (two split sets, a whole one among parts, a part twice …). */
  | { state: 'mixed' }
  /** Only codes that are not JAHIS お薬手帳 codes. */
  | { state: 'not-jahis' };

/** Whether the codes look like one whole notebook: what to scan next, or that it is ready to import. */
export function notebookState(codes: readonly ScannedCode[]): NotebookState {
  if (codes.length === 0) return { state: 'empty' };
  const jahis = codes.filter((c) => c.kind !== 'other');
  if (jahis.length === 0) return { state: 'not-jahis' };
  if (jahis.length < codes.length) return { state: 'mixed' };
  const whole = jahis.filter((c) => c.kind === 'whole');
  if (whole.length > 0)
    return whole.length === 1 && jahis.length === 1 ? { state: 'complete', total: 1 } : { state: 'mixed' };
  const first = jahis[0]!.split!;
  const sameSet = jahis.every(
    (c) =>
      c.split!.dataId === first.dataId && c.split!.total === first.total && c.version === jahis[0]!.version,
  );
  if (!sameSet) return { state: 'mixed' };
  const seen = jahis.map((c) => c.split!.sequence).sort((a, b) => a - b);
  if (new Set(seen).size !== seen.length) return { state: 'mixed' };
  const missing: number[] = [];
  for (let s = 1; s <= first.total; s++) if (!seen.includes(s)) missing.push(s);
  return missing.length === 0
    ? { state: 'complete', total: first.total }
    : { state: 'incomplete', total: first.total, seen, missing };
}

/** The patient and the dispensings the collected codes name (a split notebook's patient is in one part). */
export function notebookSummary(codes: readonly ScannedCode[]): {
  patient?: NotebookPatient;
  dispensings: NotebookDispensing[];
} {
  const ordered = [...codes].sort((a, b) => (a.split?.sequence ?? 0) - (b.split?.sequence ?? 0));
  const patient = ordered.find((c) => c.patient)?.patient;
  return { ...(patient ? { patient } : {}), dispensings: ordered.flatMap((c) => c.dispensings) };
}
