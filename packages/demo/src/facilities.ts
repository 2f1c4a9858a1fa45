import type { FacilityType, Profession } from '@hie/contract';

/**
 * The demo network: three disclosing hospitals from the seed's list (real names and institution
 * codes from the public lists) and fictional viewing facilities of every kind the network serves.
 */
export interface DemoFacility {
  key: string;
  name: string;
  nameKana: string;
  type: FacilityType;
  /** 10-digit institution / care-provider code; null for the office and the health centre. */
  code: string | null;
  /** Explicit OID when there is no code. */
  oid?: string;
  discloses: boolean;
  views: boolean;
  /**
   * Publishes through the small-facility repository (issue 13) instead of a gateway of its own: the
   * clinic from its ORCA and a lab centre, the pharmacy from its お薬手帳 data.
   */
  repository?: true;
  /** Demo ports of a disclosing facility's gateway (API, MLLP). */
  port?: number;
  mllpPort?: number;
}

export const DEMO_FACILITIES: readonly DemoFacility[] = [
  {
    key: 'ouh',
    name: '岡山大学病院',
    nameKana: 'オカヤマダイガクビョウイン',
    type: 'hospital',
    code: '3319800011',
    discloses: true,
    views: true,
    port: 8101,
    mllpPort: 2601,
  },
  {
    key: 'kch',
    name: '倉敷中央病院',
    nameKana: 'クラシキチュウオウビョウイン',
    type: 'hospital',
    code: '3310210012',
    discloses: true,
    views: true,
    port: 8102,
    mllpPort: 2602,
  },
  {
    key: 'orc',
    name: '岡山赤十字病院',
    nameKana: 'オカヤマセキジュウジビョウイン',
    type: 'hospital',
    code: '3318800061',
    discloses: true,
    views: true,
    port: 8103,
    mllpPort: 2603,
  },
  {
    key: 'clinic',
    name: 'ももたろう内科クリニック',
    nameKana: 'モモタロウナイカクリニック',
    type: 'clinic',
    code: '3310101237',
    discloses: false,
    repository: true,
    views: true,
  },
  {
    key: 'dental',
    name: 'うらじゃ歯科医院',
    nameKana: 'ウラジャシカイイン',
    type: 'dental',
    code: '3330104567',
    discloses: false,
    views: true,
  },
  {
    key: 'pharmacy',
    name: 'きびだんご薬局',
    nameKana: 'キビダンゴヤッキョク',
    type: 'pharmacy',
    code: '3340107899',
    discloses: false,
    repository: true,
    views: true,
  },
  {
    key: 'nursing',
    name: '後楽園訪問看護ステーション',
    nameKana: 'コウラクエンホウモンカンゴステーション',
    type: 'visiting-nursing',
    code: '3360103216',
    discloses: false,
    views: true,
  },
  {
    key: 'careplan',
    name: '旭川ケアプランセンター',
    nameKana: 'アサヒガワケアプランセンター',
    type: 'care-manager-office',
    code: '3370106548',
    discloses: false,
    views: true,
  },
  {
    key: 'carehome',
    name: '介護老人保健施設 吉備の里',
    nameKana: 'カイゴロウジンホケンシセツ キビノサト',
    type: 'care-facility',
    code: '3370109872',
    discloses: false,
    views: true,
  },
  {
    key: 'health',
    name: '岡山市保健所',
    nameKana: 'オカヤマシホケンジョ',
    type: 'administration',
    code: null,
    oid: '1.2.392.200284.33.9000000001',
    discloses: false,
    views: true,
  },
  {
    key: 'office',
    name: '晴れやかネット事務局',
    nameKana: 'ハレヤカネットジムキョク',
    type: 'network-office',
    code: null,
    oid: '1.2.392.200284.33.9000000000',
    discloses: false,
    views: false,
  },
];

export interface DemoUserSpec {
  loginId: string;
  name: string;
  nameKana: string;
  profession: Profession;
  facility: string;
  role?: 'member' | 'admin';
  /** What this login is for, shown by `npm start`. */
  note: string;
}

