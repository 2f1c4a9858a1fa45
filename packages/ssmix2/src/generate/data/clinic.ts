/**
 * Facility-side tables: departments, wards, diets, allergens, imaging and physiology procedures.
 */

import type { CtProcedure } from './disease-model.js';

/** SS-MIX2 unified department codes (HL7 table 0069; the guideline samples use 01 内科, 15 呼吸器外科, 24 産科). */
export const DEPARTMENTS: Readonly<Record<string, string>> = {
  '01': '内科',
  '04': '神経内科',
  '05': '呼吸器科',
  '06': '消化器科',
  '08': '循環器科',
  '09': '小児科',
  '10': '外科',
  '11': '整形外科',
  '19': '皮膚科',
  '20': '泌尿器科',
  '26': '眼科',
};

/** Wards (病棟) with their rooms; codes are local like the guideline's `32^302^1^^^N`. */
export const WARDS: readonly { code: string; depts: readonly string[]; rooms: readonly number[] }[] = [
  { code: '31', depts: ['01', '04', '05'], rooms: [301, 302, 303, 305, 306, 307] },
  { code: '32', depts: ['06', '10'], rooms: [321, 322, 323, 325, 326] },
  { code: '41', depts: ['08'], rooms: [401, 402, 403, 405] },
  { code: '42', depts: ['11', '19', '20', '26'], rooms: [421, 422, 423, 425, 426, 427] },
];

/** Hospital diets (local codes `99XY3` as in the guideline sample `001^^99XY3`). */
export const DIETS: Readonly<Record<string, { name: string; comment: string }>> = {
  '001': { name: '常食', comment: '' },
  '002': { name: '全粥食', comment: '消化の良いもの' },
  '003': { name: 'エネルギーコントロール食１６００ｋｃａｌ', comment: '糖尿病食' },
  '004': { name: '塩分制限食６ｇ', comment: '塩分控えめ' },
  '005': { name: '腎臓病食（蛋白４０ｇ）', comment: '蛋白制限' },
  '006': { name: '嚥下調整食', comment: 'とろみ付き' },
};

export interface Allergen {
  readonly type: 'DA' | 'FA' | 'EA' | 'LA';
  readonly typeName: string;
  readonly code: string;
  readonly name: string;
  readonly system: string;
  readonly reaction: string;
  readonly weight: number;
}

/** Allergens: JC10 codes for スギ, ソバ, ハウスダスト are from the guideline sample; the rest are local codes (99ALG). */
export const ALLERGENS: readonly Allergen[] = [
  {
    type: 'DA',
    typeName: '薬剤アレルギー',
    code: 'D001',
    name: 'ペニシリン系抗菌薬',
    system: '99ALG',
    reaction: '発疹',
    weight: 6,
  },
  {
    type: 'DA',
    typeName: '薬剤アレルギー',
    code: 'D002',
    name: 'セフェム系抗菌薬',
    system: '99ALG',
    reaction: '蕁麻疹',
    weight: 3,
  },
  {
    type: 'DA',
    typeName: '薬剤アレルギー',
    code: 'D003',
    name: 'ロキソプロフェン',
    system: '99ALG',
    reaction: '喘息発作',
    weight: 2,
  },
  {
    type: 'DA',
    typeName: '薬剤アレルギー',
    code: 'D004',
    name: 'ヨード造影剤',
    system: '99ALG',
    reaction: '嘔気・発疹',
    weight: 3,
  },
  {
    type: 'FA',
    typeName: '食物アレルギー',
    code: '5A1002411023006',
    name: 'ソバ',
    system: 'JC10',
    reaction: '湿疹',
    weight: 2,
  },
  {
    type: 'FA',
    typeName: '食物アレルギー',
    code: 'F001',
    name: '卵',
    system: '99ALG',
    reaction: '蕁麻疹',
    weight: 3,
  },
  {
    type: 'FA',
    typeName: '食物アレルギー',
    code: 'F002',
    name: 'エビ',
    system: '99ALG',
    reaction: '口腔内のかゆみ',
    weight: 3,
  },
  {
    type: 'FA',
    typeName: '食物アレルギー',
    code: 'F003',
    name: '牛乳',
    system: '99ALG',
    reaction: '腹痛',
    weight: 1,
  },
  {
    type: 'LA',
    typeName: '花粉アレルギー',
    code: '5A1002216023023',
    name: 'スギ',
    system: 'JC10',
    reaction: '目のかゆみ',
    weight: 6,
  },
  {
    type: 'EA',
    typeName: '環境アレルギー',
    code: '5A1102700023023',
    name: 'ハウスダスト',
    system: 'JC10',
    reaction: 'くしゃみ',
    weight: 3,
  },
];

