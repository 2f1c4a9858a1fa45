/**
 * Laboratory tests with their 17-character JLAC10 codes. Every code below appears in the JAMI
 * JP-CLINS core laboratory value sets (CoreLabo, e.g. HbA1c-NGSP 3D046000001906202, eGFR
 * 8A065000002391901, WBC 2A990000001930952) or in the SS-MIX2 guideline samples (TP, ALB, A/G).
 * Reference ranges are the JCCLS common reference intervals (共用基準範囲), rounded.
 * Characters 10–12 of a code are the JLAC10 specimen (023 serum, 019 whole blood with
 * additive, 022 plasma, 001 urine); the generator groups tests by specimen into SPM groups.
 */

export type LabKey =
  | 'hba1c'
  | 'glu'
  | 'cre'
  | 'egfr'
  | 'bun'
  | 'ua'
  | 'na'
  | 'k'
  | 'cl'
  | 'ast'
  | 'alt'
  | 'ggt'
  | 'ld'
  | 'tbil'
  | 'tp'
  | 'alb'
  | 'ldl'
  | 'hdl'
  | 'tg'
  | 'ck'
  | 'crp'
  | 'wbc'
  | 'rbc'
  | 'hb'
  | 'ht'
  | 'plt'
  | 'uprot'
  | 'uglu'
  | 'ntprobnp';

export interface LabTest {
  readonly key: LabKey;
  readonly jlac10: string;
  readonly name: string;
  readonly unit: string;
  /** Reference interval by sex; `high` undefined means "no upper limit". */
  readonly range: {
    readonly M: readonly [number, number | undefined];
    readonly F: readonly [number, number | undefined];
  };
  readonly decimals: number;
  /** Values below this are reported as `<limit` (ST), e.g. CRP `<0.03`. */
  readonly detectionLimit?: number;
  /** Values above this are reported as `>limit` (ST). */
  readonly upperReportLimit?: number;
  /** Qualitative tests report grades (`-`, `+-`, ` 1 +` …) as ST. */
  readonly qualitative?: boolean;
}

const t = (
  key: LabKey,
  jlac10: string,
  name: string,
  unit: string,
  m: readonly [number, number | undefined],
  f: readonly [number, number | undefined],
  decimals: number,
  extra: Partial<LabTest> = {},
): LabTest => ({ key, jlac10, name, unit, range: { M: m, F: f }, decimals, ...extra });

