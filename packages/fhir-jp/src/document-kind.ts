// The kind of an extended-storage document (退院時サマリ, 看護記録, 読影レポート …): its disclosure
// category, so a facility can disclose one kind and withhold another (issue 11). SS-MIX2 names no
// fixed list of document codes: the data-type folder carries the facility's local code and name and,
// sometimes, a standard code (LOINC, as the CDA document's <code>). So the kind is read, in order,
// from the standard code, from the words of the names, and from the local codes this project's
// generator writes. What matches nothing is `document` (その他文書), which the policy treats like any kind.
import type { Category } from '@hie/contract';
import type { ExtendedDataType } from '@hie/ssmix2';

export type DocumentCategory = Extract<Category, 'document' | `document-${string}`>;

/** LOINC document codes (as HL7 Japan's CDA documents and the generator use them) → kind. */
const BY_LOINC: Readonly<Record<string, DocumentCategory>> = {
  '18842-5': 'document-discharge-summary', // Discharge summary (HL7 Japan 退院時サマリー)
  '11490-0': 'document-discharge-summary', // Physician discharge summary
  '34745-0': 'document-nursing-summary', // Nursing discharge summary
  '57133-1': 'document-referral', // Referral note (HL7 Japan 診療情報提供書)
  '18748-4': 'document-radiology-report', // Diagnostic imaging study
  '11526-1': 'document-pathology-report', // Pathology study
  '11529-5': 'document-pathology-report', // Surgical pathology study
  '60568-3': 'document-pathology-report', // Pathology synoptic report
  '11504-8': 'document-operative-note', // Surgical operation note
  '34746-8': 'document-nursing-note', // Nurse note
  '11506-3': 'document-physician-note', // Progress note
};

/** Local codes of the data-type folders this project's generator writes (ssmix2 generate/extended). */
const BY_LOCAL_CODE: Readonly<Record<string, DocumentCategory>> = {
  DSUM: 'document-discharge-summary',
  REFL: 'document-referral',
  RADR: 'document-radiology-report',
  NSUM: 'document-nursing-summary',
  OPRN: 'document-operative-note',
  PATR: 'document-pathology-report',
  MEDG: 'document-medication-guidance',
};

/**
 * Words of a folder's names, first match wins: nursing summaries before discharge summaries
 * (退院時看護サマリ is the nurse's) and before nursing notes.
 */
const BY_NAME: readonly (readonly [RegExp, DocumentCategory])[] = [
  [/看護(サマリ|要約)|nursing (discharge )?summar/i, 'document-nursing-summary'],
  [/退院(時)?(サマリ|要約)|discharge summar/i, 'document-discharge-summary'],
  [/手術(記録|レポート|報告|所見)|オペ記録|operati(ve|on) (note|report)/i, 'document-operative-note'],
  [/病理|patholog/i, 'document-pathology-report'],
  [
    /読影|画像診断(報告|レポート)|放射線(科)?(検査)?(レポート|報告)|radiology report/i,
    'document-radiology-report',
  ],
  [/服薬指導|薬剤(管理)?指導|medication guidance/i, 'document-medication-guidance'],
  [/診療情報提供|紹介状|referral/i, 'document-referral'],
  [/経過表|温度板|フローシート|flow ?sheet/i, 'document-flowsheet'],
  [/看護(記録|経過)|nursing note/i, 'document-nursing-note'],
  [
    /医師記録|[2２二]号用紙|経過記録|プログレスノート|progress note|physician note/i,
    'document-physician-note',
  ],
];

const isLoinc = (system: string, code: string) =>
  /^(LN|LOINC|2\.16\.840\.1\.113883\.6\.1)$/i.test(system) || (system === '' && /^\d{1,7}-\d$/.test(code));

/** The disclosure category of a document of this data-type folder. */
export function documentCategory(
  t: Pick<ExtendedDataType, 'localCode' | 'localName' | 'standardCode' | 'standardName' | 'standardSystem'>,
): DocumentCategory {
  if (t.standardCode && isLoinc(t.standardSystem, t.standardCode)) {
    const byCode = BY_LOINC[t.standardCode];
    if (byCode) return byCode;
  }
  for (const name of [t.standardName, t.localName]) {
    const text = name.normalize('NFKC');
    if (text === '') continue;
    for (const [pattern, category] of BY_NAME) if (pattern.test(text)) return category;
  }
  return BY_LOCAL_CODE[t.localCode.toUpperCase()] ?? 'document';
}
