/**
 * 退院時サマリ for a discharge (ADT-52): diagnoses from the problem list current at discharge, the
 * stay's drips, diets, labs, ECG and imaging from the same chart, the operation if there was one,
 * the last oral prescription as the discharge prescription. Narrative sentences are templates per
 * disease (illustrative wording).
 */

import { dayFromYmd } from '../world/clock.js';
import type { ClinicalDocumentModel, DocumentSection } from './cda.js';
import {
  ageText,
  type DocumentContext,
  deptName,
  header,
  jaDate,
  labNumber,
  labTable,
  momentOn,
  type PlannedDocument,
  problemText,
} from './common.js';
import type { SurgeryPlan } from './operative.js';
import type { StayFacts } from './stay.js';

/** Why the patient came in, per disease key (illustrative). */
const REASONS: Readonly<Record<string, string>> = {
  pneumonia: '発熱、咳嗽、喀痰を主訴に受診。胸部Ｘ線で浸潤影を認め、肺炎の診断で入院となった。',
  heartFailure: '労作時呼吸困難と下腿浮腫の増悪を主訴に受診。うっ血性心不全の増悪と判断し入院となった。',
  ami: '突然の胸痛を主訴に受診。心電図変化と心筋逸脱酵素の上昇を認め、急性心筋梗塞として入院となった。',
  copd: '呼吸困難の増悪を主訴に受診し、慢性閉塞性肺疾患の急性増悪として入院となった。',
  cellulitis: '下腿の発赤、腫脹、熱感を主訴に受診。蜂巣炎の診断で抗菌薬点滴目的に入院となった。',
  dehydration: '食思不振と倦怠感を主訴に受診。脱水症の診断で補液目的に入院となった。',
  gastroenteritis: '嘔吐、下痢を主訴に受診。経口摂取困難のため補液目的に入院となった。',
  gastricUlcer: '心窩部痛と黒色便を主訴に受診。胃潰瘍の診断で入院となった。',
  hipFracture: '自宅で転倒し歩行困難となり受診。大腿骨頚部骨折の診断で手術目的に入院となった。',
  dm2: '血糖コントロール不良のため、教育および血糖調整目的に予定入院となった。',
  ckd: '腎機能の評価と生活指導（教育入院）目的に予定入院となった。',
  cataract: '視力低下が進行し、白内障手術目的に予定入院となった。',
  kneeOa: '膝関節痛による歩行障害が進行し、手術目的に予定入院となった。',
  angina: '労作時胸痛の精査（心臓カテーテル検査）目的に予定入院となった。',
};

const SECTION = {
  admissionDx: '46241-6',
  reason: '46239-0',
  course: '8648-8',
  tests: '30954-2',
  dischargeDx: '11535-2',
  medications: '10183-2',
  plan: '18776-5',
} as const;

