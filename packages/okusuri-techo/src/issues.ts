// Errors and warnings are values with context: a stable code, the place (source, QR part, line, record,
// field) and a message in Japanese and English. Every reader of this package returns them; none throws.

/** Stable machine-readable reasons. The portal and the gateway key their handling and help text on these. */
export const OTC_ISSUE_CODES = [
  // --- errors: nothing is imported ---
  /** The input is larger than the bound (a scanned code is untrusted input). */
  'otc-too-large',
  /** The bytes are not valid Shift_JIS (or UTF-8 when that was asked for). */
  'otc-bad-encoding',
  /** The first record is not a version record `JAHISTCnn` (another QR code, a prescription 2D symbol …). */
  'otc-not-jahis',
  /** A `JAHISTCnn` version this reader does not know (newer than JAHISTC08): its layouts may differ. */
  'otc-unsupported-version',
  /** A line that is not a record: no record number, or characters a record may not hold. */
  'otc-bad-record',
  /** A field that is required and empty, or not of its type, code table or format. */
  'otc-bad-field',
  /** A record out of place: outside a dispensing, before its drug, repeated where the spec allows one. */
  'otc-bad-structure',
  /** A record the spec requires is absent (患者情報レコード). */
  'otc-missing-record',
  /** One part of a split set read alone: the other QR codes are needed. */
  'otc-qr-incomplete',
  /** A split set with parts missing (the message names them). */
  'otc-qr-missing-part',
  /** Two parts with the same sequence number. */
  'otc-qr-duplicate-part',
  /** Parts of different split sets (data IDs, counts or versions differ), or an unsplit code among them. */
  'otc-qr-mixed-sets',
  /** A part that is empty, too long, or has no version or split-control record where the spec puts them. */
  'otc-qr-bad-part',
  /** A bug: an exception inside the reader, caught so that none escapes. */
  'otc-internal',
  // --- warnings: imported, worth a look ---
  /** A record number this reader does not know: kept in `notebook.unknownRecords`, not mapped. */
  'otc-unknown-record',
  /** More fields than the layout defines (a newer version appends fields): the extra ones are ignored. */
  'otc-extra-fields',
  /** A field longer than the layout's byte count. */
  'otc-field-too-long',
  /** A code outside its table where the reader can degrade (the code is kept under a local system). */
  'otc-unknown-code',
  /** An Rp with drugs but no 用法レコード. */
  'otc-missing-usage',
  /** A character of the private-use area (外字, which the spec forbids): kept as it is. */
  'otc-private-use-character',
  /** A notebook without any 調剤等年月日レコード: nothing to map but the patient. */
  'otc-no-dispensing',
  /** A dispensing without drugs: its notes have no dispense to sit on and are not mapped. */
  'otc-empty-dispensing',
  /** A dispensing by another pharmacy than the importing facility. */
  'otc-other-pharmacy',
] as const;

export type OtcIssueCode = (typeof OTC_ISSUE_CODES)[number];

/** Where a problem is. */
export interface IssuePlace {
  /** QR part (its sequence number in the split set) the line came from. */
  part?: number;
  /** 1-based line of the text read (of the part, when `part` is set). */
  line?: number;
  /** Record number (`201`), `JAHISTC` for the version record. */
  recordNo?: string;
  /** The spec's record name (薬品レコード). */
  recordName?: string;
  /** Field number as the spec counts it: the record number is field 0. */
  field?: number;
  /** The spec's field name (薬品名称). */
  fieldName?: string;
}

export interface OtcIssue extends IssuePlace {
  code: OtcIssueCode;
  /** English. */
  message: string;
  /** 日本語. */
  messageJa: string;
  /** What was read: the file name, or what the caller calls a scan. */
  source: string;
}

/** Builds an issue; the place's undefined parts are left out. */
export function issue(
  code: OtcIssueCode,
  source: string,
  messageJa: string,
  message: string,
  place: IssuePlace = {},
): OtcIssue {
  const out: OtcIssue = { code, message, messageJa, source };
  for (const key of ['part', 'line', 'recordNo', 'recordName', 'field', 'fieldName'] as const) {
    const value = place[key];
    if (value !== undefined) (out as unknown as Record<string, unknown>)[key] = value;
  }
  return out;
}

/** One line for logs and the CLI: `otc-bad-field: … [scan.txt, QR 2, line 7, 201 薬品レコード, field 2 薬品名称]`. */
export function formatOtcIssue(i: OtcIssue, language: 'en' | 'ja' = 'en'): string {
  const where: string[] = [i.source];
  if (i.part !== undefined) where.push(`QR ${i.part}`);
  if (i.line !== undefined) where.push(`line ${i.line}`);
  if (i.recordNo !== undefined) where.push(`${i.recordNo}${i.recordName ? ` ${i.recordName}` : ''}`);
  if (i.field !== undefined) where.push(`field ${i.field}${i.fieldName ? ` ${i.fieldName}` : ''}`);
  return `${i.code}: ${language === 'ja' ? i.messageJa : i.message} [${where.join(', ')}]`;
}

/** Where a line of an assembled text came from: the QR part (its sequence number) and its line there. */
export interface LineOrigin {
  part: number;
  line: number;
}
