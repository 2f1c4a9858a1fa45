import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ExtendedContent,
  type ExtendedProblem,
  extendedContentPath,
  formatExtendedDataType,
  listExtendedStorage,
  mainDocument,
  parseExtendedDataType,
} from './extended.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ssmix2-ext-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const vitals = 'L-OBSERVATIONS^OBSERVATIONS^99ZL01';

describe('extended storage layout', () => {
  it('reads and writes the CWE-like data-type folder', () => {
    const t = parseExtendedDataType('^退院サマリ^^18842-5^Discharge summary^LN');
    expect(t).toMatchObject({
      localCode: '',
      localName: '退院サマリ',
      standardCode: '18842-5',
      standardSystem: 'LN',
    });
    expect(formatExtendedDataType(t)).toBe(t.folder);
    expect(parseExtendedDataType(vitals)).toMatchObject({
      localCode: 'L-OBSERVATIONS',
      localSystem: '99ZL01',
    });
  });

  it('places a document folder under the patient levels and care date', () => {
    const path = extendedContentPath(root, {
      patientId: '9999013',
      careDate: '20111220',
      dataType: vitals,
      specificKey: 'VS0001',
      timestamp: '20111220224447339',
      department: '01',
      flag: '1',
    });
    expect(path).toBe(
      join(
        root,
        '999/901/9999013/20111220',
        vitals,
        `9999013_20111220_${vitals}_VS0001_20111220224447339_01_1`,
      ),
    );
  });

  it('picks the main document: main_document.*, else the only CDA, else the only PDF', () => {
    expect(mainDocument(['main_document.hl7', 'image.png'])).toEqual({
      file: 'main_document.hl7',
      kind: 'hl7',
    });
    expect(mainDocument(['summary.xml', 'scan.pdf'])).toEqual({ file: 'summary.xml', kind: 'cda' });
    expect(mainDocument(['a.pdf', 'b.png'])).toEqual({ file: 'a.pdf', kind: 'pdf' });
    expect(mainDocument(['a.png', 'b.png'])).toBeUndefined();
  });
});

describe('listExtendedStorage', () => {
  it('lists one item per document folder with its main document and attachments', async () => {
    const key = { patientId: '9999013', careDate: '20111220', department: '01', flag: '1' as const };
    const a = extendedContentPath(root, {
      ...key,
      dataType: vitals,
      specificKey: 'VS0001',
      timestamp: '20111220224447339',
    });
    const b = extendedContentPath(root, {
      ...key,
      dataType: '^退院サマリ^^18842-5^Discharge summary^LN',
      specificKey: 'DS_2011_01',
      timestamp: '20111221000000000',
    });
    await mkdir(a, { recursive: true });
    await mkdir(b, { recursive: true });
    await writeFile(join(a, 'main_document.hl7'), 'MSH|^~\\&|');
    await writeFile(join(b, 'summary.xml'), '<ClinicalDocument/>');
    await writeFile(join(b, 'figure1.png'), '');
    await writeFile(join(root, '999', 'stray.pdf'), '');
    const items: (ExtendedContent | ExtendedProblem)[] = [];
    for await (const item of listExtendedStorage(root)) items.push(item);
    expect(items.map((i) => i.kind)).toEqual(['problem', 'content', 'content']);
    // Code-unit order: 'L' (0x4C) sorts before '^' (0x5E).
    const [, vital, discharge] = items as [ExtendedProblem, ExtendedContent, ExtendedContent];
    expect(discharge).toMatchObject({
      patientId: '9999013',
      careDate: '20111220',
      dataType: { standardCode: '18842-5', localName: '退院サマリ' },
      mainDocument: { file: 'summary.xml', kind: 'cda' },
      attachments: ['figure1.png'],
    });
    expect(discharge.name.ok && discharge.name.value.orderNo).toBe('DS_2011_01');
    expect(vital.mainDocument).toEqual({ file: 'main_document.hl7', kind: 'hl7' });
  });
});