/** One user of every profession, at the facility where that profession works. */
export const DEMO_USERS: readonly DemoUserSpec[] = [
  {
    loginId: 'office',
    name: '事務局 花子',
    nameKana: 'ジムキョク ハナコ',
    profession: 'office',
    facility: 'office',
    role: 'admin',
    note: 'ネットワーク事務局: directory, policy, matching review, break-the-glass review, statistics',
  },
  {
    loginId: 'clinic.doctor',
    name: '桃井 一郎',
    nameKana: 'モモイ イチロウ',
    profession: 'doctor',
    facility: 'clinic',
    note: 'clinic doctor: views consented patients',
  },
  {
    loginId: 'clinic.clerk',
    name: '桃井 さくら',
    nameKana: 'モモイ サクラ',
    profession: 'clerk',
    facility: 'clinic',
    note: 'clinic front desk: registers consents for the clinic (its records come from its ORCA)',
  },
  {
    loginId: 'pharmacy.clerk',
    name: '吉備 まどか',
    nameKana: 'キビ マドカ',
    profession: 'clerk',
    facility: 'pharmacy',
    note: 'pharmacy front desk: registers consents for the pharmacy (its records come from お薬手帳 data)',
  },
  {
    loginId: 'pharmacist',
    name: '吉備 薫',
    nameKana: 'キビ カオル',
    profession: 'pharmacist',
    facility: 'pharmacy',
    note: 'pharmacist: diagnoses, allergies, prescriptions and injections only',
  },
  {
    loginId: 'ouh.doctor',
    name: '岡田 真理子',
    nameKana: 'オカダ マリコ',
    profession: 'doctor',
    facility: 'ouh',
    role: 'admin',
    note: 'hospital doctor and facility administrator',
  },
  {
    loginId: 'ouh.clerk',
    name: '大学 絵美',
    nameKana: 'ダイガク エミ',
    profession: 'clerk',
    facility: 'ouh',
    note: 'registers and withdraws consents at 岡山大学病院',
  },
  {
    loginId: 'ouh.nurse',
    name: '看護 直子',
    nameKana: 'カンゴ ナオコ',
    profession: 'nurse',
    facility: 'ouh',
    note: 'hospital nurse',
  },
  {
    loginId: 'ouh.radiology',
    name: '放射 健',
    nameKana: 'ホウシャ ケン',
    profession: 'radiology-technician',
    facility: 'ouh',
    note: 'radiological technologist',
  },
  {
    loginId: 'kch.clerk',
    name: '倉敷 美紀',
    nameKana: 'クラシキ ミキ',
    profession: 'clerk',
    facility: 'kch',
    note: 'registers consents at 倉敷中央病院',
  },
  {
    loginId: 'kch.midwife',
    name: '産科 由美',
    nameKana: 'サンカ ユミ',
    profession: 'midwife',
    facility: 'kch',
    note: 'midwife',
  },
  {
    loginId: 'kch.lab',
    name: '検査 誠',
    nameKana: 'ケンサ マコト',
    profession: 'lab-technician',
    facility: 'kch',
    note: 'clinical laboratory technician',
  },
  {
    loginId: 'er.doctor',
    name: '救急 勇',
    nameKana: 'キュウキュウ イサム',
    profession: 'doctor',
    facility: 'orc',
    note: 'emergency doctor: break-the-glass for a patient brought in by ambulance',
  },
  {
    loginId: 'orc.msw',
    name: '福祉 聡',
    nameKana: 'フクシ サトシ',
    profession: 'social-worker',
    facility: 'orc',
    note: 'medical social worker',
  },
  {
    loginId: 'orc.clerk',
    name: '赤十 和子',
    nameKana: 'セキジュウ カズコ',
    profession: 'clerk',
    facility: 'orc',
    note: 'registers consents at 岡山赤十字病院',
  },
  {
    loginId: 'dentist',
    name: '歯科 明',
    nameKana: 'シカ アキラ',
    profession: 'dentist',
    facility: 'dental',
    note: 'dentist',
  },
  {
    loginId: 'vn.nurse',
    name: '訪問 和子',
    nameKana: 'ホウモン カズコ',
    profession: 'nurse',
    facility: 'nursing',
    note: 'visiting nurse',
  },
  {
    loginId: 'vn.therapist',
    name: '理学 翔',
    nameKana: 'リガク ショウ',
    profession: 'therapist',
    facility: 'nursing',
    note: 'physical therapist',
  },
  {
    loginId: 'caremanager',
    name: '介護 支援',
    nameKana: 'カイゴ シエン',
    profession: 'care-manager',
    facility: 'careplan',
    note: 'care manager',
  },
  {
    loginId: 'careworker',
    name: '吉備 介',
    nameKana: 'キビ タスク',
    profession: 'care-worker',
    facility: 'carehome',
    note: 'certified care worker',
  },
  {
    loginId: 'helper',
    name: '手伝 陽子',
    nameKana: 'テツダイ ヨウコ',
    profession: 'helper',
    facility: 'carehome',
    note: 'home helper',
  },
  {
    loginId: 'dietitian',
    name: '栄養 恵',
    nameKana: 'エイヨウ メグミ',
    profession: 'dietitian',
    facility: 'carehome',
    note: 'registered dietitian',
  },
  {
    loginId: 'phn',
    name: '保健 静香',
    nameKana: 'ホケン シズカ',
    profession: 'public-health-nurse',
    facility: 'health',
    note: 'public health nurse',
  },
];

/** Every demo user's password (the demo prints it; production users get their own). */
export const DEMO_PASSWORD = 'harenet-demo-2026';

/**
 * Consent plan per (person, disclosing facility), decided from the ground truth so that every run
 * of the demo gives the same picture: most patients consent to all participating facilities, some to
 * their clinic and pharmacy only, some to their home-care team only, and one in ten not at all.
 */
export type DemoConsentPlan = { scope: 'all' } | { scope: 'listed'; viewers: readonly string[] } | null;

export function consentPlanFor(personId: string, facilityKey: string): DemoConsentPlan {
  let h = 2166136261;
  for (const ch of `${personId}|${facilityKey}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const bucket = h % 100;
  if (bucket < 70) return { scope: 'all' };
  if (bucket < 80) return { scope: 'listed', viewers: ['clinic', 'pharmacy'] };
  if (bucket < 90) return { scope: 'listed', viewers: ['nursing', 'careplan', 'carehome'] };
  return null;
}
