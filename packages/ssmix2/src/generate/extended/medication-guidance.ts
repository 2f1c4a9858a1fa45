/**
 * 服薬指導記録 (薬剤管理指導記録): a ward pharmacist's visit during some stays with oral drugs —
 * allergies from the chart, drugs brought from home (this hospital's own recent outpatient
 * prescriptions, and those of other clinics for conditions it does not follow itself, seen in the
 * お薬手帳), the inpatient prescription as ordered, what was explained per drug, how well the
 * patient understood. No LOINC code: the folder's name says what it is. Wording illustrative.
 */

import { DISEASE_BY_KEY } from '../data/diseases.js';
import { ORAL_DRUGS } from '../data/drugs.js';
import { ageOn, dayFromYmd, ymdFromDay } from '../world/clock.js';
import type { ClinicalDocumentModel, DocumentSection } from './cda.js';
import {
  after,
  type DocumentContext,
  deptName,
  header,
  jaDate,
  momentOn,
  type PlannedDocument,
} from './common.js';
import type { StaffName } from './facts.js';
import type { StayFacts } from './stay.js';

/** What the pharmacist explains, per drug (the first matching note; a general one otherwise). */
const ADVICE: Readonly<Record<string, string>> = {
  metformin: '造影剤検査の前後や食事がとれない日は休薬すること、脱水に注意することを説明した。',
  glimepiride: '低血糖の症状（冷汗、ふるえ、動悸）と、ブドウ糖を摂る対処を説明した。',
  sitagliptin: '１日１回の内服で、飲み忘れに気づいた時は当日中なら内服するよう説明した。',
  apixaban: '出血（歯ぐき、皮下出血、黒色便）に注意し、自己判断で中止しないよう説明した。',
  aspirin: '出血傾向と胃腸症状に注意し、処置や手術の前は医師に申し出るよう説明した。',
  furosemide: '尿量が増えること、ふらつきや脱水に注意し、毎朝体重を測るよう説明した。',
  carvedilol: '脈が遅くなる・ふらつく時は連絡するよう説明した。',
  bisoprolol: '脈が遅くなる・ふらつく時は連絡するよう説明した。',
  amlodipine: '立ちくらみに注意するよう説明した。',
  candesartan: '立ちくらみに注意し、脱水時は医師に相談するよう説明した。',
  olmesartan: '立ちくらみに注意し、脱水時は医師に相談するよう説明した。',
  atorvastatin: '筋肉痛や脱力感が出たら連絡するよう説明した。',
  rosuvastatin: '筋肉痛や脱力感が出たら連絡するよう説明した。',
  loxoprofen: '胃腸障害に注意し、空腹時を避けて服用するよう説明した。',
  celecoxib: '胃腸障害とむくみに注意するよう説明した。',
  acetaminophen: '痛い時の服用間隔（４時間以上）と１日の上限量を説明した。',
  zolpidem: '就寝直前に服用し、夜間のふらつき・転倒に注意するよう説明した。',
  nitroglycerin: '胸痛発作時に舌下で使用し、５分で治まらなければ救急受診するよう説明した。',
  tiotropium: '吸入手技を実演で確認し、カプセルは内服しないよう説明した。',
  magnesium: '下痢が続く時は減量を相談するよう説明した。',
  levofloxacin: '症状が良くなっても飲み切るよう説明した。',
  cefcapene: '症状が良くなっても飲み切るよう説明した。',
  donepezil: '家族と服薬の確認方法を相談した。',
};

const KEY_BY_NAME = new Map(Object.values(ORAL_DRUGS).map((d) => [d.name, d.key]));

/** The hospital's pharmacists (from their own stream, not the chart's). */
export const PHARMACISTS = 3;

