/**
 * Extended storage (拡張ストレージ) for the synthetic generator: per patient, a 退院時サマリ and most
 * often a 看護サマリ for each discharge, a 手術記録 for each operation, a 服薬指導記録 during some
 * stays, a 読影レポート for each performed radiology study, a 病理レポート for endoscopies with a
 * biopsy and a 診療情報提供書 for some outpatient visits. Each document is a content folder holding
 * `main_document.xml` (CDA R2), its PDF rendering `document.pdf` and sometimes a `schema.png`; a few
 * are amended later (new folder, the old one becomes `_2`). Draws come from the patient's own
 * `extended` streams (one per kind, so a new kind never shifts another's draws), so the
 * standardized storage is byte-identical with or without extended storage.
 */

import { formatExtendedDataType } from '../../storage/extended.js';
import type { Draft } from '../clinical/chart.js';
import type { Facility, FacilityPatient } from '../world/facility.js';
import { hashUnit, rngFor } from '../world/random.js';
import { type ClinicalDocumentModel, type DocumentKind, renderCda } from './cda.js';
import { type DocumentContext, houseStaff, type PlannedDocument } from './common.js';
import { dischargeSummary } from './discharge.js';
import { ChartFacts, type StaffName } from './facts.js';
import { imagingReport, radiologist } from './imaging-report.js';
import { medicationGuidance, PHARMACISTS } from './medication-guidance.js';
import { nursingSummary } from './nursing.js';
import { operativeNote, surgeryOf } from './operative.js';
import { pathologyReport } from './pathology.js';
import { referralLetter } from './referral.js';
import { documentPdf } from './render.js';
import { readStay } from './stay.js';
import { type ContentFile, ExtendedWriter } from './writer.js';

const folder = (localCode: DocumentKind, localName: string, loinc?: readonly [code: string, name: string]) =>
  formatExtendedDataType({
    localCode,
    localName,
    localSystem: '99ZL01',
    standardCode: loinc?.[0] ?? '',
    standardName: loinc?.[1] ?? '',
    standardSystem: loinc ? 'LN' : '',
  });

/**
 * Data-type folders: local codes, local system `99ZL01` as in the NHO vitals folder, and the LOINC
 * document code as the standard code where there is one (the same code as the CDA's), so a reader
 * can tell the kind without knowing this generator's local codes. 服薬指導記録 has no LOINC code.
 */
export const EXTENDED_DATA_TYPES: Readonly<Record<DocumentKind, string>> = {
  DSUM: folder('DSUM', '退院時サマリ', ['18842-5', 'Discharge summary']),
  NSUM: folder('NSUM', '看護サマリ', ['34745-0', 'Nursing discharge summary']),
  OPRN: folder('OPRN', '手術記録', ['11504-8', 'Surgical operation note']),
  MEDG: folder('MEDG', '服薬指導記録'),
  REFL: folder('REFL', '診療情報提供書', ['57133-1', 'Referral note']),
  RADR: folder('RADR', '読影レポート', ['18748-4', 'Diagnostic imaging study']),
  PATR: folder('PATR', '病理レポート', ['11526-1', 'Pathology study']),
};

/** Share of outpatient visits that end with a referral letter. */
const REFERRAL_SHARE = 0.05;
/** Share of discharges with a nursing summary (short, uneventful stays often go without). */
const NURSING_SUMMARY_SHARE = 0.85;
/** Share of stays with oral drugs at which a ward pharmacist's visit is recorded. */
const MEDICATION_GUIDANCE_SHARE = 0.6;

/** Staff of the facility that only documents name. */
export interface DocumentStaff {
  readonly radiologist: StaffName;
  readonly pathologist: StaffName;
  readonly pharmacists: readonly StaffName[];
}

export function documentStaff(seed: number, facility: Facility): DocumentStaff {
  return {
    radiologist: radiologist(seed, facility),
    pathologist: houseStaff(seed, facility, 'pathologist', 'P', 1)[0] ?? radiologist(seed, facility),
    pharmacists: houseStaff(seed, facility, 'pharmacist', 'Y', PHARMACISTS),
  };
}

/** The documents of one patient, in the order they are written (by timestamp). */
export function planDocuments(
  seed: number,
  facility: Facility,
  patient: FacilityPatient,
  drafts: readonly Draft[],
  staff: DocumentStaff,
): PlannedDocument[] {
  const ctx: DocumentContext = {
    facility,
    patient,
    facts: new ChartFacts(drafts),
    rng: rngFor(seed, 'extended', facility.code, patient.person.index),
  };
  // The kinds added after the first three draw from streams of their own.
  const own = (kind: DocumentKind): DocumentContext => ({
    ...ctx,
    rng: rngFor(seed, 'extended', facility.code, patient.person.index, kind),
  });
  const nursing = own('NSUM');
  const operative = own('OPRN');
  const guidance = own('MEDG');
  const pathology = own('PATR');
  const seq: Record<DocumentKind, number> = { DSUM: 0, REFL: 0, RADR: 0, NSUM: 0, OPRN: 0, PATR: 0, MEDG: 0 };
  const keyOf = (kind: DocumentKind) => `${kind}${patient.localId}${String(++seq[kind]).padStart(3, '0')}`;
  const out: PlannedDocument[] = [];
  const push = (doc: PlannedDocument | undefined) => {
    if (doc) out.push(doc);
  };
  for (const d of ctx.facts.drafts('ADT-52')) {
    const stay = readStay(ctx.facts, d);
    if (!stay) continue;
    const surgery = surgeryOf(seed, facility.code, patient.localId, stay);
    push(dischargeSummary(ctx, stay, keyOf('DSUM'), surgery));
    if (nursing.rng.chance(NURSING_SUMMARY_SHARE))
      push(nursingSummary(nursing, stay, keyOf('NSUM'), surgery));
    if (surgery) push(operativeNote(operative, stay, surgery, keyOf('OPRN')));
    if (guidance.rng.chance(MEDICATION_GUIDANCE_SHARE))
      push(medicationGuidance(guidance, stay, () => keyOf('MEDG'), staff.pharmacists));
  }
  for (const d of ctx.facts.drafts('OMG-12'))
    push(pathologyReport(pathology, d, () => keyOf('PATR'), staff.pathologist));
  for (const d of ctx.facts.drafts('OMG-11')) push(imagingReport(ctx, d, keyOf('RADR'), staff.radiologist));
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
  private readonly staff: DocumentStaff;
  private readonly counts: ExtendedSummary = { folders: 0, files: 0, byDataType: {} };

  constructor(
    root: string,
    private readonly seed: number,
    private readonly facility: Facility,
    /** Last simulated day, YYYYMMDD: nothing is written after it. */
    private readonly endYmd: string,
  ) {
    this.writer = new ExtendedWriter(root);
    this.staff = documentStaff(seed, facility);
  }

  /** What was written so far, data types in code order (patients finish in any order). */
  get summary(): ExtendedSummary {
    const byDataType = Object.fromEntries(
      Object.entries(this.counts.byDataType).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    return { ...this.counts, byDataType };
  }

  async writePatient(patient: FacilityPatient, drafts: readonly Draft[], onFolder?: (path: string) => void) {
    for (const doc of planDocuments(this.seed, this.facility, patient, drafts, this.staff)) {
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