export const LAB_TESTS: Readonly<Record<LabKey, LabTest>> = {
  hba1c: t('hba1c', '3D046000001906202', 'ＨｂＡ１ｃ（ＮＧＳＰ）', '%', [4.9, 6.0], [4.9, 6.0], 1, {
    upperReportLimit: 14.0,
  }),
  glu: t('glu', '3D010000002227101', 'グルコース', 'mg/dL', [73, 109], [73, 109], 0),
  cre: t('cre', '3C015000002327101', 'クレアチニン', 'mg/dL', [0.65, 1.07], [0.46, 0.79], 2),
  egfr: t('egfr', '8A065000002391901', 'ｅＧＦＲ', 'mL/min/1.73m2', [60, undefined], [60, undefined], 1),
  bun: t('bun', '3C025000002327101', '尿素窒素', 'mg/dL', [8, 20], [8, 20], 1),
  ua: t('ua', '3C020000002327101', '尿酸', 'mg/dL', [3.7, 7.8], [2.6, 5.5], 1),
  na: t('na', '3H010000002326101', 'ナトリウム', 'mEq/L', [138, 145], [138, 145], 0),
  k: t('k', '3H015000002326101', 'カリウム', 'mEq/L', [3.6, 4.8], [3.6, 4.8], 1),
  cl: t('cl', '3H020000002326101', 'クロール', 'mEq/L', [101, 108], [101, 108], 0),
  ast: t('ast', '3B035000002327201', 'ＡＳＴ（ＧＯＴ）', 'U/L', [13, 30], [13, 30], 0),
  alt: t('alt', '3B045000002327201', 'ＡＬＴ（ＧＰＴ）', 'U/L', [10, 42], [7, 23], 0),
  ggt: t('ggt', '3B090000002327101', 'γ－ＧＴ', 'U/L', [13, 64], [9, 32], 0),
  ld: t('ld', '3B050000002327201', 'ＬＤ', 'U/L', [124, 222], [124, 222], 0),
  tbil: t('tbil', '3J010000002327101', '総ビリルビン', 'mg/dL', [0.4, 1.5], [0.4, 1.5], 1),
  tp: t('tp', '3A010000002327101', '総蛋白', 'g/dL', [6.6, 8.1], [6.6, 8.1], 1),
  alb: t('alb', '3A015000002327101', 'アルブミン', 'g/dL', [4.1, 5.1], [4.1, 5.1], 1),
  ldl: t('ldl', '3F077000002327101', 'ＬＤＬ－コレステロール', 'mg/dL', [65, 163], [65, 163], 0),
  hdl: t('hdl', '3F070000002327101', 'ＨＤＬ－コレステロール', 'mg/dL', [38, 90], [48, 103], 0),
  tg: t('tg', '3F015000002327101', '中性脂肪', 'mg/dL', [40, 234], [30, 117], 0, { upperReportLimit: 2000 }),
  ck: t('ck', '3B010000002327201', 'ＣＫ', 'U/L', [59, 248], [41, 153], 0),
  crp: t('crp', '5C070000002306201', 'ＣＲＰ', 'mg/dL', [0, 0.14], [0, 0.14], 2, { detectionLimit: 0.03 }),
  wbc: t('wbc', '2A990000001930952', '白血球数', '10*3/uL', [3.3, 8.6], [3.3, 8.6], 1),
  rbc: t('rbc', '2A990000001930951', '赤血球数', '10*4/uL', [435, 555], [386, 492], 0),
  hb: t('hb', '2A990000001930953', 'ヘモグロビン', 'g/dL', [13.7, 16.8], [11.6, 14.8], 1),
  ht: t('ht', '2A990000001930954', 'ヘマトクリット', '%', [40.7, 50.1], [35.1, 44.4], 1),
  plt: t('plt', '2A990000001930955', '血小板数', '10*4/uL', [15.8, 34.8], [15.8, 34.8], 1),
  uprot: t('uprot', '1A010000000190111', '尿蛋白定性', '', [0, 0], [0, 0], 0, { qualitative: true }),
  uglu: t('uglu', '1A020000000190111', '尿糖定性', '', [0, 0], [0, 0], 0, { qualitative: true }),
  ntprobnp: t('ntprobnp', '4Z272000002305301', 'ＮＴ－ｐｒｏＢＮＰ', 'pg/mL', [0, 125], [0, 125], 0, {
    upperReportLimit: 35000,
  }),
};

/** Order sets (検査セット, local codes as in the guideline sample `E001^血液学的検査^99O03`). */
export interface LabPanel {
  readonly key: string;
  readonly tests: readonly LabKey[];
}

export const LAB_PANELS = {
  cbc: { key: 'cbc', tests: ['wbc', 'rbc', 'hb', 'ht', 'plt'] },
  liver: { key: 'liver', tests: ['ast', 'alt', 'ggt', 'ld', 'tbil', 'tp', 'alb'] },
  renal: { key: 'renal', tests: ['bun', 'cre', 'egfr', 'ua', 'na', 'k', 'cl'] },
  lipid: { key: 'lipid', tests: ['ldl', 'hdl', 'tg'] },
  diabetes: { key: 'diabetes', tests: ['hba1c', 'glu'] },
  inflammation: { key: 'inflammation', tests: ['crp', 'wbc'] },
  urine: { key: 'urine', tests: ['uprot', 'uglu'] },
  heart: { key: 'heart', tests: ['ntprobnp', 'ck'] },
} as const satisfies Record<string, LabPanel>;

export type PanelKey = keyof typeof LAB_PANELS;

/** Specimen (JLAC10 characters 10–12) → SPM-4 text and the local order-set code of its OBR-4. */
export const SPECIMENS: Readonly<Record<string, { name: string; set: string; setName: string }>> = {
  '023': { name: '血清', set: 'E002', setName: '生化学的検査' },
  '019': { name: '全血（添加物入り）', set: 'E001', setName: '血液学的検査' },
  '022': { name: '血漿', set: 'E003', setName: '血糖検査' },
  '001': { name: '尿', set: 'E004', setName: '尿一般検査' },
};

export function specimenOf(test: LabTest): string {
  return test.jlac10.slice(9, 12);
}
