/**
 * 手術記録 for a surgical stay: cataract and knee replacement stays are booked for the operation, a
 * planned angina stay ends in a PCI when the angiogram shows a stenosis worth stenting, a hip
 * fracture is operated within a day or two. The operation (which, which side, which day) is decided
 * from hashes of the stay alone, so the discharge summary can name it without reading this
 * document's draws; the details (times, blood loss, findings) come from the document's own stream.
 * Wording and figures are illustrative.
 */

import { DISEASE_BY_KEY } from '../data/diseases.js';
import { dayFromYmd, ymdFromDay } from '../world/clock.js';
import { hashUnit } from '../world/random.js';
import type { ClinicalDocumentModel, DocumentSection } from './cda.js';
import { type DocumentContext, deptName, header, jaDate, momentOn, type PlannedDocument } from './common.js';
import type { StayFacts } from './stay.js';

interface Operation {
  readonly name: string;
  /** Share of the disease's stays that end in this operation. */
  readonly share: number;
  /** Right or left (eyes, knees, hips). */
  readonly sided: boolean;
  readonly anaesthesia: string;
  readonly minutes: readonly [number, number];
  /** Millilitres; undefined when too little to measure. */
  readonly bloodLoss?: readonly [number, number];
  readonly implant: string;
  readonly steps: (side: string, pick: <T>(items: readonly T[]) => T) => string[];
  readonly orders: string;
}

const OPERATIONS: Readonly<Record<string, Operation>> = {
  cataract: {
    name: '水晶体再建術（超音波乳化吸引術・眼内レンズ挿入）',
    share: 1,
    sided: true,
    anaesthesia: '点眼麻酔およびテノン嚢下麻酔',
    minutes: [12, 30],
    implant: '後房眼内レンズ（嚢内固定）',
    steps: (side, pick) => [
      `${side}眼。耳側角膜切開にて前房に到達し、粘弾性物質を注入、連続円形切嚢を行った。`,
      `核硬度は Emery 分類 ${pick(['2', '3', '3', '4'])} 度。超音波乳化吸引にて核を、灌流吸引にて皮質を除去した。`,
      '眼内レンズを嚢内に挿入し、粘弾性物質を除去した。創口は無縫合で閉鎖を確認した。',
    ],
    orders: '術後は抗菌薬およびステロイドの点眼を開始する。翌朝に診察、眼帯は翌日除去。',
  },
  kneeOa: {
    name: '人工膝関節全置換術（TKA）',
    share: 1,
    sided: true,
    anaesthesia: '全身麻酔および大腿神経ブロック（麻酔科管理）',
    minutes: [90, 150],
    bloodLoss: [80, 350],
    implant: '人工膝関節（大腿骨・脛骨コンポーネント、ポリエチレンインサート、セメント固定）',
    steps: (side) => [
      `${side}膝、ターニケット使用下に内側傍膝蓋アプローチで展開した。`,
      '内側関節裂隙は消失し、大腿骨内側顆および脛骨内側に軟骨の全層欠損と骨棘を認めた。',
      '骨棘を切除し、大腿骨・脛骨の骨切りを行った。トライアルにて可動域と靭帯バランスを確認後、コンポーネントをセメント固定した。',
      'ドレーンを留置し、層々に閉創した。',
    ],
    orders:
      '翌日より離床およびリハビリテーションを開始する。深部静脈血栓症予防に弾性ストッキングとフットポンプを使用。',
  },
  angina: {
    name: '経皮的冠動脈形成術（ステント留置）',
    share: 0.7,
    sided: false,
    anaesthesia: '局所麻酔（穿刺部）',
    minutes: [45, 120],
    implant: '薬剤溶出性ステント',
    steps: (_, pick) => {
      const vessel = pick(['左前下行枝（#7）', '右冠動脈（#2）', '左回旋枝（#13）']);
      return [
        `${pick(['右橈骨動脈', '右橈骨動脈', '右大腿動脈'])}アプローチ、6Fr シースを挿入した。`,
        `冠動脈造影にて${vessel}に ${pick(['75', '90', '90', '99'])}% 狭窄を認めた。`,
        `同部位をバルーンで前拡張後、薬剤溶出性ステントを留置した。残存狭窄 0%、TIMI 3 の血流を確認した。`,
        'シースを抜去し、止血デバイスにて止血した。',
      ];
    },
    orders: '抗血小板薬２剤併用療法を継続する。穿刺部の安静と出血、末梢の循環を観察する。',
  },
  hipFracture: {
    name: '人工骨頭挿入術',
    share: 0.95,
    sided: true,
    anaesthesia: '脊髄くも膜下麻酔',
    minutes: [60, 120],
    bloodLoss: [100, 350],
    implant: '人工骨頭（セメントレスステム）',
    steps: (side) => [
      `${side}股関節、側臥位にて後方アプローチで展開した。`,
      '大腿骨頚部は転位を伴って骨折しており（Garden 分類 stage Ⅳ）、骨頭を摘出した。',
      'ラスピング後、トライアルで脚長と安定性を確認し、ステムおよび人工骨頭を挿入、整復した。',
      '短外旋筋群を修復し、ドレーンを留置して閉創した。',
    ],
    orders: '翌日より離床、全荷重可。脱臼肢位（股関節の過屈曲・内旋）を避けるよう指導する。',
  },
};