export interface ImagingStudy {
  readonly parent: readonly [code: string, name: string, system: string];
  readonly children: readonly (readonly [code: string, name: string])[];
  readonly modality: string;
  readonly verified: boolean;
}

/**
 * A JJ1017-32 code from its parts (JJ1017 指針 Ver3.4 表5.1): 種別 (1), 手技 大分類 (2), 小分類 (2),
 * 拡張 (2), 部位 (3), 左右 (1), 姿勢体位 (1), 入射・撮影方向 (2), 汎用拡張 (2), 詳細体位 (2), 特殊指示 (2),
 * 核種・線種 (2), 超音波モード (4), 予約 (6). The guideline samples' X-ray codes are this layout
 * (data.test.ts rebuilds them).
 */
export function jj1017(parts: {
  modality: string;
  procedureMinor?: string;
  site: string;
  posture: string;
  direction?: string;
  special?: string;
  ray?: string;
}): string {
  const code = [
    parts.modality,
    '00',
    parts.procedureMinor ?? '00',
    '00',
    parts.site,
    '0',
    parts.posture,
    parts.direction ?? '00',
    '00',
    '00',
    parts.special ?? '00',
    parts.ray ?? '00',
    '0000',
    '000000',
  ].join('');
  if (code.length !== 32) throw new Error(`JJ1017-32 code of ${code.length} characters: ${code}`);
  return code;
}

/** Parent code and name of every CT order (種別 6 Ｘ線CT). */
const CT_PARENT = ['6000000000000000', 'Ｘ線ＣＴ', 'JJ1017'] as const;
/** 部位 (小部位) codes: 頭部 100, 胸部 200 (JJ1017 別表B), 腹部 250 (as in the guideline's abdominal X-ray). */
const SITE = { head: '100', chest: '200', abdomen: '250' } as const;
/** 姿勢体位 2 仰臥位; 手技 小分類 01 造影. */
const SUPINE = '2';
const CONTRAST = '01';

const ct = (site: string, name: string, extra: { procedureMinor?: string; special?: string } = {}) =>
  ({
    parent: CT_PARENT,
    children: [[jj1017({ modality: '6', site, posture: SUPINE, ...extra }), name]],
    modality: 'CT',
    verified: false,
  }) as const satisfies ImagingStudy;

/** What can be ordered as a radiology or ultrasound study (OMG-01 → OMG-11). */
export type ImagingProcedure = 'chestXray' | 'abdXray' | 'abdUS' | CtProcedure | 'abdCTPlain';

/**
 * JJ1017 codes from the guideline samples (Ｘ線単純撮影, 胸部/腹部 立位正面 …, 経皮的超音波検査). The CT
 * codes are ILLUSTRATIVE: built with `jj1017` from the parts the guideline defines (種別 6, 部位, 仰臥位,
 * 造影), not taken from its table of frequent codes; `chestHRCT` marks the thin-section reconstruction with
 * a facility extension of 特殊指示 (`A1`, the range JJ1017 leaves to facilities).
 */