export function medicationGuidance(
  ctx: DocumentContext,
  stay: StayFacts,
  /** Called only when the document is written, so keys have no gaps. */
  nextKey: () => string,
  pharmacists: readonly StaffName[],
): PlannedDocument | undefined {
  const { facts, rng, patient } = ctx;
  const rx = facts.prescriptions(stay.admit, stay.discharge);
  const ordered = rx[0];
  if (!ordered || ordered.drugs.length === 0 || pharmacists.length === 0) return undefined;
  const span = dayFromYmd(stay.discharge) - dayFromYmd(stay.admit);
  if (span < 2) return undefined;
  const day = ymdFromDay(dayFromYmd(stay.admit) + rng.int(1, Math.min(3, span - 1)));
  const pharmacist = rng.pick(pharmacists);
  const seen = momentOn(rng, day, 0, 13 * 60, 16 * 60 + 30);
  const written = after(rng, seen, rng.int(20, 90));
  const age = ageOn(patient.recorded.birthDate, dayFromYmd(day));
  const keys = new Set(stay.problems.flatMap((p) => (p.disease ? [p.disease.key] : [])));
  const withFamily = age >= 80 || keys.has('dementia');

  // Brought from home: this hospital's outpatient drugs of the last four months …
  const before = facts.prescriptions(
    ymdFromDay(dayFromYmd(stay.admit) - 120),
    ymdFromDay(dayFromYmd(stay.admit) - 1),
  );
  const ownNames = new Set(before.flatMap((p) => p.drugs.map((d) => d.name)));
  const brought = ordered.drugs
    .filter((d) => ownNames.has(d.name))
    .map((d) => `${d.name}：当院処方、入院中も継続`);
  // … and drugs of conditions followed elsewhere (on the problem list, never prescribed here).
  const everPrescribed = new Set(
    facts.prescriptions('00000000', stay.discharge).flatMap((p) => p.drugs.map((d) => d.name)),
  );
  const elsewhere = stay.problems.filter((p) => {
    const regimens = p.disease?.chronic ? p.disease.regimens : [];
    return regimens.length > 0 && !regimens.flat().some((k) => everPrescribed.has(ORAL_DRUGS[k]?.name ?? ''));
  });
  for (const p of elsewhere) brought.push(`他院処方（${p.name}）：お薬手帳で内容を確認し、主治医に報告`);

  const allergies = facts.allergiesAt(stay.adt52.timestamp).filter((a) => a.type === 'DA');
  const advice = ordered.drugs.map((d) => {
    const key = KEY_BY_NAME.get(d.name) ?? '';
    return `${d.name}：${ADVICE[key] ?? '効能、用法・用量、飲み忘れた時の対応を説明した。'}`;
  });
  const main = stay.main?.name ?? DISEASE_BY_KEY.get(stay.diseaseKey)?.name ?? `${deptName(stay.dept)}疾患`;
  const sections: DocumentSection[] = [
    {
      title: '指導概要',
      items: [
        `指導日：${jaDate(day)}（入院第${dayFromYmd(day) - dayFromYmd(stay.admit) + 1}病日）`,
        `病棟：${stay.ward}病棟 ${stay.room}号室`,
        `診療科・主治医：${deptName(stay.dept)} ${stay.doctor.family} ${stay.doctor.given}`,
        `入院時診断：${main}`,
        `指導対象：${withFamily ? '本人および家族' : '本人'}`,
        `担当薬剤師：${pharmacist.family} ${pharmacist.given}`,
      ],
    },
    {
      code: '48765-2',
      title: '副作用・アレルギー歴',
      items:
        allergies.length > 0
          ? allergies.map((a) => `${a.name}（${a.reaction}）`)
          : ['薬剤アレルギー・副作用歴なし'],
    },
    { title: '持参薬の確認', items: brought.length > 0 ? brought : ['持参薬なし'] },
    {
      code: '10160-0',
      title: '処方内容（入院処方）',
      items: ordered.drugs.map((d) => `${d.name}　${d.dose}${d.unit}　${d.usage}`),
    },
    { title: '指導内容', items: advice },
    {
      title: '理解度・評価',
      paragraphs: [
        withFamily
          ? '本人の理解は一部にとどまるため、家族同席で説明した。家族の理解は良好。'
          : '説明内容を理解され、質問にも適切に答えられた。服薬アドヒアランスは良好と評価する。',
        '現時点で副作用を疑う症状は認めない。',
      ],
    },
    { title: '今後の予定', paragraphs: ['退院時に退院時服薬指導を行う予定。'] },
  ];
  const model: ClinicalDocumentModel = {
    ...header(ctx, 'MEDG', nextKey(), written, { ...pharmacist, role: '薬剤師' }, stay.dept),
    title: '服薬指導記録',
    encounter: { start: stay.admitTime.slice(0, 12), end: stay.dischargeTime.slice(0, 12) },
    sections,
  };
  return { kind: 'MEDG', careDate: day, department: stay.dept, timestamp: written, model };
}
