import type { CabinetTemplate, TemplateField, VitalSign } from '@hie/contract';
import { VITAL_SIGNS } from '@hie/contract';

/**
 * The network's templates (雛型), offered in every group beside the group's own: what a visiting nurse,
 * a pharmacist, a therapist, a care worker and a home-visit doctor write most, with the vital signs and
 * ADL items as choice inputs and the stock phrases (定型句) they type every day.
 */

const vital = (code: VitalSign): TemplateField => ({
  id: code,
  label: { ja: VITAL_SIGNS[code].ja, en: VITAL_SIGNS[code].en },
  type: 'number',
  vital: code,
});

const VITALS: TemplateField[] = [
  vital('bp-systolic'),
  vital('bp-diastolic'),
  vital('pulse'),
  vital('spo2'),
  vital('temperature'),
  vital('respiratory-rate'),
  vital('pain'),
];

const adl = (id: string, ja: string, en: string): TemplateField => ({
  id,
  label: { ja, en },
  type: 'radio',
  options: [
    { value: 'independent', label: { ja: '自立', en: 'Independent' } },
    { value: 'supervision', label: { ja: '見守り', en: 'Supervision' } },
    { value: 'partial', label: { ja: '一部介助', en: 'Partial assistance' } },
    { value: 'full', label: { ja: '全介助', en: 'Full assistance' } },
  ],
});

const yesNo = (id: string, ja: string, en: string): TemplateField => ({
  id,
  label: { ja, en },
  type: 'check',
});

export const DEFAULT_TEMPLATES: readonly CabinetTemplate[] = [
  {
    id: 'visiting-nursing',
    name: { ja: '訪問看護記録', en: 'Visiting nursing record' },
    professions: ['nurse', 'public-health-nurse', 'midwife'],
    kind: 'soap',
    fields: [
      ...VITALS,
      yesNo('bowel', '排便あり', 'Bowel movement'),
      yesNo('pressure-sore', '褥瘡あり', 'Pressure sore'),
    ],
    phrases: [
      { section: 's', text: '特に変わりないとのこと。' },
      { section: 's', text: '夜間よく眠れたとのこと。' },
      { section: 's', text: '食欲がないとのこと。' },
      { section: 'o', text: '表情穏やか。' },
      { section: 'o', text: '下肢浮腫なし。' },
      { section: 'o', text: '仙骨部発赤なし。' },
      { section: 'a', text: '全身状態は安定している。' },
      { section: 'a', text: '脱水傾向あり、経過観察が必要。' },
      { section: 'p', text: '次回訪問時にバイタル確認を継続。' },
      { section: 'p', text: '主治医へ報告する。' },
    ],
  },
  {
    id: 'medication-status',
    name: { ja: '服薬状況', en: 'Medication status' },
    professions: ['pharmacist'],
    kind: 'soap',
    fields: [
      {
        id: 'adherence',
        label: { ja: '服薬状況', en: 'Adherence' },
        type: 'radio',
        options: [
          { value: 'good', label: { ja: '良好', en: 'Good' } },
          { value: 'some-missed', label: { ja: '飲み忘れあり', en: 'Some missed' } },
          { value: 'poor', label: { ja: '不良', en: 'Poor' } },
        ],
      },
      {
        id: 'leftover-days',
        label: { ja: '残薬（日分）', en: 'Leftover (days)' },
        type: 'number',
        unit: '日分',
        min: 0,
        max: 365,
        decimals: 0,
      },
      yesNo('side-effects', '副作用の疑いあり', 'Suspected side effect'),
      yesNo('calendar', 'お薬カレンダー使用', 'Uses a pill calendar'),
    ],
    phrases: [
      { section: 's', text: '薬は飲めているとのこと。' },
      { section: 'o', text: '残薬を確認した。' },
      { section: 'a', text: '服薬アドヒアランスは良好。' },
      { section: 'p', text: '一包化を処方医に提案する。' },
    ],
  },
  {
    id: 'rehab-assessment',
    name: { ja: 'リハ評価', en: 'Rehabilitation assessment' },
    professions: ['therapist'],
    kind: 'soap',
    fields: [
      adl('adl-walking', '歩行', 'Walking'),
      adl('adl-transfer', '移乗', 'Transfer'),
      adl('adl-toilet', 'トイレ動作', 'Toileting'),
      {
        id: 'walk-distance',
        label: { ja: '歩行距離', en: 'Walking distance' },
        type: 'number',
        unit: 'm',
        min: 0,
        max: 5000,
        decimals: 0,
      },
      vital('pain'),
    ],
    phrases: [
      { section: 'o', text: '杖歩行にて屋内移動自立。' },
      { section: 'a', text: '転倒リスクあり。' },
      { section: 'p', text: '下肢筋力訓練を継続。' },
    ],
  },
  {
    id: 'care-record',
    name: { ja: '介護記録', en: 'Care record' },
    professions: ['care-worker', 'helper', 'care-manager'],
    kind: 'free',
    fields: [
      adl('adl-eating', '食事', 'Eating'),
      adl('adl-bathing', '入浴', 'Bathing'),
      {
        id: 'meal-amount',
        label: { ja: '食事量', en: 'Meal intake' },
        type: 'radio',
        options: [
          { value: 'all', label: { ja: '全量', en: 'All' } },
          { value: 'half', label: { ja: '半量', en: 'Half' } },
          { value: 'little', label: { ja: 'ほとんど食べず', en: 'Little' } },
        ],
      },
      yesNo('bowel', '排便あり', 'Bowel movement'),
      vital('temperature'),
    ],
    phrases: [
      { section: 'text', text: '入浴介助を行った。' },
      { section: 'text', text: '特変なし。' },
      { section: 'text', text: 'ご家族より相談あり。' },
    ],
  },
  {
    id: 'home-visit',
    name: { ja: '訪問診療', en: 'Home visit' },
    professions: ['doctor', 'dentist'],
    kind: 'soap',
    fields: [...VITALS, vital('weight')],
    phrases: [
      { section: 'a', text: '状態安定。' },
      { section: 'p', text: '処方継続。' },
      { section: 'p', text: '次回訪問は2週間後。' },
    ],
  },
];
