/**
 * The professions a user can hold: a fixed list aligned with HPKI hcRole (the national qualifications
 * of HPKI-OID.md §2) and HPD hcProfession, plus the non-licensed roles a regional network needs.
 * The code is what policy, assertions and audit carry; labels are for people.
 */
export const PROFESSIONS = {
  doctor: { ja: '医師', en: 'Doctor', hcRole: 'Medical Doctor', licensed: true },
  dentist: { ja: '歯科医師', en: 'Dentist', hcRole: 'Dentist', licensed: true },
  pharmacist: { ja: '薬剤師', en: 'Pharmacist', hcRole: 'Pharmacist', licensed: true },
  nurse: { ja: '看護師', en: 'Nurse', hcRole: 'Nurse', licensed: true },
  'public-health-nurse': {
    ja: '保健師',
    en: 'Public health nurse',
    hcRole: 'Public Health Nurse',
    licensed: true,
  },
  midwife: { ja: '助産師', en: 'Midwife', hcRole: 'Midwife', licensed: true },
  'lab-technician': {
    ja: '臨床検査技師',
    en: 'Clinical laboratory technician',
    hcRole: 'Medical Technologist',
    licensed: true,
  },
  'radiology-technician': {
    ja: '診療放射線技師',
    en: 'Radiological technologist',
    hcRole: 'Radiological Technologist',
    licensed: true,
  },
  therapist: {
    ja: 'リハビリ職（PT・OT・ST）',
    en: 'Therapist (PT/OT/ST)',
    hcRole: 'Physical Therapist',
    licensed: true,
  },
  dietitian: { ja: '管理栄養士', en: 'Registered dietitian', hcRole: 'Registered Dietitian', licensed: true },
  'social-worker': {
    ja: '社会福祉士・MSW',
    en: 'Social worker',
    hcRole: 'Certified Social Worker',
    licensed: true,
  },
  'care-worker': {
    ja: '介護福祉士',
    en: 'Certified care worker',
    hcRole: 'Certified Care Worker',
    licensed: true,
  },
  'care-manager': {
    ja: '介護支援専門員（ケアマネジャー）',
    en: 'Care manager',
    hcRole: null,
    licensed: false,
  },
  helper: { ja: '訪問介護員（ヘルパー）', en: 'Home helper', hcRole: null, licensed: false },
  clerk: { ja: '事務職員', en: 'Clerk', hcRole: null, licensed: false },
  office: { ja: 'ネットワーク事務局', en: 'Network office', hcRole: null, licensed: false },
} as const;

export type Profession = keyof typeof PROFESSIONS;
export const PROFESSION_CODES = Object.keys(PROFESSIONS) as Profession[];
export const isProfession = (value: string): value is Profession => Object.hasOwn(PROFESSIONS, value);
