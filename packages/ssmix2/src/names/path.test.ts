import { basename, dirname, join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFiles, NHO, NHO_BROKEN, TWINS } from '../test-support/samples.js';
import { parseFileName } from './file-name.js';
import { checkPathConsistency, patientFolders, standardizedPath, standardizedRelPath } from './path.js';

const parse = (name: string) => {
  const r = parseFileName(name);
  if (!r.ok) throw new Error(r.message);
  return r.value;
};

describe('standardizedPath', () => {
  it('places every valid sample file exactly where it is', () => {
    for (const root of [NHO, TWINS]) {
      for (const rel of listFiles(root)) {
        expect(standardizedPath(root, parse(basename(rel)))).toBe(join(root, rel));
        expect(standardizedRelPath(parse(basename(rel)))).toBe(rel.split(sep).join('/'));
      }
    }
  });

  it('drops empty patient levels for IDs shorter than 6 characters', () => {
    expect(patientFolders('9999013')).toEqual(['999', '901', '9999013']);
    expect(patientFolders('1234')).toEqual(['123', '4', '1234']);
    expect(patientFolders('12')).toEqual(['12', '12']);
  });
});

describe('checkPathConsistency', () => {
  it('finds no disagreement in the NHO and synthetic trees', () => {
    for (const root of [NHO, TWINS]) {
      for (const rel of listFiles(root)) {
        expect(checkPathConsistency(dirname(rel).split(sep), parse(basename(rel)))).toEqual([]);
      }
    }
  });

  it('reports the patient, date and type folders of the misplaced broken file', () => {
    const rel = listFiles(NHO_BROKEN).find((p) => p.includes('ADT-31'))!;
    const codes = checkPathConsistency(dirname(rel).split(sep), parse(basename(rel))).map((m) => m.code);
    expect(codes).toEqual(['PATH_PATIENT', 'PATH_CARE_DATE', 'PATH_DATA_TYPE']);
  });

  it('reports a file at the wrong depth', () => {
    const n = parse('9999013_-_ADT-00_999999999999999_20111220224447339_-_1');
    expect(checkPathConsistency(['999', '901', '9999013', 'ADT-00'], n).map((m) => m.code)).toEqual([
      'PATH_DEPTH',
    ]);
  });
});
