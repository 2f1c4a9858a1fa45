// What the simulated clinic is made of. Codes are real ones, taken from the recorded answers
// (recorded/) and from the samples of ORCA's published API pages; names and addresses are invented.
// ORCA answers carry 傷病名コード (レセ電算), not ICD-10 nor MEDIS 病名交換用コード, so neither is
// invented here.

/** A seeded pseudo-random source (mulberry32): the same seed, the same clinic. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

export const FAMILY_NAMES: readonly (readonly [string, string])[] = [
  ['佐藤', 'サトウ'],
  ['鈴木', 'スズキ'],
  ['高橋', 'タカハシ'],
  ['田中', 'タナカ'],
  ['伊藤', 'イトウ'],
  ['渡辺', 'ワタナベ'],
  ['山本', 'ヤマモト'],
  ['中村', 'ナカムラ'],
  ['小林', 'コバヤシ'],
  ['加藤', 'カトウ'],
  ['吉田', 'ヨシダ'],
  ['山田', 'ヤマダ'],
  ['松本', 'マツモト'],
  ['井上', 'イノウエ'],
  ['木村', 'キムラ'],
  ['清水', 'シミズ'],
  ['森', 'モリ'],
  ['池田', 'イケダ'],
];

export const MALE_NAMES: readonly (readonly [string, string])[] = [
  ['太郎', 'タロウ'],
  ['健一', 'ケンイチ'],
  ['誠', 'マコト'],
  ['大輔', 'ダイスケ'],
  ['翔太', 'ショウタ'],
  ['浩二', 'コウジ'],
  ['修', 'オサム'],
  ['隆', 'タカシ'],
];

export const FEMALE_NAMES: readonly (readonly [string, string])[] = [
  ['花子', 'ハナコ'],
  ['陽子', 'ヨウコ'],
  ['美咲', 'ミサキ'],
  ['恵子', 'ケイコ'],
  ['さくら', 'サクラ'],
  ['幸子', 'サチコ'],
  ['由美', 'ユミ'],
  ['和子', 'カズコ'],
];

/** Towns of the recorded answers (a patient's address, the clinic's own). */
export const TOWNS: readonly { zip: string; town: string; phone: string }[] = [
  { zip: '6900051', town: '島根県松江市横浜町', phone: '0852' },
  { zip: '6900015', town: '島根県松江市上乃木', phone: '0852' },
  { zip: '1130021', town: '東京都文京区本駒込', phone: '03' },
];

/** 診療科 of the recorded system01lstv2 answer (システム管理 1005). */
export const DEPARTMENTS: Readonly<Record<string, string>> = {
  '01': '内科',
  '03': '小児科',
  '04': '整形外科',
};

/** ドクター (system01lstv2 class 02 and the recorded forms). */
export const PHYSICIANS: readonly { code: string; name: string }[] = [
  { code: '10001', name: 'オルカ　太郎' },
  { code: '10003', name: '鈴木　有二' },
];

export interface CatalogDrug {
  /** レセ電算 医薬品コード (as ORCA's 診療行為コード). */
  code: string;
  name: string;
  unitName: string;
  /** ORCA 単位コード (016 錠 is the one the published samples show). */
  unitCode?: string;
  /** 1日量 (内服) or 1回量 (頓服). */
  amount: number;
  /** 薬価基準コード, where a published answer shows it. */
  yj?: string;
}

/** Drugs of the recorded answers and of the published forms samples (shohosen, okusuri_techo). */
export const DRUGS = {
  atenolol: {
    code: '610461003',
    name: 'アテノロール５０ｍｇ錠',
    unitName: '錠',
    unitCode: '016',
    amount: 1,
    yj: '2123011F2011',
  },
  famotidine: {
    code: '612320417',
    name: 'ガスター錠１０ｍｇ',
    unitName: '錠',
    unitCode: '016',
    amount: 2,
    yj: '2325003F1024',
  },
  rosuvastatin: {
    code: '620002477',
    name: 'クレストール錠２．５ｍｇ',
    unitName: '錠',
    unitCode: '016',
    amount: 1,
  },
  bezafibrate: {
    code: '610422262',
    name: 'ベザレックスＳＲ錠１００　１００ｍｇ',
    unitName: '錠',
    unitCode: '016',
    amount: 2,
  },
  respren: { code: '610463219', name: 'レスプレン錠２０ｍｇ', unitName: '錠', unitCode: '016', amount: 3 },
  ambroxol: {
    code: '620389403',
    name: 'アンブロキソール塩酸塩錠１５ｍｇ「アメル」',
    unitName: '錠',
    unitCode: '016',
    amount: 3,
  },
  flomox: { code: '610411058', name: 'フロモックス錠１００ｍｇ', unitName: '錠', unitCode: '016', amount: 3 },
  warfarin: {
    code: '620811502',
    name: 'ワルファリンＫ錠１ｍｇ「Ｆ」',
    unitName: '錠',
    unitCode: '016',
    amount: 2,
  },
  syrup: {
    code: '620006852',
    name: 'ウイントマイロンシロップ５％',
    unitName: 'ｍＬ',
    amount: 1,
    yj: '6241001Q1073',
  },
} as const satisfies Record<string, CatalogDrug>;

