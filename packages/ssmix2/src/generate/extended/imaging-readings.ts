/**
 * What the radiologist reads on a study, by the kind of study and the patient's problems at the time
 * (templates, illustrative wording). The first problem that shows on the study decides; none, a normal
 * reading.
 */

export type StudyKind = 'chest' | 'abdomen' | 'ultrasound' | 'chestCT' | 'headCT' | 'abdomenCT';

export interface Reading {
  readonly findings: readonly string[];
  readonly impression: readonly string[];
  /** Where the schema marks the finding (0..1). */
  readonly mark: { readonly x: number; readonly y: number };
}

/**
 * The nodule of the imaging scenario (`胸部異常陰影`), as the chest CT measures it. The demo's CT draws a
 * nodule of the same size (`@hie/demo` images.ts), so what the report says can be measured.
 */
export const SCENARIO_NODULE_MM = 14;

const CENTRE = { x: 0.5, y: 0.5 };
const RIGHT_UPPER = { x: 0.36, y: 0.32 };

type Rule = (ctr: number) => Reading;

/** Per kind of study: the problems that show on it, most telling first, and the normal reading. */
const READINGS: Readonly<
  Record<StudyKind, { readonly rules: readonly [string, Rule][]; readonly normal: Rule }>
> = {
  chest: {
    rules: [
      [
        'lungShadow',
        (ctr) => ({
          findings: ['右上肺野に径 1.5 cm 大の結節影を認める。', `心胸郭比 ${ctr}%。`, '肋骨横隔膜角は鋭。'],
          impression: ['右上肺野結節影。胸部CT（薄層）での精査を推奨する。'],
          mark: RIGHT_UPPER,
        }),
      ],
      [
        'pneumonia',
        (ctr) => ({
          findings: ['右下肺野に浸潤影を認める。', `心胸郭比 ${ctr}%。`, '明らかな胸水は認めない。'],
          impression: ['右下葉肺炎として矛盾しない。'],
          mark: { x: 0.36, y: 0.66 },
        }),
      ],
      [
        'heartFailure',
        (ctr) => ({
          findings: [
            `心拡大を認める（心胸郭比 ${Math.max(ctr, 56)}%）。`,
            '肺血管陰影の増強と両側肋骨横隔膜角の鈍化を認める。',
          ],
          impression: ['うっ血性心不全の所見。両側少量胸水。'],
          mark: { x: 0.55, y: 0.6 },
        }),
      ],
      [
        'copd',
        () => ({
          findings: ['両肺野の透過性亢進と横隔膜の平低化を認める。', '明らかな浸潤影は認めない。'],
          impression: ['肺気腫性変化。前回と比べ著変なし。'],
          mark: { x: 0.66, y: 0.4 },
        }),
      ],
    ],
    normal: (ctr) => ({
      findings: ['両肺野に明らかな異常陰影を認めない。', `心胸郭比 ${ctr}%。`, '肋骨横隔膜角は鋭。'],
      impression: ['異常所見なし。'],
      mark: CENTRE,
    }),
  },
  abdomen: {
    rules: [],
    normal: () => ({
      findings: ['腸管ガスの分布に明らかな異常を認めない。', 'ニボー形成なし。遊離ガスを認めない。'],
      impression: ['イレウスを示唆する所見なし。'],
      mark: CENTRE,
    }),
  },
  ultrasound: {
    rules: [
      [
        'fattyLiver',
        () => ({
          findings: [
            '肝実質のエコー輝度上昇（bright liver）と肝腎コントラストを認める。',
            '胆嚢、膵、脾に異常なし。',
          ],
          impression: ['脂肪肝。'],
          mark: { x: 0.35, y: 0.4 },
        }),
      ],
      [
        'ckd',
        () => ({
          findings: [
            '両腎は軽度萎縮し、皮質エコー輝度の上昇を認める。水腎症なし。',
            '肝、胆嚢、膵に異常なし。',
          ],
          impression: ['慢性腎臓病に矛盾しない腎の変化。'],
          mark: { x: 0.7, y: 0.55 },
        }),
      ],
    ],
    normal: () => ({
      findings: ['肝、胆嚢、膵、脾、両腎に明らかな異常所見を認めない。', '腹水なし。'],
      impression: ['異常所見なし。'],
      mark: CENTRE,
    }),
  },
  chestCT: {
    rules: [
      [
        'lungShadow',
        () => ({
          findings: [
            `右肺上葉 S2 に ${SCENARIO_NODULE_MM} × ${SCENARIO_NODULE_MM - 2} mm の充実性結節を認める。辺縁は分葉状で、胸膜陥入像を伴う。`,
            '縦隔・肺門リンパ節の腫大を認めない。',
            '胸水なし。',
          ],
          impression: [
            '右肺上葉結節。原発性肺癌を否定できない。',
            '呼吸器内科での精査（気管支鏡検査、ＰＥＴ－ＣＴ）を推奨する。',
          ],
          mark: RIGHT_UPPER,
        }),
      ],
      [
        'pneumonia',
        () => ({
          findings: [
            '右下葉に気管支透亮像を伴う浸潤影を認める。',
            '右少量胸水。',
            '縦隔リンパ節の軽度腫大。',
          ],
          impression: ['右下葉肺炎。'],
          mark: { x: 0.36, y: 0.66 },
        }),
      ],
      [
        'influenza',
        () => ({
          findings: ['両肺に末梢優位のすりガラス影が散在する。', '胸水なし。'],
          impression: ['ウイルス性肺炎の可能性がある。'],
          mark: { x: 0.62, y: 0.55 },
        }),
      ],
      [
        'heartFailure',
        () => ({
          findings: ['心拡大と両側胸水を認める。', '小葉間隔壁の肥厚とすりガラス影を両側下葉優位に認める。'],
          impression: ['うっ血性心不全として矛盾しない。'],
          mark: { x: 0.55, y: 0.6 },
        }),
      ],
      [
        'copd',
        () => ({
          findings: ['両肺上葉優位に小葉中心性の低吸収域を認める。', '明らかな腫瘤影、浸潤影なし。'],
          impression: ['肺気腫。'],
          mark: { x: 0.66, y: 0.4 },
        }),
      ],
      [
        'ami',
        () => ({
          findings: ['大動脈に解離や瘤を認めない。', '肺野に明らかな異常なし。'],
          impression: ['大動脈解離なし。'],
          mark: CENTRE,
        }),
      ],
    ],
    normal: () => ({
      findings: ['両肺野に結節影、浸潤影を認めない。', '縦隔・肺門リンパ節の腫大なし。', '胸水なし。'],
      impression: ['明らかな異常所見なし。'],
      mark: CENTRE,
    }),
  },
  headCT: {
    rules: [
      [
        'headInjury',
        () => ({
          findings: ['頭蓋内に出血を認めない。', '頭蓋骨骨折なし。', '右側頭部に皮下血腫を認める。'],
          impression: ['頭蓋内に外傷性変化なし。'],
          mark: { x: 0.3, y: 0.45 },
        }),
      ],
      [
        'strokeSequelae',
        () => ({
          findings: ['左放射冠に陳旧性ラクナ梗塞を認める。', '新たな出血や早期虚血性変化を認めない。'],
          impression: ['陳旧性脳梗塞。前回と比べ新規病変なし。'],
          mark: { x: 0.6, y: 0.45 },
        }),
      ],
      [
        'dementia',
        () => ({
          findings: ['側脳室の拡大と脳溝の開大を認め、両側海馬の萎縮がある。', '出血、腫瘤なし。'],
          impression: ['びまん性脳萎縮。'],
          mark: CENTRE,
        }),
      ],
    ],
    normal: () => ({
      findings: ['頭蓋内に出血、腫瘤を認めない。', '脳室の拡大なし。正中偏位なし。'],
      impression: ['頭蓋内に明らかな異常所見なし。'],
      mark: CENTRE,
    }),
  },
  abdomenCT: {
    rules: [
      [
        'gastricUlcer',
        () => ({
          findings: ['胃前庭部の壁肥厚を認める。', '腹腔内遊離ガスを認めない。'],
          impression: ['穿孔を示唆する所見なし。'],
          mark: { x: 0.55, y: 0.35 },
        }),
      ],
      [
        'duodenalUlcer',
        () => ({
          findings: ['十二指腸球部の壁肥厚を認める。', '腹腔内遊離ガスを認めない。'],
          impression: ['穿孔を示唆する所見なし。'],
          mark: { x: 0.45, y: 0.4 },
        }),
      ],
      [
        'gastroenteritis',
        () => ({
          findings: ['小腸から上行結腸に壁肥厚と腸管内の液体貯留を認める。', '腹水少量。'],
          impression: ['感染性腸炎として矛盾しない。'],
          mark: { x: 0.4, y: 0.65 },
        }),
      ],
      [
        'hepC',
        () => ({
          findings: [
            '肝表面に軽度の凹凸を認める。',
            '肝内に早期濃染や洗い出しを示す結節を認めない。',
            '脾腫、腹水なし。',
          ],
          impression: ['慢性肝障害。肝細胞癌を疑う所見なし。'],
          mark: { x: 0.35, y: 0.4 },
        }),
      ],
      [
        'fattyLiver',
        () => ({
          findings: ['肝の吸収値が脾より低下している。'],
          impression: ['脂肪肝。'],
          mark: { x: 0.35, y: 0.4 },
        }),
      ],
    ],
    normal: () => ({
      findings: ['肝、胆嚢、膵、脾、両腎に明らかな異常を認めない。', '腹水、リンパ節腫大なし。'],
      impression: ['異常所見なし。'],
      mark: CENTRE,
    }),
  },
};

export function reading(study: StudyKind, problems: ReadonlySet<string>, ctr: number): Reading {
  const { rules, normal } = READINGS[study];
  const rule = rules.find(([key]) => problems.has(key))?.[1] ?? normal;
  return rule(ctr);
}

/** The kind of a study from its modality and the names of its parts (`胸部.Ｘ線ＣＴ.単純`). */
export function studyKind(modality: string, parts: readonly string[]): StudyKind {
  const on = (site: string) => parts.some((p) => p.startsWith(site));
  if (modality === 'US') return 'ultrasound';
  if (modality === 'CT') return on('頭部') ? 'headCT' : on('胸部') ? 'chestCT' : 'abdomenCT';
  return on('胸部') ? 'chest' : 'abdomen';
}
