import type { Profession } from '@hie/contract';
import { CATEGORIES, CATEGORY_LABELS, type Category } from '@hie/contract';

/** Every record category, in the order of `CATEGORIES` (the SS-MIX2 data types). */
export const CATEGORY_CODES = Object.keys(CATEGORIES) as Category[];
export const isCategory = (value: string): value is Category => Object.hasOwn(CATEGORIES, value);

/** Japanese and English label of a category (the contract's). */
export const categoryLabel = (category: Category) => CATEGORY_LABELS[category];

const ORDERS: readonly Category[] = ['lab-order', 'radiology-order', 'endoscopy-order', 'physiology-order'];

/** Everything a nurse needs to continue care: all results and the course of care, not the order entries. */
const NURSING: readonly Category[] = CATEGORY_CODES.filter((c) => !ORDERS.includes(c));

/**
 * Care staff: who the patient is, what to avoid, what they have and take, when they were in hospital,
 * and the nursing summary (看護サマリ: the ward's handover of care needs and ADL at discharge, written
 * for whoever cares for the patient next).
 */
const CARE: readonly Category[] = [
  'demographics',
  'allergy',
  'diagnosis',
  'prescription',
  'admission',
  'discharge',
  'document-nursing-summary',
];

/**
 * The default profession × category matrix, seeded by the consent migration; the network office edits
 * it (`PUT /admin/policy/professions`). A profession missing here sees nothing (deny by default).
 *
 * - doctor, dentist: everything.
 * - nurse, public-health nurse, midwife: every result and the course of care; order entries are left out
 *   (the results are what matter for continuing care; orders are the ordering physician's workflow).
 * - pharmacist: diagnoses, allergies, prescriptions and injections (the default), plus
 *   demographics — the pharmacist must confirm the patient's identity, age and sex against the
 *   prescription (本人確認, dose checks) and demographics carry no clinical content. Height, weight and
 *   blood type (`body-measurement`) are clinical and not part of identification: not by default (the
 *   office adds them where a region doses by weight at the pharmacy). Laboratory results
 *   (renal function for dosing) are a sensible addition the office can make; not the default.
 * - technicians, therapists, dietitians, social workers: their own field plus what keeps the patient safe;
 *   height, weight and blood type for the technicians, therapists and dietitians (dose, nutrition).
 * - care manager, care worker, home helper: identity, allergies, diagnoses, medication, admissions and
 *   discharges (care planning and 服薬介助); the care manager also sees outpatient visits and transfers.
 * - documents, by kind (issue 11): doctors, dentists and nurses every kind and the catch-all (その他文書);
 *   technicians the reports of their own field (病理レポート, 読影レポート); therapists the documents of a
 *   stay that plan rehabilitation (退院時サマリ, 看護サマリ, 手術記録, 診療情報提供書) and the catch-all,
 *   where rehabilitation plans land (before kinds existed they saw every document); dietitians, social
 *   workers and care managers the discharge and nursing summaries (nutrition, discharge planning, care
 *   planning); care workers and helpers the nursing summary (CARE). Pharmacists none: MISSION M6 limits
 *   pharmacies to diagnoses and prescriptions; 服薬指導 and 退院時サマリ (薬薬連携, discharge medication)
 *   are what an office would add for them. Physician notes, nursing notes and flowsheets stay with
 *   doctors, dentists and nurses.
 * - clerk: nothing. Clerks register consents and run reception; that needs no clinical record, and
 *   they are not bound by a profession's statutory duty of confidentiality.
 * - office: nothing (and `decide` refuses the office whatever the matrix says).
 */
export const DEFAULT_PROFESSION_POLICY: Readonly<Record<Profession, readonly Category[]>> = {
  doctor: CATEGORY_CODES,
  dentist: CATEGORY_CODES,
  nurse: NURSING,
  'public-health-nurse': NURSING,
  midwife: NURSING,
  pharmacist: ['demographics', 'allergy', 'diagnosis', 'prescription', 'injection'],
  'lab-technician': [
    'demographics',
    'body-measurement',
    'allergy',
    'diagnosis',
    'lab-order',
    'lab-result',
    'bacteriology',
    'physiology-order',
    'physiology',
    'document-pathology-report',
  ],
  'radiology-technician': [
    'demographics',
    'body-measurement',
    'allergy',
    'diagnosis',
    'radiology-order',
    'radiology',
    'endoscopy-order',
    'endoscopy',
    'document-radiology-report',
  ],
  therapist: [
    'demographics',
    'body-measurement',
    'allergy',
    'diagnosis',
    'prescription',
    'radiology',
    'physiology',
    'admission',
    'transfer',
    'discharge',
    'document-discharge-summary',
    'document-nursing-summary',
    'document-operative-note',
    'document-referral',
    'document',
  ],
  dietitian: [
    'demographics',
    'body-measurement',
    'allergy',
    'diagnosis',
    'prescription',
    'lab-result',
    'diet',
    'admission',
    'discharge',
    'document-discharge-summary',
    'document-nursing-summary',
  ],
  'social-worker': [
    'demographics',
    'diagnosis',
    'outpatient-visit',
    'admission',
    'leave',
    'transfer',
    'discharge',
    'document-discharge-summary',
    'document-nursing-summary',
  ],
  'care-manager': [...CARE, 'outpatient-visit', 'transfer', 'document-discharge-summary'],
  'care-worker': CARE,
  helper: CARE,
  clerk: [],
  office: [],
};

/** Rows for hub_profession_policy. */
export const defaultPolicyRows = (): { profession: string; category: string }[] =>
  Object.entries(DEFAULT_PROFESSION_POLICY).flatMap(([profession, categories]) =>
    categories.map((category) => ({ profession, category })),
  );
