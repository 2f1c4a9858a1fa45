// Images for the demo hospitals' imaging studies (issue 12): for each performed radiology or
// endoscopy study of the last months in a hospital's SS-MIX2 storage (OMG-11/OMG-12 with an IPC
// segment), synthetic but valid DICOM with the same patient id, accession number and Study Instance
// UID as the message, so the report, the order and the images meet in the viewer. The hospital would
// export these from its PACS; the gateway indexes the folder (`storage.dicom`).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type SyntheticCtOptions,
  type SyntheticStudy,
  syntheticCrChest,
  syntheticCt,
  syntheticEndoscopy,
  syntheticUs,
} from '@hie/dicom';
import { parseHl7 } from '@hie/hl7v2';
import { parseFileName, SCENARIO_NODULE_MM, walkStorage } from '@hie/ssmix2';

export interface DemoImagesOptions {
  /** The hospital's standardized storage. */
  standard: string;
  /** Where its DICOM export goes. */
  out: string;
  seed: number;
  /** Studies on or after this day (YYYYMMDD) get images; older ones have their reports only. */
  since: string;
}

export interface DemoImagesSummary {
  studies: number;
  files: number;
  bytes: number;
  /** CT studies given images, and those left with their report only (the CT budget below). */
  ct: number;
  ctWithoutImages: number;
}

/**
 * Months of studies with images: 14, so that the imaging scenario's chest X-rays a year apart
 * (@hie/ssmix2 clinical/scenarios.ts: 13 months and 4 weeks before the end) both have theirs.
 */
export const IMAGING_MONTHS = 14;

/** The first day with images, `IMAGING_MONTHS` before the end date (YYYYMMDD, compared as text). */
export function imagingSince(endDate: string): string {
  const months = Number(endDate.slice(0, 4)) * 12 + Number(endDate.slice(4, 6)) - 1 - IMAGING_MONTHS;
  return `${Math.floor(months / 12)}${String((months % 12) + 1).padStart(2, '0')}${endDate.slice(6, 8)}`;
}

/**
 * The demo's CT export, sized for a laptop (a real PACS keeps every CT at 512²). A thin-section chest
 * CT (the imaging scenario's, ordered for a nodule) is the full 512² × 120 slices of 1.4 mm (≈ 63 MB):
 * the one to scroll, window and measure. Other CTs are 100 slices at 256² (≈ 13 MB; the viewer scales
 * them up), and only a hospital's newest five: older CTs keep their report only, like every study
 * before `since`. At 200 patients a hospital that is ~570 MB of images (≈ 260 MB before CT: X-rays,
 * ultrasound and endoscopy of 12 months) written in ~1.3× the time; every routine CT kept would add
 * ~13 MB (27 CTs fall in the 14 months, 16 get images).
 */
const THIN_SECTION_CT: SyntheticCtOptions = { slices: 120, size: 512 };
const ROUTINE_CT: SyntheticCtOptions = { slices: 100, size: 256 };
const ROUTINE_CTS_PER_HOSPITAL = 5;

interface StudyFacts {
  study: SyntheticStudy;
  modality: string;
  /** The first child order's name (`胸部.Ｘ線ＣＴ.単純`), else the order's. */
  procedure: string;
  /** The order's clinical diagnosis (臨床病名, OBX MS3-34), if it gives one. */
  reason: string;
}

