/**
 * 診療情報提供書 written at an outpatient visit (ADT-12): to a larger hospital for a closer look,
 * or back to a clinic for follow-up (逆紹介). Diagnoses, latest labs and current prescription come
 * from the chart; the receiving facilities are illustrative names.
 */

import type { Draft } from '../clinical/chart.js';
import { KNOWN_FACILITIES } from '../data/clinic.js';
import { SURNAMES } from '../data/names.js';
import { dayFromYmd, ymdFromDay } from '../world/clock.js';
import type { ClinicalDocumentModel, DocumentSection } from './cda.js';
import {
  activeOn,
  after,
  ageText,
  type DocumentContext,
  deptName,
  header,
  jaDate,
  labTable,
  type PlannedDocument,
  problemText,
} from './common.js';
import { staffOf } from './facts.js';

const CLINIC_KINDS = ['内科クリニック', '内科医院', '診療所', 'ファミリークリニック'];

export function referralLetter(
  ctx: DocumentContext,
  adt12: Draft,
  specificKey: string,
): PlannedDocument | undefined {
  const { facts, rng, facility } = ctx;
  const m = facts.message(adt12);
  if (!m) return undefined;
  const day = adt12.careDate;
  const dept = adt12.department;
  const doctor = staffOf(m, 'PV1-7');
  // The visit's own department's problems first: they are what the letter is about.
  const problems = activeOn(facts.problemsAt(adt12.timestamp), day).sort(
    (a, b) => Number(b.disease?.dept === dept) - Number(a.disease?.dept === dept),
  );
  const past = facts.problemsAt(adt12.timestamp).filter((p) => p.resolved && p.resolved < day);
  const since = ymdFromDay(dayFromYmd(day) - 180);
  const labs = facts.labs(since, day);
  const latestLab = labs[labs.length - 1];
  const rx = facts.prescriptions(ymdFromDay(dayFromYmd(day) - 120), day);
  const currentRx = rx[rx.length - 1];
  const toHospital = rng.chance(0.4);
  const others = Object.entries(KNOWN_FACILITIES).filter(([code]) => code !== facility.code);
  const hospital = others.length > 0 ? rng.pick(others)[1].name : '県立中央病院';
  const clinicOwner = rng.weighted(SURNAMES, (n) => n.weight).kanji;
  const clinic = `${clinicOwner}${rng.pick(CLINIC_KINDS)}`;
  const recipientDoctor = toHospital ? `${deptName(dept)} 担当医` : `${clinicOwner} 院長`;
  const written = after(rng, adt12.timestamp, rng.int(20, 180));
  const mainName = problems[0]?.name ?? '上記';
  const purpose = toHospital
    ? `${mainName}について、貴院での精査・加療をお願い申し上げます。`
    : `${mainName}について当院での治療により病状が安定しましたので、今後の経過観察と処方の継続をお願い申し上げます。`;

  const sections: DocumentSection[] = [
    {
      code: '29548-5',
      title: '傷病名',
      items: problems.length > 0 ? problems.map(problemText) : ['（記載なし）'],
    },
    { code: '42349-1', title: '紹介目的', paragraphs: [purpose] },
    {
      code: '11348-0',
      title: '既往歴・家族歴',
      items:
        past.length > 0
          ? past.map((p) => `${p.name}（${jaDate(p.resolved ?? p.onset)} 軽快）`)
          : ['特記すべきことなし'],
    },
    {
      code: '10164-2',
      title: '症状経過・検査結果',
      paragraphs: [
        `${ageText(ctx, day)}${ctx.patient.recorded.sex === 'M' ? '男性' : '女性'}。${problems.length > 0 ? `${problems.map((p) => p.name).join('、')}にて当院${deptName(dept)}に通院中。` : `当院${deptName(dept)}を受診。`}`,
        latestLab
          ? `直近の検査結果（${jaDate(latestLab.collected)}）を下表に示します。`
          : '直近半年の検体検査はありません。',
      ],
      ...(latestLab ? { table: labTable([latestLab]) } : {}),
    },
    {
      code: '10160-0',
      title: '現在の処方',
      items:
        currentRx && currentRx.drugs.length > 0
          ? currentRx.drugs.map((d) => `${d.name}　${d.dose}${d.unit}　${d.usage}`)
          : ['なし'],
    },
    { title: '備考', paragraphs: ['ご多忙のところ恐縮ですが、何卒よろしくお願い申し上げます。'] },
  ];
  const model: ClinicalDocumentModel = {
    ...header(ctx, 'REFL', specificKey, written, doctor, dept),
    title: '診療情報提供書',
    loinc: { code: '57133-1', name: 'Referral note' },
    encounter: { start: (m.get('PV1-44') ?? day).slice(0, 12) },
    recipient: {
      organization: toHospital ? hospital : clinic,
      department: toHospital ? deptName(dept) : '',
      doctor: recipientDoctor,
    },
    sections,
  };
  return { kind: 'REFL', careDate: day, department: dept, timestamp: written, model };
}