export const IMAGING: Readonly<Record<ImagingProcedure, ImagingStudy>> = {
  chestXray: {
    parent: ['1000000000000000', 'Ｘ線単純撮影', 'JJ1017'],
    children: [
      ['10000002000102000000010000000000', '胸部.Ｘ線単純撮影.立位正面(A→P)'],
      ['10000002000106000000010000000000', '胸部.Ｘ線単純撮影.立位側面(L→R)'],
    ],
    modality: 'CR',
    verified: true,
  },
  abdXray: {
    parent: ['1000000000000000', 'Ｘ線単純撮影', 'JJ1017'],
    children: [
      ['10000002500102000000010000000000', '腹部.Ｘ線単純撮影.立位正面(A→P)'],
      ['10000002500602000000010000000000', '腹部.Ｘ線単純撮影.左側臥位正面(A→P)'],
    ],
    modality: 'CR',
    verified: true,
  },
  abdUS: {
    parent: ['99A000000000000', '経皮的超音波検査', 'JJ1017'],
    // ILLUSTRATIVE child code: the body-part digits for 腹部 are not verified.
    children: [['99A00002500000000000000000000000', '腹部.経皮的超音波検査']],
    modality: 'US',
    verified: false,
  },
  chestCT: ct(SITE.chest, '胸部.Ｘ線ＣＴ.単純'),
  chestHRCT: ct(SITE.chest, '胸部.Ｘ線ＣＴ.単純.薄層(HRCT)', { special: 'A1' }),
  headCT: ct(SITE.head, '頭部.Ｘ線ＣＴ.単純'),
  abdCT: ct(SITE.abdomen, '腹部.Ｘ線ＣＴ.造影', { procedureMinor: CONTRAST }),
  // For a patient who must not have iodinated contrast (allergy, kidney disease).
  abdCTPlain: ct(SITE.abdomen, '腹部.Ｘ線ＣＴ.単純'),
};

/** Upper GI endoscopy (LENDO codes from the guideline samples). */
export const ENDOSCOPY = {
  parent: ['11000000000', '検査.上部.-.-.-.-', 'LENDO'],
  child: ['11000001000', '検査.上部.-.-.上部通常内視鏡.-', 'LENDO'],
  modality: 'ES',
} as const;

/** ECG findings (標準１２誘導心電図 `9A110^…^JC10` as in the guideline sample). */
export const ECG_FINDINGS: readonly string[] = [
  '正常範囲',
  '洞調律　正常範囲',
  '洞性徐脈',
  '左室肥大の疑い',
  '完全右脚ブロック',
  '非特異的ＳＴ－Ｔ変化',
  '上室性期外収縮',
];

/** How a hospital works, where the generator lets facilities differ. */
export interface Practice {
  /** Share of outpatient prescriptions issued as 院外処方 (RXE-21 `OHO`); the rest are 院内 (`OHI`). */
  readonly outOfHouseShare: number;
  /** Lab panels are drawn at every n-th regular visit of a department (1: every visit). */
  readonly labEveryVisits: number;
}

/** A facility code the tables do not know: most Japanese hospitals issue about 80 % 院外処方. */
export const DEFAULT_PRACTICE: Practice = { outOfHouseShare: 0.8, labEveryVisits: 1 };

/**
 * Some real facility codes (public lists, `shared/samples/ihe/jp-oid`) with their names and the
 * town they stand in, so ORC-21/22 name and place them plausibly. The practice figures are
 * ILLUSTRATIVE: they make the hospitals' records differ (院外 share, how dense a lab series is), not
 * what these hospitals really do.
 */
export const KNOWN_FACILITIES: Readonly<
  Record<string, { name: string; city: string; town: string } & Practice>
> = {
  '3310210012': {
    name: '倉敷中央病院',
    city: '倉敷市',
    town: '美和',
    outOfHouseShare: 0.9,
    labEveryVisits: 1,
  },
  '3318800061': {
    name: '岡山赤十字病院',
    city: '岡山市北区',
    town: '西古松',
    outOfHouseShare: 0.8,
    labEveryVisits: 3,
  },
  '3319800011': {
    name: '岡山大学病院',
    city: '岡山市北区',
    town: '鹿田町',
    outOfHouseShare: 0.7,
    labEveryVisits: 2,
  },
  '3410124378': {
    name: '広島市立広島市民病院',
    city: '広島市中区',
    town: '基町',
    outOfHouseShare: 0.85,
    labEveryVisits: 1,
  },
};
