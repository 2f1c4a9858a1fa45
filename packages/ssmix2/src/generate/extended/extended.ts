/**
 * Extended storage (拡張ストレージ) for the synthetic generator: per patient, a 退院時サマリ for each
 * discharge, a 読影レポート for each performed radiology study and a 診療情報提供書 for some
 * outpatient visits. Each document is a content folder holding `main_document.xml` (CDA R2), its
 * PDF rendering `document.pdf` and sometimes a `schema.png`; a few are amended later (new folder,
 * the old one becomes `_2`). Draws come from the patient's own `extended` stream, so the
 * standardized storage is byte-identical with or without extended storage.
 */

import { formatExtendedDataType } from '../../storage/extended.js';
import type { Draft } from '../clinical/chart.js';
import type { Facility, FacilityPatient } from '../world/facility.js';
import { hashUnit, rngFor } from '../world/random.js';
import { type ClinicalDocumentModel, type DocumentKind, renderCda } from './cda.js';
import type { DocumentContext, PlannedDocument } from './common.js';
import { dischargeSummary } from './discharge.js';
import { ChartFacts, type StaffName } from './facts.js';
import { imagingReport, radiologist } from './imaging-report.js';
import { referralLetter } from './referral.js';
import { documentPdf } from './render.js';
import { type ContentFile, ExtendedWriter } from './writer.js';

/** Data-type folders (local codes, local system `99ZL01` as in the NHO vitals folder). */
export const EXTENDED_DATA_TYPES: Readonly<Record<DocumentKind, string>> = {
  DSUM: formatExtendedDataType({
    localCode: 'DSUM',
    localName: '退院時サマリ',
    localSystem: '99ZL01',
    standardCode: '',
    standardName: '',
    standardSystem: '',
  }),
  REFL: formatExtendedDataType({
    localCode: 'REFL',
    localName: '診療情報提供書',
    localSystem: '99ZL01',
    standardCode: '',
    standardName: '',
    standardSystem: '',
  }),
  RADR: formatExtendedDataType({
    localCode: 'RADR',
    localName: '読影レポート',
    localSystem: '99ZL01',
    standardCode: '',
    standardName: '',
    standardSystem: '',
  }),
};

/** Share of outpatient visits that end with a referral letter. */
const REFERRAL_SHARE = 0.05;

/** The documents of one patient, in the order they are written (by timestamp). */
export function planDocuments(
  seed: number,
  facility: Facility,
  patient: FacilityPatient,
  drafts: readonly Draft[],
  reader: StaffName,
): PlannedDocument[] {
  const ctx: DocumentContext = {
    facility,
    patient,
    facts: new ChartFacts(drafts),
    rng: rngFor(seed, 'extended', facility.code, patient.person.index),
  };
  const seq: Record<DocumentKind, number> = { DSUM: 0, REFL: 0, RADR: 0 };
  const keyOf = (kind: DocumentKind) => `${kind}${patient.localId}${String(++seq[kind]).padStart(3, '0')}`;
  const out: PlannedDocument[] = [];
  for (const d of ctx.facts.drafts('ADT-52')) {
    const doc = dischargeSummary(ctx, d, keyOf('DSUM'));
    if (doc) out.push(doc);
  }
  for (const d of ctx.facts.drafts('OMG-11')) {
    const doc = imagingReport(ctx, d, keyOf('RADR'), reader);
    if (doc) out.push(doc);
  }
  for (const d of ctx.facts.drafts('ADT-12')) {
    if (hashUnit(seed, 'referral', facility.code, patient.localId, d.timestamp) >= REFERRAL_SHARE) continue;
    const doc = referralLetter(ctx, d, keyOf('REFL'));
    if (doc) out.push(doc);
  }
  return out.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
}

function contentFiles(
  model: ClinicalDocumentModel,
  attachment: PlannedDocument['attachment'],
): ContentFile[] {
  return [
    { name: 'main_document.xml', bytes: new TextEncoder().encode(renderCda(model)) },
    { name: 'document.pdf', bytes: documentPdf(model) },
    ...(attachment ? [{ name: attachment.file, bytes: attachment.bytes }] : []),
  ];
}

export interface ExtendedSummary {
  /** Content folders written (amended versions included). */
  folders: number;
  files: number;
  byDataType: Record<string, number>;
}

/** Writes the extended storage of a generator run, one patient at a time. */
export class ExtendedStorageGenerator {
  private readonly writer: ExtendedWriter;
  private readonly reader: StaffName;
  private readonly counts: ExtendedSummary = { folders: 0, files: 0, byDataType: {} };

  constructor(
    root: string,
    private readonly seed: number,
    private readonly facility: Facility,
    /** Last simulated day, YYYYMMDD: nothing is written after it. */
    private readonly endYmd: string,
  ) {
    this.writer = new ExtendedWriter(root);
    this.reader = radiologist(seed, facility);
  }

  /** What was written so far, data types in code order (patients finish in any order). */
  get summary(): ExtendedSummary {
    const byDataType = Object.fromEntries(
      Object.entries(this.counts.byDataType).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    return { ...this.counts, byDataType };
  }

  async writePatient(patient: FacilityPatient, drafts: readonly Draft[], onFolder?: (path: string) => void) {
    for (const doc of planDocuments(this.seed, this.facility, patient, drafts, this.reader)) {
      const versions = [
        { timestamp: doc.timestamp, model: doc.model },
        ...(doc.revision ? [doc.revision] : []),
      ];
      for (const v of versions) {
        if (v.timestamp.slice(0, 8) > this.endYmd) break;
        const files = contentFiles(v.model, doc.attachment);
        const path = await this.writer.write(
          {
            patientId: patient.localId,
            careDate: doc.careDate,
            dataType: EXTENDED_DATA_TYPES[doc.kind],
            specificKey: doc.model.specificKey,
            timestamp: v.timestamp,
            department: doc.department,
          },
          files,
        );
        this.counts.folders++;
        this.counts.files += files.length;
        this.counts.byDataType[doc.kind] = (this.counts.byDataType[doc.kind] ?? 0) + 1;
        onFolder?.(path);
      }
    }
  }
}
