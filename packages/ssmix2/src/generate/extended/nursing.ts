/**
 * 看護サマリ (退院時看護サマリ) for most discharges, written by a ward nurse on the discharge day for
 * whoever cares for the patient next (外来, 訪問看護, 施設): the stay as the chart tells it (ward and
 * room, drips, diets, transfer, leave, operation), the nursing problems of the disease and how they
 * ended, ADL and medication management at discharge, allergies, what to carry on. Problem names
 * follow common nursing-diagnosis wording; the sentences are illustrative templates.
 */

import { ageOn, dayFromYmd } from '../world/clock.js';
import type { ClinicalDocumentModel, DocumentSection } from './cda.js';
import {
  ageText,
  type DocumentContext,
  deptName,
  header,
  jaDate,
  momentOn,
  type PlannedDocument,
} from './common.js';
import type { SurgeryPlan } from './operative.js';
import type { StayFacts } from './stay.js';

/** Nursing problems by the stay's disease (the first is the main one). */
const NURSING_PROBLEMS: Readonly<Record<string, readonly string[]>> = {
  pneumonia: ['非効果的気道浄化', '感染リスク'],
  copd: ['非効果的呼吸パターン', '活動耐性低下'],
  asthma: ['非効果的呼吸パターン'],
  heartFailure: ['体液量過剰', '活動耐性低下'],
  ami: ['急性疼痛（胸痛）', '活動耐性低下'],
  angina: ['出血リスク（穿刺部）', '知識不足（服薬・生活習慣）'],
  af: ['出血リスク（抗凝固療法）'],
  cellulitis: ['皮膚統合性障害', '急性疼痛'],
  dehydration: ['体液量不足'],
  gastroenteritis: ['体液量不足', '下痢'],
  gastricUlcer: ['出血リスク', '栄養摂取消費バランス異常：必要量以下'],
  hipFracture: ['急性疼痛', '身体可動性障害'],
  kneeOa: ['急性疼痛', '身体可動性障害'],
  cataract: ['感染リスク（術眼）', '知識不足（点眼・生活上の注意）'],
  dm2: ['非効果的健康管理（血糖の自己管理）', '知識不足（食事療法）'],
  ckd: ['非効果的健康管理（食事・水分の管理）'],
};