export function dischargeSummary(
  ctx: DocumentContext,
  stay: StayFacts,
  specificKey: string,
  surgery: SurgeryPlan | undefined,
): PlannedDocument | undefined {
  const { facts, rng } = ctx;
  const { admitTime, admit, discharge, dept, doctor, main, days, planned } = stay;
  const m = stay.message;
  const written = momentOn(rng, discharge, rng.int(0, 6), 13 * 60, 18 * 60);
  const others = stay.problems.filter((p) => p !== main);
  const labs = facts.labs(admit, discharge);
  const drips = facts.drips(admit, discharge).filter((d) => d.name !== '');
  const diets = [...new Set(facts.diets(admit, discharge))];
  const rx = facts.prescriptions(admit, discharge);
  const lastRx = rx[rx.length - 1];
  const ecg = facts.ecgFindings(admit, discharge);
  const xrays = facts.imaging(admit, discharge).length;
  const moved = facts.count('ADT-42', admit, discharge) > 0;
  const leave = facts.count('ADT-31', admit, discharge) > 0;
  const mainName = main?.name ?? `${deptName(dept)}疾患`;
  const key = stay.diseaseKey;

  const course: string[] = [
    `${jaDate(admitTime)}、${planned ? '予定' : '緊急'}入院。${
      drips.length > 0
        ? `入院後、${drips.map((d) => `${d.name}（${d.days}日間）`).join('、')}の点滴を行った。`
        : surgery
          ? '入院後、術前の検査と評価を行った。'
          : '入院後、安静と内服加療を継続した。'
    }`,
  ];
  if (surgery)
    course.push(
      `第${dayFromYmd(surgery.day) - dayFromYmd(admit) + 1}病日（${jaDate(surgery.day)}）、${surgery.side ? `${surgery.side}・` : ''}${surgery.name}を施行した（手術記録参照）。術後経過は良好であった。`,
    );
  else if (key === 'angina' && planned)
    course.push(
      '冠動脈造影検査を施行し、経皮的冠動脈形成術の適応となる有意狭窄は認めず、内服加療の継続とした。',
    );
  if (diets.length > 0)
    course.push(
      `食事は${diets[0]}で開始し${diets.length > 1 ? `、経過に応じて${diets[diets.length - 1]}へ変更した` : '、摂取は良好であった'}。`,
    );
  const crpIn = labNumber(labs[0], 'ＣＲＰ');
  const crpOut = labs.length > 1 ? labNumber(labs[labs.length - 1], 'ＣＲＰ') : undefined;
  if (crpIn !== undefined && crpOut !== undefined)
    course.push(
      `ＣＲＰは入院時 ${crpIn} mg/dL から ${crpOut} mg/dL へ${crpOut < crpIn ? '改善' : '推移'}した。`,
    );
  if (moved) course.push('経過中に病室を移動した。');
  if (leave) course.push('退院前に外泊を行い、自宅での生活に支障がないことを確認した。');
  course.push(`全身状態は安定し、第${days}病日に自宅退院とした。`);

  const testLines: string[] = [];
  if (ecg.length > 0) testLines.push(`心電図：${ecg.join('、')}`);
  if (xrays > 0) testLines.push(`画像検査：入院中に${xrays}件施行（読影レポート参照）`);

  const sections: DocumentSection[] = [
    {
      code: SECTION.admissionDx,
      title: '入院時診断',
      items: [
        `主病名：${main ? problemText(main) : mainName}`,
        ...others.map((p) => `併存症：${problemText(p)}`),
      ],
    },
    {
      code: SECTION.reason,
      title: '入院理由・主訴',
      paragraphs: [
        `${ageText(ctx, admit)}${ctx.patient.recorded.sex === 'M' ? '男性' : '女性'}。${REASONS[key] ?? `${mainName}の加療目的に入院となった。`}`,
      ],
    },
    { code: SECTION.course, title: '入院経過', paragraphs: course },
    {
      code: SECTION.tests,
      title: '検査所見',
      ...(labs.length > 0 ? { table: labTable(labs) } : {}),
      ...(testLines.length > 0 ? { items: testLines } : {}),
    },
    {
      code: SECTION.dischargeDx,
      title: '退院時診断',
      items: [`${mainName}（軽快）`, ...others.map((p) => p.name)],
    },
    {
      code: SECTION.medications,
      title: '退院時処方',
      items: (lastRx?.drugs ?? []).map((d) => `${d.name}　${d.dose}${d.unit}　${d.usage}　14日分`),
      paragraphs: lastRx && lastRx.drugs.length > 0 ? [] : ['退院時処方なし'],
    },
    {
      code: SECTION.plan,
      title: '退院時の状態・今後の方針',
      paragraphs: [
        `ＡＤＬは自立して退院。退院後は当院${deptName(dept)}外来（${doctor.family}）で経過観察とする。`,
      ],
    },
  ];
  const model: ClinicalDocumentModel = {
    ...header(ctx, 'DSUM', specificKey, written, doctor, dept),
    title: '退院時サマリ',
    loinc: { code: '18842-5', name: 'Discharge summary' },
    encounter: { start: admitTime.slice(0, 12), end: (m.get('PV1-45') ?? discharge).slice(0, 12) },
    sections,
  };
  // Some summaries are amended after the first signature: the old folder becomes `_2`.
  const amend = rng.chance(0.2);
  const revisedAt = momentOn(rng, written, rng.int(1, 10), 9 * 60, 17 * 60);
  const revision = amend
    ? {
        timestamp: revisedAt,
        model: {
          ...model,
          version: 2,
          effectiveTime: revisedAt.slice(0, 14),
          sections: sections.map((s) =>
            s.code === SECTION.course
              ? {
                  ...s,
                  paragraphs: [
                    ...(s.paragraphs ?? []),
                    `（${jaDate(revisedAt)} 追記）退院後の外来受診予定日を追記した。次回受診は退院２週間後とする。`,
                  ],
                }
              : s,
          ),
        },
      }
    : undefined;
  return {
    kind: 'DSUM',
    careDate: discharge,
    department: dept,
    timestamp: written,
    model,
    ...(revision ? { revision } : {}),
  };
}
