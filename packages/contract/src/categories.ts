/**
 * Disclosure categories: the item kinds of MISSION.md M2 a facility can choose to disclose, in the
 * order of the SS-MIX2 data types. Orders and results are separate items there, so they are separate
 * categories here. The code is what policy, assertions, disclosure settings and audit carry.
 */
export const CATEGORY_LABELS = {
  demographics: { ja: '患者基本情報', en: 'Patient demographics' },
  /**
   * The body measurements and blood type a patient-information message carries (ADT-00 OBX): clinical
   * facts, kept apart from who the patient is so a profession can identify a patient without seeing
   * them (issue 10: least identity data).
   */
  'body-measurement': { ja: '身長・体重・血液型', en: 'Height, weight and blood type' },
  allergy: { ja: 'アレルギー', en: 'Allergies' },
  diagnosis: { ja: '病名', en: 'Diagnoses' },
  prescription: { ja: '処方', en: 'Prescriptions' },
  injection: { ja: '注射', en: 'Injections' },
  'lab-order': { ja: '検体検査オーダ', en: 'Laboratory orders' },
  'lab-result': { ja: '検体検査結果', en: 'Laboratory results' },
  bacteriology: { ja: '細菌検査結果', en: 'Bacteriology results' },
  'radiology-order': { ja: '放射線検査オーダ', en: 'Radiology orders' },
  radiology: { ja: '放射線検査結果・画像', en: 'Radiology results and images' },
  'endoscopy-order': { ja: '内視鏡検査オーダ', en: 'Endoscopy orders' },
  endoscopy: { ja: '内視鏡検査結果・画像', en: 'Endoscopy results and images' },
  'physiology-order': { ja: '生理検査オーダ', en: 'Physiology test orders' },
  physiology: { ja: '生理検査結果', en: 'Physiology test results' },
  diet: { ja: '食事オーダ', en: 'Diet orders' },
  'outpatient-visit': { ja: '外来受付', en: 'Outpatient visits' },
  admission: { ja: '入院', en: 'Admissions' },
  leave: { ja: '外出・外泊', en: 'Leave and overnight stays' },
  transfer: { ja: '転科・転棟', en: 'Transfers' },
  discharge: { ja: '退院', en: 'Discharges' },
  /**
   * Documents of extended storage, one category per kind the seed's hospitals disclose separately
   * (issue 11), so a facility can disclose one kind and withhold another and a profession can be
   * given the kinds that fit it. fhir-jp `documentCategory` decides the kind of a document.
   */
  'document-physician-note': { ja: '医師記録（2号用紙）', en: 'Physician notes' },
  'document-nursing-note': { ja: '看護記録', en: 'Nursing notes' },
  'document-nursing-summary': { ja: '看護サマリ', en: 'Nursing summaries' },
  'document-discharge-summary': { ja: '退院時サマリ', en: 'Discharge summaries' },
  'document-flowsheet': { ja: '経過表', en: 'Flowsheets' },
  'document-operative-note': { ja: '手術記録', en: 'Operative notes' },
  'document-pathology-report': { ja: '病理レポート', en: 'Pathology reports' },
  'document-radiology-report': { ja: '読影レポート', en: 'Radiology reports' },
  'document-medication-guidance': { ja: '服薬指導', en: 'Medication guidance' },
  'document-referral': { ja: '診療情報提供書', en: 'Referral letters' },
  /**
   * Any other document (the catch-all). Before the kinds above existed every document was `document`;
   * the upgrades (hub 0013, gateway 0014) give whoever had it every kind, so nothing changes meaning.
   */
  document: { ja: 'その他文書', en: 'Other documents' },
} as const;

export type Category = keyof typeof CATEGORY_LABELS;

/** Every category, in order. */
export const CATEGORY_CODES = Object.keys(CATEGORY_LABELS) as Category[];

export const isCategory = (value: string): value is Category => Object.hasOwn(CATEGORY_LABELS, value);

/** Japanese label per category (what fhir-jp puts in each resource's category display). */
export const CATEGORIES = Object.fromEntries(CATEGORY_CODES.map((c) => [c, CATEGORY_LABELS[c].ja])) as {
  readonly [C in Category]: (typeof CATEGORY_LABELS)[C]['ja'];
};

export const categoryLabel = (category: Category): { ja: string; en: string } => CATEGORY_LABELS[category];

/** The document categories: every kind, then the catch-all `document`. */
export const DOCUMENT_CATEGORIES = CATEGORY_CODES.filter(
  (c) => c === 'document' || c.startsWith('document-'),
) as readonly Category[];

/** The document kinds (every document category but the catch-all). */
export const DOCUMENT_KINDS = DOCUMENT_CATEGORIES.filter((c) => c !== 'document');

export const isDocumentCategory = (value: string): boolean =>
  (DOCUMENT_CATEGORIES as readonly string[]).includes(value);
