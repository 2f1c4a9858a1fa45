/**
 * 読影レポート for a performed radiology or ultrasound study (OMG-11): the study as filed (name,
 * parts, modality, accession, study UID), a radiologist's findings that fit the patient's problems
 * at the time (imaging-readings.ts), a comparison with the last chest radiograph where the reading
 * calls for one, sometimes a schema sketch as a PNG attachment.
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
import type { ChartFacts, StaffName } from './facts.js';
import { reading, studyKind } from './imaging-readings.js';
import { renderPng, schemaSketch } from './png.js';

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
  const study = studyKind(modality, parts);
  const problems = activeOn(facts.problemsAt(omg11.timestamp), omg11.careDate);
  const keys = new Set(problems.flatMap((p) => (p.disease ? [p.disease.key] : [])));
  const r = reading(study, keys, rng.int(42, 50));
  // A new chest finding is compared with the last radiograph (the patient's own earlier study).
  const prior =
    keys.has('lungShadow') && study.startsWith('chest') ? priorChestXray(facts, omg11) : undefined;
  const comparison = prior
    ? [`前回（${jaDate(prior)}）の胸部単純写真では指摘できず、新たに出現した病変である。`]
    : [];
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
    { code: '59776-5', title: '所見', paragraphs: [...r.findings, ...comparison] },
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

/** The care date of the patient's last chest radiograph before this study's day, if any. */
function priorChestXray(facts: ChartFacts, omg11: Draft): string | undefined {
  const before = facts.imaging('00000000', omg11.careDate).filter((d) => {
    if (d.careDate >= omg11.careDate) return false;
    const m = facts.message(d);
    return (
      m?.get('IPC-5.1') === 'CR' &&
      m.segmentsNamed('OBR').some((o) => (o.get(4, 1, 2) ?? '').startsWith('胸部'))
    );
  });
  return before.at(-1)?.careDate;
}
