// An instance a PACS describes in DICOM JSON (WADO-RS metadata) indexes exactly like the same file:
// same fields, same normalised JSON; links into the PACS and the pixels are left out.
import { describe, expect, it } from 'vitest';
import { readDicomInstance, readDicomJson, syntheticCt, syntheticUs } from '../index.js';
import type { DicomJson } from '../model.js';

const study = {
  patientId: '9999013',
  patientName: 'Yamada^Taro=山田^太郎=ヤマダ^タロウ',
  patientBirthDate: '19500402',
  patientSex: 'M' as const,
  studyInstanceUid: '2.25.42',
  accessionNumber: 'A1',
  studyDate: '20261001',
  studyTime: '093000',
  studyDescription: 'json',
};

/** What a PACS might send for the file: its own key order and case, File Meta, bulk data by reference. */
function asPacsSendsIt(json: DicomJson): Record<string, unknown> {
  const entries = Object.entries(json).reverse();
  return Object.fromEntries([
    ['00020010', { vr: 'UI', Value: ['1.2.840.10008.1.2.1'] }],
    ...entries.map(([tag, a]) => [tag.toLowerCase(), { ...(a.Value ? { Value: a.Value } : {}), ...a }]),
    ['7FE00010', { vr: 'OW', BulkDataURI: 'http://pacs.local/dicom-web/studies/2.25.42/bulk/7fe00010' }],
    ['00091010', { vr: 'OB', BulkDataURI: 'http://pacs.local/dicom-web/studies/2.25.42/bulk/00091010' }],
    ['00280000', { vr: 'UL', Value: [120] }],
  ]);
}

describe('readDicomJson', () => {
  it('gives the fields and the normalised JSON of the same file, without pixels or links into the PACS', () => {
    for (const bytes of [syntheticCt(study, 1, { slices: 1, size: 32 })[0]!, syntheticUs(study, 2).at(-1)!]) {
      const file = readDicomInstance(bytes);
      if (!file.ok) throw new Error(file.message);
      const fromPacs = readDicomJson(asPacsSendsIt(file.instance.json));
      if (!fromPacs.ok) throw new Error(fromPacs.message);
      const { json, pixelData, transferSyntaxUid, ...fields } = fromPacs.instance;
      const { json: fileJson, pixelData: _, transferSyntaxUid: __, ...fileFields } = file.instance;
      expect(fields).toEqual(fileFields);
      expect(json).toEqual({ ...fileJson, '00091010': { vr: 'OB' } });
      expect(Object.keys(json)).toEqual(Object.keys(json).sort());
      expect(JSON.stringify(json)).not.toContain('pacs.local');
      expect([pixelData, transferSyntaxUid]).toEqual([null, '1.2.840.10008.1.2.1']);
    }
  });

  it('refuses what cannot be attached to anyone, like the file reader', () => {
    const file = readDicomInstance(syntheticCt(study, 1, { slices: 1, size: 32 })[0]!);
    if (!file.ok) throw new Error(file.message);
    const { '00100020': _, ...noPatient } = file.instance.json;
    const { '00080018': __, ...noSop } = file.instance.json;
    expect(readDicomJson(noPatient)).toMatchObject({ ok: false, code: 'missing-patient-id' });
    expect(readDicomJson(noSop)).toMatchObject({ ok: false, code: 'missing-uid' });
    expect(readDicomJson([1, 2])).toMatchObject({ ok: false, code: 'not-dicom' });
  });
});
