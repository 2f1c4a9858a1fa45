// The plug-in point for a lab centre's own CSV layout. Many lab centres (検査センター) deliver results to
// small clinics as CSV rather than HL7, each in its own columns; a layout reads one such file into
// results, and mapLabCsvResult (csv-map.ts) turns each result into FHIR like the HL7 path does.
// A file is read all or nothing: one bad row refuses the whole file, so a clinic never holds half of
// a delivery the lab centre believes it sent whole.
import type { IntakeIssue } from '../batch.js';
import { EXAMPLE_KENSA_V1 } from './csv-example-kensa-v1.js';

/** One test result of a lab centre's file. */
export interface LabCsvItem {
  /** JLAC10 (17 characters), when the lab centre gives one: the code the same test has everywhere. */
  code?: string;
  /** The lab centre's own item code. */
  localCode: string;
  name: string;
  /** The value exactly as sent (`1.50`, `<0.03`, `陰性`). */
  value: string;
  /** The unit exactly as sent; '' when none. */
  unit: string;
  referenceRange?: string;
  /** Abnormal flag, HL7 table 0078: H, L, HH, LL, A, AA, N. */
  flag?: string;
}

/** The results of one order (依頼) of one patient of one clinic. */
export interface LabCsvResult {
  /** 10-digit 医療機関コード of the ordering clinic. */
  clinicCode: string;
  /** The clinic's patient ID. */
  patientId: string;
  /** The order (依頼) number: a corrected result with the same number replaces this one. */
  orderNo: string;
  /** Specimen collection time, FHIR dateTime in Japan time (`2024-02-12T09:15:00+09:00`). */
  collectedAt: string;
  items: LabCsvItem[];
}

export type LabCsvRead = { ok: true; results: LabCsvResult[] } | { ok: false; issues: IntakeIssue[] };

export interface LabCsvLayout {
  /** The registry key (`example-kensa-v1`). */
  name: string;
  encoding: 'shift_jis' | 'utf-8';
  /** Reads the decoded text; every refused row is reported with its line and column name. */
  read(text: string, sourceName: string): LabCsvRead;
}

/** The layouts a lab centre can be configured with, by name. */
export const LAB_CSV_LAYOUTS: Readonly<Record<string, LabCsvLayout>> = {
  [EXAMPLE_KENSA_V1.name]: EXAMPLE_KENSA_V1,
};

export type LabCsvDecode = { ok: true; text: string } | { ok: false; issues: IntakeIssue[] };

const LF = 0x0a;

/**
 * The file's text in the layout's encoding; `lab-csv-encoding` (with the first bad line) when the
 * bytes are not valid in it. Shift_JIS is decoded by the WHATWG decoder (CP932: NEC and IBM extensions
 * included, as Windows writes them). A file the layout expects in Shift_JIS but whose bytes are valid
 * UTF-8 with non-ASCII text is refused too: Shift_JIS Japanese is practically never valid UTF-8, while
 * UTF-8 Japanese can happen to decode as Shift_JIS mojibake.
 */
export function decodeLabCsv(
  bytes: Uint8Array,
  encoding: LabCsvLayout['encoding'],
  file: string,
): LabCsvDecode {
  const refuse = (message: string, line?: number): LabCsvDecode => ({
    ok: false,
    issues: [{ code: 'lab-csv-encoding', message, file, ...(line !== undefined ? { line } : {}) }],
  });
  if (encoding === 'shift_jis' && !isAscii(bytes) && decodes(bytes, 'utf-8')) {
    return refuse('the file is UTF-8, but this lab centre’s layout is Shift_JIS');
  }
  const text = decodes(bytes, encoding);
  if (text !== undefined) return { ok: true, text };
  return refuse(
    `the file is not valid ${encoding === 'shift_jis' ? 'Shift_JIS' : 'UTF-8'}`,
    firstBadLine(bytes, encoding),
  );
}

/** Decodes the file with its layout's encoding, then reads it with the layout. */
export function readLabCsv(bytes: Uint8Array, layout: LabCsvLayout, sourceName: string): LabCsvRead {
  const decoded = decodeLabCsv(bytes, layout.encoding, sourceName);
  return decoded.ok ? layout.read(decoded.text, sourceName) : decoded;
}

// Fatal: a byte that is not a character must refuse the file, never become U+FFFD. The UTF-8 decoder
// drops a leading BOM. Non-streaming decode calls keep no state, so one decoder serves every file.
const DECODERS: Readonly<Record<LabCsvLayout['encoding'], { decode(bytes: Uint8Array): string }>> = {
  shift_jis: new TextDecoder('shift_jis', { fatal: true }),
  'utf-8': new TextDecoder('utf-8', { fatal: true }),
};

function decodes(bytes: Uint8Array, encoding: LabCsvLayout['encoding']): string | undefined {
  try {
    return DECODERS[encoding].decode(bytes);
  } catch {
    return undefined;
  }
}

function isAscii(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b >= 0x80) return false;
  return true;
}

/** 1-based line of the first line that does not decode (LF never occurs inside a character of either). */
function firstBadLine(bytes: Uint8Array, encoding: LabCsvLayout['encoding']): number | undefined {
  let start = 0;
  for (let line = 1; start <= bytes.length; line++) {
    let end = bytes.indexOf(LF, start);
    if (end < 0) end = bytes.length;
    if (decodes(bytes.subarray(start, end), encoding) === undefined) return line;
    start = end + 1;
  }
  return undefined;
}
