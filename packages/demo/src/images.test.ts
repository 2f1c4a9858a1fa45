import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DicomInstance, readDicomFile } from '@hie/dicom';
import { parseHl7 } from '@hie/hl7v2';
import {
  DEFAULT_END_DATE,
  generateStorage,
  imagingScenario,
  parseFileName,
  parseTruthLine,
  walkStorage,
} from '@hie/ssmix2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoImagesSummary, generateDemoImages, imagingSince } from './images.js';

const SEED = 2013;
const FACILITY = '3319800011';

describe('the demo hospitals’ DICOM export', () => {
  let dir: string;
  let summary: DemoImagesSummary;
  const since = imagingSince(DEFAULT_END_DATE);
  /** Patient id → study UID → its instances, as read back from disk. */
  const written = new Map<string, Map<string, DicomInstance[]>>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hie-demo-images-'));
    await generateStorage({
      patients: 25,
      facilityCode: FACILITY,
      years: 2,
      seed: SEED,
      out: join(dir, 'standard'),
    });
    summary = generateDemoImages({
      standard: join(dir, 'standard'),
      out: join(dir, 'dicom'),
      seed: 1,
      since,
    });
    for (const patient of await readdir(join(dir, 'dicom')))
      for (const study of await readdir(join(dir, 'dicom', patient)))
        for (const file of await readdir(join(dir, 'dicom', patient, study))) {
          const read = await readDicomFile(join(dir, 'dicom', patient, study, file));
          if (!read.ok) throw new Error(`${file}: ${read.code}`);
          const byStudy = written.get(patient) ?? new Map<string, DicomInstance[]>();
          byStudy.set(study, [...(byStudy.get(study) ?? []), read.instance]);
          written.set(patient, byStudy);
        }
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('covers the last 14 months', () => {
    expect(imagingSince('20261031')).toBe('20250831');
    expect(imagingSince('20260315')).toBe('20250115');
  });

  it('writes images for each performed study since the day, with the patient id, accession and UID of its message', () => {
    expect(summary.studies).toBeGreaterThan(0);
    // What the messages say: performed studies (OMG-11/12, not deleted) since the day.
    const said = new Set<string>();
    for (const item of walkStorage([join(dir, 'standard')])) {
      if (item.kind !== 'file') continue;
      const name = parseFileName(item.file.fileName);
      if (!name.ok || !['OMG-11', 'OMG-12'].includes(name.value.dataType) || name.value.careDate < since)
        continue;
      const parsed = parseHl7(readFileSync(item.file.path));
      if (!parsed.ok) continue;
      const m = parsed.message;
      said.add(`${m.get('PID-3.1')}|${m.get('IPC-1.1')}|${m.get('IPC-3.1')}`);
    }
    const keys = new Set<string>();
    let files = 0;
    for (const [patient, studies] of written)
      for (const [study, instances] of studies)
        for (const i of instances) {
          files++;
          expect([i.patientId, i.studyInstanceUid]).toEqual([patient, study]);
          keys.add(`${i.patientId}|${i.accessionNumber}|${i.studyInstanceUid}`);
        }
    expect(files).toBe(summary.files);
    for (const key of keys) expect(said).toContain(key);
    expect(keys.size).toBe(summary.studies);
  });

  it('gives every CT at least 100 slices: the thin-section chest CT at 512², the others at 256²', () => {
    const cts = [...written.values()].flatMap((s) => [...s.values()]).filter((l) => l[0]?.modality === 'CT');
    expect(cts.length).toBe(summary.ct);
    for (const slices of cts) {
      expect(slices.length).toBeGreaterThanOrEqual(100);
      const thin = slices[0]?.studyDescription?.includes('HRCT');
      expect(slices[0]?.rows).toBe(thin ? 512 : 256);
    }
  });

  it('has the imaging scenario: two chest X-rays a year apart and a 120-slice chest CT, all with images', () => {
    const scenario = imagingScenario(SEED);
    expect(scenario?.facilityCode).toBe(FACILITY);
    const truth = readFileSync(join(dir, 'standard', '.hie', 'ground-truth.csv'), 'utf8')
      .split('\n')
      .map(parseTruthLine)
      .find((r) => r?.personId === scenario?.personId && r?.facilityCode === FACILITY);
    const studies = [...(written.get(truth?.localPatientId ?? '')?.values() ?? [])];
    const cr = studies.filter((l) => l[0]?.modality === 'CR').map((l) => l[0]?.studyDate ?? '');
    const ct = studies.filter((l) => l[0]?.modality === 'CT');
    expect(cr).toHaveLength(2);
    const [a, b] = cr.sort().map((d) => Date.parse(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`));
    expect(((b ?? 0) - (a ?? 0)) / 86_400_000).toBeGreaterThanOrEqual(330);
    expect(ct).toHaveLength(1);
    expect(ct[0]).toHaveLength(120);
    expect(ct[0]?.[0]).toMatchObject({ rows: 512, studyDescription: '胸部.Ｘ線ＣＴ.単純.薄層(HRCT)' });
  });
});
