// Images for the demo hospitals' imaging studies (issue 12): for each performed radiology or
// endoscopy study of the last years in a hospital's SS-MIX2 storage (OMG-11/OMG-12 with an IPC
// segment), synthetic but valid DICOM with the same patient id, accession number and Study Instance
// UID as the message, so the report, the order and the images meet in the viewer. The hospital would
// export these from its PACS; the gateway indexes the folder (`storage.dicom`).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type SyntheticStudy, syntheticCrChest, syntheticEndoscopy, syntheticUs } from '@hie/dicom';
import { parseHl7 } from '@hie/hl7v2';
import { parseFileName, walkStorage } from '@hie/ssmix2';

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
}

interface StudyFacts {
  study: SyntheticStudy;
  modality: string;
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
    out.push({
      modality: m.get('IPC-5.1') ?? 'OT',
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
        studyDescription: m.get('OBR-4.2') ?? '',
      },
    });
  }
  return out.sort((a, b) => a.study.studyInstanceUid.localeCompare(b.study.studyInstanceUid));
}

/** Writes the DICOM export of one hospital; a study folder already there is kept as it is. */
export function generateDemoImages(options: DemoImagesOptions): DemoImagesSummary {
  const summary: DemoImagesSummary = { studies: 0, files: 0, bytes: 0 };
  for (const [i, { study, modality }] of performedStudies(options.standard, options.since).entries()) {
    const seed = options.seed + i;
    // A demo's export: chest radiographs at 512 px keep the demo data small.
    const files =
      modality === 'US'
        ? syntheticUs(study, seed)
        : modality === 'ES'
          ? syntheticEndoscopy(study, seed)
          : modality === 'CR' || modality === 'DX'
            ? syntheticCrChest(study, seed, { size: 512 })
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
  }
  return summary;
}
