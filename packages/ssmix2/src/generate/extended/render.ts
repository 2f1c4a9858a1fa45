/**
 * The same document as printed text: the PDF rendering of a document model (what a browser shows
 * next to the CDA, for readers without a CDA stylesheet).
 */

import type { ClinicalDocumentModel, DocumentKind } from './cda.js';
import { jaDate } from './common.js';
import { type PdfLine, renderPdf } from './pdf.js';

const heading = (text: string): PdfLine => ({ text: `【${text}】`, size: 12, spaceBefore: 8 });

/** What the encounter dates of each kind are. */
const ENCOUNTER_LABEL: Readonly<Record<DocumentKind, string>> = {
  DSUM: '入院期間',
  NSUM: '入院期間',
  MEDG: '入院期間',
  OPRN: '手術日',
  PATR: '採取日',
  RADR: '受診日',
  REFL: '受診日',
};

export function documentLines(d: ClinicalDocumentModel): PdfLine[] {
  const p = d.patient;
  const lines: PdfLine[] = [];
  if (d.recipient) {
    lines.push({ text: `${d.recipient.organization}　${d.recipient.department}`.trim() });
    lines.push({ text: `${d.recipient.doctor}　先生　御侍史` });
  }
  lines.push({ text: d.title, size: 18, spaceBefore: 10 });
  lines.push({
    text: `作成日：${jaDate(d.effectiveTime)}　${d.effectiveTime.slice(8, 10)}:${d.effectiveTime.slice(10, 12)}　（第${d.version}版）`,
    spaceBefore: 6,
  });
  lines.push({ text: `患者ID：${p.localId}` });
  lines.push({ text: `氏名：${p.familyKanji}　${p.givenKanji}（${p.familyKana}　${p.givenKana}）` });
  lines.push({ text: `生年月日：${jaDate(p.birthDate)}　性別：${p.sex === 'M' ? '男' : '女'}` });
  lines.push({ text: `住所：〒${p.postcode}　${p.address}` });
  if (d.encounter)
    lines.push({
      text: `${ENCOUNTER_LABEL[d.kind]}：${jaDate(d.encounter.start)}${d.encounter.end ? ` ～ ${jaDate(d.encounter.end)}` : ''}`,
    });
  lines.push({
    text: `記載者：${d.author.deptName}　${d.author.role ? `${d.author.role}　` : ''}${d.author.family}　${d.author.given}`,
  });
  lines.push({ text: `医療機関：${d.facility.name}（${d.facility.code}）` });
  lines.push({ text: `〒${d.facility.postcode}　${d.facility.address}　電話 ${d.facility.phone}` });
  for (const s of d.sections) {
    lines.push(heading(s.title));
    for (const para of s.paragraphs ?? []) lines.push({ text: para });
    for (const item of s.items ?? []) lines.push({ text: `・${item}` });
    if (s.table && s.table.rows.length > 0) {
      lines.push({ text: s.table.head.join('　｜　') });
      for (const row of s.table.rows) lines.push({ text: row.join('　｜　') });
    }
  }
  return lines;
}

export function documentPdf(d: ClinicalDocumentModel): Uint8Array {
  return renderPdf({ title: d.title, lines: documentLines(d), created: d.effectiveTime });
}
