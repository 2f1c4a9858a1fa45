import type { Profession } from '@hie/contract';
import { CATEGORIES, type Category } from '@hie/contract';

/** Every record category, in the order of `CATEGORIES` (the SS-MIX2 data types). */
export const CATEGORY_CODES = Object.keys(CATEGORIES) as Category[];
export const isCategory = (value: string): value is Category => Object.hasOwn(CATEGORIES, value);

/** English labels for the categories (the Japanese ones are `CATEGORIES`). */
export const CATEGORY_LABELS_EN: Readonly<Record<Category, string>> = {
  demographics: 'Patient demographics',
  'body-measurement': 'Height, weight and blood type',
  allergy: 'Allergies',
  diagnosis: 'Diagnoses',
  prescription: 'Prescriptions',
  injection: 'Injections',
  'lab-order': 'Laboratory orders',
  'lab-result': 'Laboratory results',
  bacteriology: 'Bacteriology results',
  'radiology-order': 'Radiology orders',
  radiology: 'Radiology results and images',
  'endoscopy-order': 'Endoscopy orders',
  endoscopy: 'Endoscopy results and images',
  'physiology-order': 'Physiology test orders',
  physiology: 'Physiology test results',
  diet: 'Diet orders',
  'outpatient-visit': 'Outpatient visits',
  admission: 'Admissions',
  leave: 'Leave and overnight stays',
  transfer: 'Transfers',
  discharge: 'Discharges',
  document: 'Documents',
};

export const categoryLabel = (category: Category) => ({
  ja: CATEGORIES[category],
  en: CATEGORY_LABELS_EN[category],
});

const ORDERS: readonly Category[] = ['lab-order', 'radiology-order', 'endoscopy-order', 'physiology-order'];

/** Everything a nurse needs to continue care: all results and the course of care, not the order entries. */
const NURSING: readonly Category[] = CATEGORY_CODES.filter((c) => !ORDERS.includes(c));

/** Care staff: who the patient is, what to avoid, what they have and take, and when they were in hospital. */
const CARE: readonly Category[] = [
  'demographics',
  'allergy',
  'diagnosis',
  'prescription',
  'admission',
  'discharge',
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
  ],
  'social-worker': [
    'demographics',
    'diagnosis',
    'outpatient-visit',
    'admission',
    'leave',
    'transfer',
    'discharge',
  ],
  'care-manager': [...CARE, 'outpatient-visit', 'transfer'],
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