/**
 * 用法 (ORCA 001 codes). 001000301 is the one the published お薬手帳 sample shows; the others follow
 * its style and are this simulator's own (a clinic sets up its own 用法 codes).
 */
export const USAGES = {
  tid: { code: '001000301', name: '【１日３回毎食後に】' },
  bid: { code: '001000201', name: '【１日２回朝夕食後に】' },
  qd: { code: '001000101', name: '【１日１回朝食後に】' },
  cough: { code: '001000802', name: '【咳がひどい時に】' },
} as const;

export interface CatalogDisease {
  department: string;
  /** 修飾語 (ZZZnnnn) before, the 傷病名, 修飾語 after — as ORCA lists Disease_Single. */
  singles: readonly { code: string; name: string }[];
  /** Chronic: long courses, no 転帰; acute: a few weeks, 転帰 治ゆ. */
  chronic: boolean;
  diseaseClass?: string;
  /** What is prescribed for it: drug, 用法, 診療区分 (21 内服, 22 頓服), days or times. */
  drugs: readonly {
    drug: CatalogDrug;
    usage: { code: string; name: string };
    kind: '21' | '22';
    count: number;
  }[];
}

/** Diseases with the 傷病名コード and 修飾語コード of the recorded diseasegetv2 answer. */
export const DISEASES: readonly CatalogDisease[] = [
  {
    department: '01',
    singles: [{ code: '8833421', name: '高血圧症' }],
    chronic: true,
    diseaseClass: '05',
    drugs: [{ drug: DRUGS.atenolol, usage: USAGES.qd, kind: '21', count: 28 }],
  },
  {
    department: '01',
    singles: [{ code: '2500013', name: '糖尿病' }],
    chronic: true,
    diseaseClass: '05',
    drugs: [{ drug: DRUGS.rosuvastatin, usage: USAGES.qd, kind: '21', count: 28 }],
  },
  {
    department: '01',
    singles: [{ code: '5319009', name: '胃潰瘍' }],
    chronic: false,
    diseaseClass: '05',
    drugs: [{ drug: DRUGS.famotidine, usage: USAGES.bid, kind: '21', count: 14 }],
  },
  {
    department: '01',
    singles: [{ code: '4939008', name: '気管支喘息' }],
    chronic: true,
    diseaseClass: '05',
    drugs: [
      { drug: DRUGS.ambroxol, usage: USAGES.tid, kind: '21', count: 7 },
      { drug: DRUGS.respren, usage: USAGES.cough, kind: '22', count: 10 },
    ],
  },
  {
    department: '01',
    singles: [{ code: '3659003', name: '緑内障' }],
    chronic: true,
    drugs: [],
  },
  {
    department: '04',
    singles: [
      { code: 'ZZZ2057', name: '両' },
      { code: '7153018', name: '変形性膝関節症' },
    ],
    chronic: true,
    drugs: [],
  },
  {
    department: '01',
    singles: [
      { code: '5319009', name: '胃潰瘍' },
      { code: 'ZZZ8002', name: 'の疑い' },
    ],
    chronic: false,
    drugs: [{ drug: DRUGS.famotidine, usage: USAGES.bid, kind: '21', count: 7 }],
  },
  {
    department: '03',
    singles: [{ code: '4939008', name: '気管支喘息' }],
    chronic: true,
    drugs: [{ drug: DRUGS.syrup, usage: USAGES.tid, kind: '21', count: 5 }],
  },
];

/** 保険 of the recorded answers: 国保 (patientgetv2), 後期高齢者 (prescriptionv2), 協会 (shohosen sample). */
export const INSURERS = {
  kokuho: { providerClass: '060', name: '国保', number: '320010', rate: 0.3 },
  kyokai: { providerClass: '009', name: '協会', number: '01320019', rate: 0.3 },
  elderly: { providerClass: '039', name: '後期高齢者', number: '39322011', rate: 0.1 },
} as const;
