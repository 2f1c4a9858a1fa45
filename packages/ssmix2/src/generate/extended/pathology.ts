/**
 * 病理レポート for an upper endoscopy (OMG-12) at which biopsies were taken: the clinical question
 * as the order wrote it (臨床病名), the endoscopist, the specimens, gross and microscopic findings and
 * the diagnosis with its Group classification (胃生検組織診断分類). Reported a few days after the
 * endoscopy by the facility's pathologist. Biopsy shares, findings and wording are illustrative.
 */

import type { Draft } from '../clinical/chart.js';
import type { ClinicalDocumentModel, DocumentSection } from './cda.js';
import { type DocumentContext, header, jaDate, momentOn, type PlannedDocument } from './common.js';
import type { StaffName } from './facts.js';

interface Biopsy {
  /** Share of endoscopies for this reason at which a biopsy is taken. */
  readonly share: number;
  readonly sites: readonly string[];
  readonly scope: string;
  readonly micro: readonly string[];
  readonly diagnosis: string;
}

const BIOPSIES: Readonly<Record<string, Biopsy>> = {
  胃潰瘍: {
    share: 0.8,
    sites: ['胃角部小彎 潰瘍辺縁', '胃体下部後壁 潰瘍辺縁'],
    scope: '白苔を伴う潰瘍を認め、悪性除外のため潰瘍辺縁より生検。',
    micro: [
      '潰瘍辺縁の胃粘膜で、びらんと肉芽組織、再生上皮を認める。',
      '好中球を交えた炎症細胞浸潤を伴う。異型上皮、悪性所見は認めない。',
    ],
    diagnosis: '胃潰瘍辺縁の再生性変化。Group 1',
  },
  十二指腸潰瘍: {
    share: 0.3,
    sites: ['十二指腸球部前壁'],
    scope: '十二指腸球部に潰瘍瘢痕とびらんを認め生検。',
    micro: ['十二指腸粘膜にびらんと炎症細胞浸潤、ブルンネル腺の過形成を認める。', '悪性所見は認めない。'],
    diagnosis: '慢性十二指腸炎（びらんを伴う）。悪性所見なし',
  },
  胃炎: {
    share: 0.4,
    sites: ['胃前庭部大彎', '胃体中部大彎'],
    scope: '萎縮性変化と発赤を認め、Helicobacter pylori 感染の評価のため生検。',
    micro: [
      '胃粘膜固有層にリンパ球と形質細胞の浸潤を認め、腺管の萎縮を伴う。',
      '一部に腸上皮化生を認める。異型上皮は認めない。',
    ],
    diagnosis: '慢性萎縮性胃炎（腸上皮化生を伴う）。Group 1',
  },
  逆流性食道炎: {
    share: 0.25,
    sites: ['下部食道（食道胃接合部口側）'],
    scope: '下部食道に縦走するびらんを認め（LA 分類 Grade B）、生検。',
    micro: [
      '重層扁平上皮の基底細胞層の過形成と乳頭の延長を認め、上皮内に好酸球が散見される。',
      'バレット上皮、異型は認めない。',
    ],
    diagnosis: '逆流性食道炎に矛盾しない所見。悪性所見なし',
  },
};

const DEFAULT_BIOPSY: Biopsy = {
  share: 0.3,
  sites: ['胃前庭部大彎'],
  scope: '軽度の発赤を認め生検。',
  micro: ['胃粘膜固有層に軽度の慢性炎症細胞浸潤を認める。', '異型上皮は認めない。'],
  diagnosis: '慢性胃炎。Group 1',
};

const SECTION = {
  history: '22636-5',
  gross: '22634-0',
  micro: '22635-7',
  diagnosis: '22637-3',
} as const;

export function pathologyReport(
  ctx: DocumentContext,
  omg12: Draft,
  /** Called only when the document is written, so keys have no gaps. */
  nextKey: () => string,
  pathologist: StaffName,
): PlannedDocument | undefined {
  const { facts, rng } = ctx;
  const m = facts.message(omg12);
  if (!m) return undefined;
  const obx = m.segmentsNamed('OBX');
  const reason = obx.find((o) => o.get(3, 1, 1) === 'MS3-34')?.get(5) ?? '';
  const endoscopist = obx.find((o) => o.get(3, 1, 1) === 'DR-02.EM-01');
  const biopsy = BIOPSIES[reason] ?? DEFAULT_BIOPSY;
  // Drawn for every endoscopy, biopsy or not, so one endoscopy's outcome never shifts the next's.
  const taken = rng.next() < biopsy.share;
  const pieces = rng.int(1, 3);
  const size = rng.int(2, 5);
  const helicobacter = rng.chance(0.35);
  const written = momentOn(rng, omg12.careDate, rng.int(3, 8), 13 * 60, 18 * 60);
  if (!taken) return undefined;
  const sites = biopsy.sites.slice(0, Math.max(1, Math.min(biopsy.sites.length, pieces)));
  const accession = m.get('IPC-1') ?? '';
  const number = `S${omg12.careDate.slice(2, 4)}-${accession.slice(-5)}`;
  const micro = [
    ...biopsy.micro,
    ...(reason === '胃炎' || reason === '胃潰瘍'
      ? [
          helicobacter
            ? 'Giemsa 染色で Helicobacter pylori 様桿菌を認める。'
            : 'Helicobacter pylori 様桿菌は認めない。',
        ]
      : []),
  ];
  const sections: DocumentSection[] = [
    {
      title: '検体情報',
      items: [
        `病理番号：${number}`,
        `採取日：${jaDate(omg12.careDate)}（上部消化管内視鏡検査、受付番号 ${accession}）`,
        `採取者：${endoscopist?.get(5, 1, 2) ?? ''} ${endoscopist?.get(5, 1, 3) ?? ''}`.trim(),
        ...sites.map((s, i) => `検体${i + 1}：${s} 生検`),
      ],
    },
    {
      code: SECTION.history,
      title: '臨床情報',
      paragraphs: [`臨床診断：${reason || '上部消化管精査'}`, `内視鏡所見：${biopsy.scope}`],
    },
    {
      code: SECTION.gross,
      title: '肉眼所見',
      paragraphs: [`生検組織 ${pieces}個（最大径 ${size} mm）、10% ホルマリン固定。全量を標本とした。`],
    },
    { code: SECTION.micro, title: '組織所見', paragraphs: micro },
    {
      code: SECTION.diagnosis,
      title: '病理診断',
      items: sites.map((s) => `${s}, biopsy：${biopsy.diagnosis}`),
    },
  ];
  const model: ClinicalDocumentModel = {
    ...header(ctx, 'PATR', nextKey(), written, { ...pathologist, role: '病理医' }, omg12.department),
    title: '病理レポート',
    loinc: { code: '11526-1', name: 'Pathology study' },
    encounter: { start: omg12.careDate },
    // The biopsy was taken in this endoscopy: the report answers its order.
    study: { accession, orderNo: omg12.orderNo },
    sections,
  };
  return { kind: 'PATR', careDate: omg12.careDate, department: omg12.department, timestamp: written, model };
}
