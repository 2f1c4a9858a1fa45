/**
 * The disclosure categories (packages/fhir-jp CATEGORIES, hub/policy/matrix.ts labels), in their
 * order. Copied, not imported: the web bundle must not pull the mapping library.
 */
export const CATEGORY_LABELS = {
  demographics: { ja: '患者基本情報', en: 'Patient demographics' },
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
  document: { ja: '文書', en: 'Documents' },
} as const;

export type Category = keyof typeof CATEGORY_LABELS;
export const CATEGORY_CODES = Object.keys(CATEGORY_LABELS) as Category[];