export function nursingSummary(
  ctx: DocumentContext,
  stay: StayFacts,
  specificKey: string,
  surgery: SurgeryPlan | undefined,
): PlannedDocument {
  const { facts, rng, facility, patient } = ctx;
  const { admit, discharge, dept } = stay;
  const nurse = rng.pick(facility.nurses);
  const written = momentOn(rng, discharge, 0, 9 * 60 + 30, 16 * 60);
  const age = ageOn(patient.recorded.birthDate, dayFromYmd(admit));
  const keys = new Set(stay.problems.flatMap((p) => (p.disease ? [p.disease.key] : [])));
  const frail =
    age >= 85 || keys.has('dementia') || keys.has('parkinson') || stay.diseaseKey === 'hipFracture';
  const drips = facts.drips(admit, discharge).filter((d) => d.name !== '');
  const diets = [...new Set(facts.diets(admit, discharge))];
  const rx = facts.prescriptions(admit, discharge);
  const lastRx = rx[rx.length - 1];
  const moved = facts.count('ADT-42', admit, discharge) > 0;
  const leave = facts.count('ADT-31', admit, discharge) > 0;
  const allergies = facts.allergiesAt(stay.adt52.timestamp);

  const problems = [
    ...(NURSING_PROBLEMS[stay.diseaseKey] ?? []),
    ...(drips.length > 0 ? ['感染リスク（末梢静脈ライン）'] : []),
    '転倒・転落リスク',
  ];
  const outcome = (p: string) =>
    p.startsWith('転倒')
      ? frail
        ? '継続（退院後も注意）'
        : '入院中の転倒なし、解決'
      : p.startsWith('知識不足')
        ? '指導済み、理解良好'
        : '解決';

  const course: string[] = [
    `${jaDate(stay.admitTime)}、${stay.planned ? '予定' : '緊急'}入院。${stay.ward}病棟 ${stay.room}号室に入室した。`,
  ];
  if (surgery)
    course.push(
      `${jaDate(surgery.day)}、${surgery.side ? `${surgery.side}・` : ''}${surgery.name}を受けた。術前オリエンテーションを行い、術後は疼痛と創部を観察した。`,
    );
  if (drips.length > 0)
    course.push(`点滴（${drips.map((d) => d.name).join('、')}）中は刺入部に発赤・腫脹なく経過した。`);
  if (diets.length > 0)
    course.push(
      `食事は${diets[0]}で開始し${diets.length > 1 ? `、${diets[diets.length - 1]}へ変更した` : 'た'}。摂取量はおおむね良好。`,
    );
  if (moved) course.push('経過中に病室を移動した。');
  if (leave) course.push('退院前に外泊し、自宅での生活に問題がないことを本人・家族と確認した。');
  course.push(`入院${stay.days}日目に${frail ? '家族の迎えで' : ''}自宅へ退院した。`);

  const adl = (item: string, independent: string, helped: string) => [item, frail ? helped : independent];
  const walking =
    stay.diseaseKey === 'hipFracture' || stay.diseaseKey === 'kneeOa'
      ? frail
        ? '歩行器歩行（見守り）'
        : 'T字杖歩行自立'
      : frail
        ? '伝い歩き（見守り）'
        : '独歩自立';
  const rows = [
    adl('食事', '自立', '自立（配膳・セッティングのみ介助）'),
    adl('排泄', '自立', '日中トイレ、夜間ポータブルトイレ使用'),
    ['移動', walking],
    adl('清潔', 'シャワー浴自立', 'シャワー浴一部介助'),
    adl('更衣', '自立', '一部介助'),
    ['服薬管理', frail ? '家族管理（一包化）' : '自己管理'],
  ];

  const handOver = [
    ...(frail
      ? [
          '退院後の生活について家族と確認した。介護保険サービスの利用についてケアマネジャーへの情報提供を予定。',
        ]
      : []),
    ...(keys.has('dm2') ? ['血糖の自己管理と食事療法について、外来での継続指導をお願いします。'] : []),
    ...(surgery?.key === 'cataract'
      ? ['術後点眼を継続。洗顔・洗髪は医師の許可まで控えるよう指導済み。']
      : []),
    ...(surgery?.key === 'hipFracture'
      ? ['脱臼肢位を避ける動作を指導済み。転倒予防に注意をお願いします。']
      : []),
    `次回は当院${deptName(dept)}外来を受診予定。`,
  ];

  const sections: DocumentSection[] = [
    {
      title: '入院情報',
      items: [
        `入院期間：${jaDate(admit)} ～ ${jaDate(discharge)}（${stay.days}日間）`,
        `病棟：${stay.ward}病棟 ${stay.room}号室`,
        `診療科・主治医：${deptName(dept)} ${stay.doctor.family} ${stay.doctor.given}`,
        `入院時診断：${stay.main?.name ?? `${deptName(dept)}疾患`}`,
        ...stay.problems.filter((p) => p !== stay.main).map((p) => `既往・併存症：${p.name}`),
        `年齢・性別：${ageText(ctx, admit)}・${patient.recorded.sex === 'M' ? '男性' : '女性'}`,
      ],
    },
    {
      code: '48765-2',
      title: 'アレルギー',
      items: allergies.length > 0 ? allergies.map((a) => `${a.name}（${a.reaction}）`) : ['アレルギーなし'],
    },
    {
      title: '看護問題と評価',
      items: problems.map((p, i) => `#${i + 1} ${p}：${outcome(p)}`),
    },
    { title: '入院中の経過', paragraphs: course },
    { title: '退院時の状態（ＡＤＬ）', table: { head: ['項目', '状態'], rows } },
    {
      code: '10183-2',
      title: '退院時処方',
      items: (lastRx?.drugs ?? []).map((d) => `${d.name}　${d.dose}${d.unit}　${d.usage}`),
      paragraphs: lastRx && lastRx.drugs.length > 0 ? [] : ['退院時処方なし'],
    },
    { title: '継続看護・申し送り', paragraphs: handOver },
  ];
  const model: ClinicalDocumentModel = {
    ...header(ctx, 'NSUM', specificKey, written, { ...nurse, role: '看護師' }, dept),
    title: '看護サマリ',
    loinc: { code: '34745-0', name: 'Nursing discharge summary' },
    encounter: { start: stay.admitTime.slice(0, 12), end: stay.dischargeTime.slice(0, 12) },
    sections,
  };
  return { kind: 'NSUM', careDate: discharge, department: dept, timestamp: written, model };
}
