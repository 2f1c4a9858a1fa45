import { describe, expect, it } from 'vitest';
import type { Finding } from '../check/findings.js';
import { NHO, NHO_BROKEN, TWINS } from '../test-support/samples.js';
import { validateStorage } from './validate.js';

const filesWith = (findings: readonly Finding[], code: string) =>
  [
    ...new Set(findings.filter((f) => f.code === code).map((f) => f.file.split('/').pop()!.split('_')[2])),
  ].sort();

describe('validateStorage on the NHO guideline samples', async () => {
  const report = await validateStorage(NHO);

  it('finds the 19 files and no error', () => {
    expect(report.summary).toMatchObject({ files: 19, error: 0, moved: 0, unreadable: 0 });
    expect(Object.keys(report.summary.byDataType).length).toBe(19);
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('warns about the four known care-date disagreements', () => {
    expect(filesWith(report.findings, 'CARE_DATE_MISMATCH')).toEqual([
      'OMG-02',
      'OML-11',
      'OMP-02',
      'OMP-11',
    ]);
    const oml = report.findings.find((f) => f.code === 'CARE_DATE_MISMATCH' && f.file.includes('OML-11'))!;
    expect(oml).toMatchObject({ severity: 'warning', field: 'SPM[1]-17' });
  });

  it('warns about the ten files whose PID-3 is the guideline’s own example ID', () => {
    expect(report.summary.byCode.PATIENT_ID_MISMATCH).toEqual({
      severity: 'warning',
      findings: 10,
      files: 10,
    });
  });

  it('accepts every MSH-9 and segment order', () => {
    for (const code of [
      'MESSAGE_TYPE_MISMATCH',
      'SEGMENT_ORDER',
      'HL7_PARSE',
      'ENCODING_NOT_ISO2022JP',
    ] as const) {
      expect(report.summary.byCode[code], code).toBeUndefined();
    }
  });
});

describe('validateStorage on the broken NHO samples', async () => {
  const report = await validateStorage(NHO_BROKEN);
  const of = (orderNo: string) => report.findings.filter((f) => f.file.includes(`_${orderNo}_`));

  it('reports all three files as errors and goes on', () => {
    expect(report.summary).toMatchObject({ files: 3, error: 3, ok: 0, warning: 0 });
  });

  it('names the misplaced 2-byte file’s folders and its encoding', () => {
    const adt31 = report.findings.filter((f) => f.file.includes('/ADT-31/'));
    expect(adt31.filter((f) => f.severity === 'error').map((f) => f.code)).toEqual([
      'PATH_PATIENT',
      'PATH_CARE_DATE',
      'PATH_DATA_TYPE',
      'ENCODING_INVALID',
    ]);
  });

  it('finds the junk tail (a second MSH), the foreign PID-3 and the order number ORC-2 lacks', () => {
    const current = of('123456789012345').filter((f) => f.file.includes('/OMP-11/'));
    expect(current.filter((f) => f.severity === 'error').map((f) => f.code)).toEqual(['MULTIPLE_MESSAGES']);
    expect(current.find((f) => f.code === 'PATIENT_ID_MISMATCH')).toMatchObject({ field: 'PID-3' });
    expect(current.some((f) => f.code === 'REQUIRED_FIELD_MISSING' && f.field === 'RXE-2')).toBe(true);
    const deleted = of('123456789012346');
    expect(deleted.find((f) => f.code === 'ORDER_NO_MISMATCH')).toMatchObject({
      severity: 'warning',
      field: 'ORC-2',
    });
  });
});

describe('validateStorage on the ssmixtwins synthetic tree', async () => {
  const report = await validateStorage(TWINS);

  it('tolerates LF separators: 30 files, warnings only', () => {
    expect(report.summary).toMatchObject({ files: 30, error: 0, warning: 30 });
    expect(report.summary.byCode.SEGMENT_SEPARATOR?.files).toBe(30);
  });

  it('reports the generator’s defects as warnings', () => {
    expect(report.summary.byCode.MESSAGE_TYPE_MISMATCH).toMatchObject({ severity: 'warning', files: 5 });
    expect(filesWith(report.findings, 'MESSAGE_TYPE_MISMATCH')).toEqual(['ADT-12']);
    const ppr = report.findings.filter((f) => f.code === 'MULTIPLE_CURRENT_RECORDS');
    expect(ppr.map((f) => f.file.split('/').pop())).toEqual([
      '8605612502_-_PPR-01_000020521650684_20240105103000000_-_1',
    ]);
    expect(report.summary.byCode.NAME_REPRESENTATION?.severity).toBe('warning');
  });
});

describe('validateStorage on several roots and a missing one', () => {
  it('adds the roots up and reports the missing root as an error', async () => {
    const report = await validateStorage([NHO, TWINS, `${NHO}-does-not-exist`]);
    expect(report.summary).toMatchObject({ files: 49, unreadable: 1 });
    expect(report.findings.find((f) => f.code === 'DIR_UNREADABLE')?.severity).toBe('error');
  });
});
