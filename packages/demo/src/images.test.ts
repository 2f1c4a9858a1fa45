import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDicomFile } from '@hie/dicom';
import { parseHl7 } from '@hie/hl7v2';
import { generateStorage, parseFileName, walkStorage } from '@hie/ssmix2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoImages } from './images.js';

describe('the demo hospitals’ DICOM export', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hie-demo-images-'));
    await generateStorage({
      patients: 25,
      facilityCode: '3319800011',
      years: 2,
      seed: 2013,
      out: join(dir, 'standard'),
    });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes images for each performed study since the day, with the patient id, accession and UID of its message', async () => {
    const summary = generateDemoImages({
      standard: join(dir, 'standard'),
      out: join(dir, 'dicom'),
      seed: 1,
      since: '20251101',
    });
    expect(summary.studies).toBeGreaterThan(0);
    // What the messages say: performed studies (OMG-11/12, not deleted) since the day.
    const said = new Set<string>();
    for (const item of walkStorage([join(dir, 'standard')])) {
      if (item.kind !== 'file') continue;
      const name = parseFileName(item.file.fileName);
      if (!name.ok || !['OMG-11', 'OMG-12'].includes(name.value.dataType) || name.value.careDate < '20251101')
        continue;
      const parsed = parseHl7(readFileSync(item.file.path));
      if (!parsed.ok) continue;
      const m = parsed.message;
      said.add(`${m.get('PID-3.1')}|${m.get('IPC-1.1')}|${m.get('IPC-3.1')}`);
    }
    const written = new Set<string>();
    let files = 0;
    for (const patient of await readdir(join(dir, 'dicom')))
      for (const study of await readdir(join(dir, 'dicom', patient)))
        for (const file of await readdir(join(dir, 'dicom', patient, study))) {
          const read = await readDicomFile(join(dir, 'dicom', patient, study, file));
          expect(read.ok, file).toBe(true);
          if (!read.ok) continue;
          files++;
          const i = read.instance;
          expect([i.patientId, i.studyInstanceUid]).toEqual([patient, study]);
          written.add(`${i.patientId}|${i.accessionNumber}|${i.studyInstanceUid}`);
        }
    expect(files).toBe(summary.files);
    for (const key of written) expect(said).toContain(key);
    expect(written.size).toBe(summary.studies);
  });
});
