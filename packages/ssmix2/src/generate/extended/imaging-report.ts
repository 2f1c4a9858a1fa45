/**
 * 読影レポート for a performed radiology or ultrasound study (OMG-11): the study as filed (name,
 * parts, modality, accession, study UID), a radiologist's findings that fit the patient's problems
 * at the time (templates, illustrative wording), sometimes a schema sketch as a PNG attachment.
 */

import type { Draft } from '../clinical/chart.js';
import { GIVEN_NAMES, SURNAMES } from '../data/names.js';
import type { Facility } from '../world/facility.js';
import { rngFor } from '../world/random.js';
import type { ClinicalDocumentModel, DocumentSection } from './cda.js';
import {
  activeOn,
  after,
  type DocumentContext,
  deptName,
  header,
  jaDate,
  type PlannedDocument,
} from './common.js';
import type { StaffName } from './facts.js';
import { renderPng, schemaSketch } from './png.js';

interface Reading {
  readonly findings: readonly string[];
  readonly impression: readonly string[];
  /** Where the schema marks the finding (0..1). */
  readonly mark: { readonly x: number; readonly y: number };
}

type Study = 'chest' | 'abdomen' | 'ultrasound';

function reading(study: Study, problems: ReadonlySet<string>, ctr: number): Reading {
  const centre = { x: 0.5, y: 0.5 };
  if (study === 'chest') {
    if (problems.has('pneumonia'))
      return {
        findings: ['右下肺野に浸潤影を認める。', `心胸郭比 ${ctr}%。`, '明らかな胸水は認めない。'],
        impression: ['右下葉肺炎として矛盾しない。'],
        mark: { x: 0.36, y: 0.66 },
      };
    if (problems.has('heartFailure'))
      return {
        findings: [
          `心拡大を認める（心胸郭比 ${Math.max(ctr, 56)}%）。`,
          '肺血管陰影の増強と両側肋骨横隔膜角の鈍化を認める。',
        ],
        impression: ['うっ血性心不全の所見。両側少量胸水。'],
        mark: { x: 0.55, y: 0.6 },
      };
    if (problems.has('copd'))
      return {
        findings: ['両肺野の透過性亢進と横隔膜の平低化を認める。', '明らかな浸潤影は認めない。'],
        impression: ['肺気腫性変化。前回と比べ著変なし。'],
        mark: { x: 0.66, y: 0.4 },
      };
    return {
      findings: ['両肺野に明らかな異常陰影を認めない。', `心胸郭比 ${ctr}%。`, '肋骨横隔膜角は鋭。'],
      impression: ['異常所見なし。'],
      mark: centre,
    };
  }
  if (study === 'abdomen')
    return {
      findings: ['腸管ガスの分布に明らかな異常を認めない。', 'ニボー形成なし。遊離ガスを認めない。'],
      impression: ['イレウスを示唆する所見なし。'],
      mark: centre,
    };
  if (problems.has('fattyLiver'))
    return {
      findings: [
        '肝実質のエコー輝度上昇（bright liver）と肝腎コントラストを認める。',
        '胆嚢、膵、脾に異常なし。',
      ],
      impression: ['脂肪肝。'],
      mark: { x: 0.35, y: 0.4 },
    };
  if (problems.has('ckd'))
    return {
      findings: ['両腎は軽度萎縮し、皮質エコー輝度の上昇を認める。水腎症なし。', '肝、胆嚢、膵に異常なし。'],
      impression: ['慢性腎臓病に矛盾しない腎の変化。'],
      mark: { x: 0.7, y: 0.55 },
    };
  return {
    findings: ['肝、胆嚢、膵、脾、両腎に明らかな異常所見を認めない。', '腹水なし。'],
    impression: ['異常所見なし。'],
    mark: centre,
  };
}

/** The facility's reading radiologist (one per facility, from its own stream). */
export function radiologist(seed: number, facility: Facility): StaffName {
  const rng = rngFor(seed, 'extended-radiologist', facility.code);
  return {
    id: 'R0001',
    family: rng.weighted(SURNAMES, (n) => n.weight).kanji,
    given: rng.weighted(GIVEN_NAMES.M['1970s'], (n) => n.weight).kanji,
  };
}

export function imagingReport(
  ctx: DocumentContext,
  omg11: Draft,
  specificKey: string,
  reader: StaffName,
): PlannedDocument | undefined {
  const { facts, rng } = ctx;
  const m = facts.message(omg11);
  if (!m) return undefined;
  const obrs = m.segmentsNamed('OBR');
  const parent = obrs[0]?.get(4, 1, 2) ?? '';
  const parts = [...new Set(obrs.filter((o) => o.get(29)).map((o) => o.get(4, 1, 2) ?? ''))];
  const modality = m.get('IPC-5.1') ?? '';
  const accession = m.get('IPC-1') ?? '';
  const studyUid = m.get('IPC-3') ?? '';
  const requester = m.get('PV1-7.2') ?? '';
  const study: Study =
    modality === 'US' ? 'ultrasound' : parts.some((p) => p.startsWith('胸部')) ? 'chest' : 'abdomen';
  const problems = activeOn(facts.problemsAt(omg11.timestamp), omg11.careDate);
  const keys = new Set(problems.flatMap((p) => (p.disease ? [p.disease.key] : [])));
  const r = reading(study, keys, rng.int(42, 50));
  const written = after(rng, omg11.timestamp, rng.int(30, 300));
  const withSchema = rng.chance(0.35);
  const sections: DocumentSection[] = [
    {
      title: '検査情報',
      items: [
        `検査日：${jaDate(omg11.careDate)}`,
        `検査種別：${parent}（${modality}）`,
        ...parts.map((p) => `撮影部位・方向：${p}`),
        `受付番号：${accession}`,
        `Study Instance UID：${studyUid}`,
        `依頼：${deptName(omg11.department)} ${requester}`,
      ],
    },
    {
      code: '55752-0',
      title: '臨床情報',
      paragraphs: [problems.length > 0 ? problems.map((p) => p.name).join('、') : '精査目的'],
    },
    { code: '59776-5', title: '所見', paragraphs: r.findings },
    { code: '19005-8', title: '診断', items: r.impression },
  ];
  const model: ClinicalDocumentModel = {
    ...header(ctx, 'RADR', specificKey, written, reader, omg11.department),
    title: '読影レポート',
    loinc: { code: '18748-4', name: 'Diagnostic imaging study' },
    encounter: { start: omg11.careDate },
    study: { accession, orderNo: omg11.orderNo, studyUid },
    sections,
  };
  // A few reports are addended after a comparison with earlier studies.
  const addendum = rng.chance(0.08);
  const addendedAt = after(rng, written, rng.int(60, 2880));
  return {
    kind: 'RADR',
    careDate: omg11.careDate,
    department: omg11.department,
    timestamp: written,
    model,
    ...(withSchema ? { attachment: { file: 'schema.png', bytes: renderPng(schemaSketch(r.mark)) } } : {}),
    ...(addendum
      ? {
          revision: {
            timestamp: addendedAt,
            model: {
              ...model,
              version: 2,
              effectiveTime: addendedAt.slice(0, 14),
              sections: [
                ...sections,
                { title: '追記', paragraphs: ['過去画像と比較し、所見に著変のないことを確認した。'] },
              ],
            },
          },
        }
      : {}),
  };
}