/** The newest version of each performed study message (file names `_1`, `_2`…; `_0` deleted). */
function performedStudies(standard: string, since: string): StudyFacts[] {
  const newest = new Map<string, { path: string; timestamp: string; deleted: boolean }>();
  for (const item of walkStorage([standard])) {
    if (item.kind !== 'file') continue;
    const name = parseFileName(item.file.fileName);
    if (!name.ok) continue;
    const n = name.value;
    if (n.dataType !== 'OMG-11' && n.dataType !== 'OMG-12') continue;
    if (n.careDate < since) continue;
    const key = `${n.patientId}|${n.careDate}|${n.dataType}|${n.orderNo}`;
    const held = newest.get(key);
    if (!held || held.timestamp < n.timestamp)
      newest.set(key, { path: item.file.path, timestamp: n.timestamp, deleted: n.flag === '0' });
  }
  const out: StudyFacts[] = [];
  for (const { path, deleted } of newest.values()) {
    if (deleted) continue;
    const parsed = parseHl7(readFileSync(path));
    if (!parsed.ok) continue;
    const m = parsed.message;
    const uid = m.get('IPC-3.1');
    const patientId = m.get('PID-3.1');
    if (!uid || !patientId) continue;
    const when = m.get('OBR-7.1') ?? '';
    const child = m.segmentsNamed('OBR').find((o) => o.get(29));
    const modality = m.get('IPC-5.1') ?? 'OT';
    const procedure = child?.get(4, 1, 2) ?? m.get('OBR-4.2') ?? '';
    out.push({
      modality,
      procedure,
      reason:
        m
          .segmentsNamed('OBX')
          .find((o) => o.get(3, 1, 1) === 'MS3-34')
          ?.get(5) ?? '',
      study: {
        patientId,
        // PN groups (PS3.5 6.2.1.2): alphabetic (none here) = ideographic (kanji) = phonetic (kana).
        patientName: `=${m.get('PID-5[1].1') ?? ''}^${m.get('PID-5[1].2') ?? ''}=${m.get('PID-5[2].1') ?? ''}^${m.get('PID-5[2].2') ?? ''}`,
        patientBirthDate: (m.get('PID-7.1') ?? '').slice(0, 8),
        patientSex: m.get('PID-8.1') === 'F' ? 'F' : m.get('PID-8.1') === 'M' ? 'M' : 'O',
        studyInstanceUid: uid,
        accessionNumber: m.get('IPC-1.1') ?? '',
        studyDate: when.slice(0, 8),
        studyTime: when.slice(8, 14) || '090000',
        // A CT is one region: its name says which; other studies are named by the order.
        studyDescription: modality === 'CT' ? procedure : (m.get('OBR-4.2') ?? ''),
      },
    });
  }
  return out.sort((a, b) => a.study.studyInstanceUid.localeCompare(b.study.studyInstanceUid));
}

const thinSection = (f: StudyFacts) => /HRCT|薄層/.test(f.procedure);

/** What to scan for a CT order: region, contrast, matrix, and the scenario's nodule where it was ordered for one. */
function ctOptions(f: StudyFacts): SyntheticCtOptions {
  const region = f.procedure.startsWith('頭部')
    ? 'head'
    : f.procedure.startsWith('腹部')
      ? 'abdomen'
      : 'chest';
  return {
    ...(thinSection(f) ? THIN_SECTION_CT : ROUTINE_CT),
    region,
    contrast: f.procedure.includes('造影'),
    ...(region === 'chest' && f.reason === '胸部異常陰影' ? { lungNoduleMm: SCENARIO_NODULE_MM } : {}),
  };
}

/** Writes the DICOM export of one hospital; a study folder already there is kept as it is. */
export function generateDemoImages(options: DemoImagesOptions): DemoImagesSummary {
  const summary: DemoImagesSummary = { studies: 0, files: 0, bytes: 0, ct: 0, ctWithoutImages: 0 };
  const studies = performedStudies(options.standard, options.since);
  const routineCts = studies
    .filter((f) => f.modality === 'CT' && !thinSection(f))
    .sort((a, b) => b.study.studyDate.localeCompare(a.study.studyDate));
  const skipped = new Set(routineCts.slice(ROUTINE_CTS_PER_HOSPITAL));
  for (const [i, facts] of studies.entries()) {
    const { study, modality } = facts;
    const seed = options.seed + i;
    if (skipped.has(facts)) {
      summary.ctWithoutImages++;
      continue;
    }
    // A demo's export: chest radiographs at 512 px keep the demo data small.
    const files =
      modality === 'US'
        ? syntheticUs(study, seed)
        : modality === 'ES'
          ? syntheticEndoscopy(study, seed)
          : modality === 'CR' || modality === 'DX'
            ? syntheticCrChest(study, seed, { size: 512 })
            : modality === 'CT'
              ? syntheticCt(study, seed, ctOptions(facts))
              : null;
    if (!files) continue;
    const folder = join(options.out, study.patientId, study.studyInstanceUid);
    mkdirSync(folder, { recursive: true });
    for (const [n, bytes] of files.entries()) {
      writeFileSync(join(folder, `${String(n + 1).padStart(4, '0')}.dcm`), bytes);
      summary.bytes += bytes.length;
    }
    summary.studies++;
    summary.files += files.length;
    if (modality === 'CT') summary.ct++;
  }
  return summary;
}