export interface SurgeryPlan {
  readonly key: string;
  readonly name: string;
  /** `右` / `左`, or empty. */
  readonly side: string;
  /** YYYYMMDD. */
  readonly day: string;
}

/** The operation of a stay, if it had one (from hashes of the stay: no stream is drawn from). */
export function surgeryOf(
  seed: number,
  facilityCode: string,
  localId: string,
  stay: StayFacts,
): SurgeryPlan | undefined {
  const op = OPERATIONS[stay.diseaseKey];
  if (!op) return undefined;
  const h = (what: string) => hashUnit(seed, 'extended-surgery', facilityCode, localId, stay.admit, what);
  if (h('done') >= op.share) return undefined;
  // Planned stays are operated the day after admission; a fracture within one or two days.
  const after = stay.planned ? 1 : h('day') < 0.6 ? 1 : 2;
  const day = dayFromYmd(stay.admit) + after;
  if (day >= dayFromYmd(stay.discharge)) return undefined;
  return {
    key: stay.diseaseKey,
    name: op.name,
    side: op.sided ? (h('side') < 0.5 ? '右' : '左') : '',
    day: ymdFromDay(day),
  };
}

const SECTION = {
  preDx: '10219-4',
  postDx: '10218-6',
  procedure: '29554-3',
  anaesthesia: '59774-0',
  bloodLoss: '59770-8',
  implants: '59771-6',
  plan: '18776-5',
} as const;

const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

export function operativeNote(
  ctx: DocumentContext,
  stay: StayFacts,
  plan: SurgeryPlan,
  specificKey: string,
): PlannedDocument | undefined {
  const op = OPERATIONS[plan.key];
  if (!op) return undefined;
  const { rng, facility } = ctx;
  const start = rng.int(9 * 60, 14 * 60);
  const length = rng.int(op.minutes[0], op.minutes[1]);
  const end = start + length;
  const written = momentOn(rng, plan.day, 0, end + 20, end + 150);
  const surgeon = stay.doctor;
  const colleagues = (facility.doctors[stay.dept] ?? []).filter((d) => d.id !== surgeon.id);
  const assistant = colleagues.length > 0 ? rng.pick(colleagues) : undefined;
  const pick = <T>(items: readonly T[]): T => rng.pick(items);
  const diagnosis = `${plan.side}${DISEASE_BY_KEY.get(plan.key)?.name ?? stay.main?.name ?? ''}`;
  const bleeding = op.bloodLoss ? `${rng.int(op.bloodLoss[0], op.bloodLoss[1])} mL` : '少量（計測不能）';
  const sections: DocumentSection[] = [
    { code: SECTION.preDx, title: '術前診断', items: [diagnosis] },
    { code: SECTION.postDx, title: '術後診断', items: [diagnosis] },
    {
      title: '術式・手術情報',
      items: [
        `術式：${plan.side ? `${plan.side}・` : ''}${op.name}`,
        `手術日：${jaDate(plan.day)}（入院第${dayFromYmd(plan.day) - dayFromYmd(stay.admit) + 1}病日）`,
        `手術時間：${hhmm(start)}～${hhmm(end)}（${length}分）`,
        `執刀医：${surgeon.family} ${surgeon.given}（${deptName(stay.dept)}）`,
        ...(assistant ? [`助手：${assistant.family} ${assistant.given}`] : []),
      ],
    },
    { code: SECTION.anaesthesia, title: '麻酔', items: [op.anaesthesia] },
    { code: SECTION.procedure, title: '手術経過', paragraphs: op.steps(plan.side, pick) },
    { code: SECTION.bloodLoss, title: '出血量', items: [bleeding] },
    { code: SECTION.implants, title: '使用材料・インプラント', items: [op.implant] },
    { title: '合併症', items: ['術中合併症なし'] },
    { code: SECTION.plan, title: '術後指示', paragraphs: [op.orders] },
  ];
  const model: ClinicalDocumentModel = {
    ...header(ctx, 'OPRN', specificKey, written, surgeon, stay.dept),
    title: '手術記録',
    loinc: { code: '11504-8', name: 'Surgical operation note' },
    encounter: { start: stay.admitTime.slice(0, 12), end: stay.dischargeTime.slice(0, 12) },
    sections,
  };
  return { kind: 'OPRN', careDate: plan.day, department: stay.dept, timestamp: written, model };
}
