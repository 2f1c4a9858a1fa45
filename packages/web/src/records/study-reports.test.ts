import { describe, expect, it } from 'vitest';
import type { DocumentRow } from './documents';
import type { Study } from './studies';
import { studyReports } from './study-reports';

const study = (key: string, over: Partial<Study> = {}): Study => ({
  key,
  facilityOid: 'A',
  facilityName: '病院A',
  kind: 'radiology',
  date: '2026-10-02T09:00:00+09:00',
  procedure: '単純X線撮影',
  bodySites: [],
  details: [],
  modality: 'CR',
  accession: null,
  studyUid: null,
  images: null,
  orderNumbers: [],
  preliminary: false,
  findings: [],
  measurements: [],
  information: [],
  ordered: null,
  requester: null,
  performed: true,
  entries: [],
  ...over,
});

const report = (key: string, over: Partial<DocumentRow> = {}): DocumentRow => ({
  key,
  facilityOid: 'A',
  facilityName: '病院A',
  kind: 'document-radiology-report',
  typeText: '読影レポート',
  date: '2026-10-02',
  department: null,
  files: [],
  related: [],
  ...over,
});

const keys = (m: Map<string, DocumentRow[]>) =>
  Object.fromEntries([...m].map(([k, docs]) => [k, docs.map((d) => d.key)]));

describe('studyReports', () => {
  it('joins a report to the study its header names: accession, order number or study UID', () => {
    const studies = [
      study('s1', { accession: 'ACC1' }),
      study('s2', { orderNumbers: ['0001'] }),
      study('s3', { studyUid: '1.2.3' }),
    ];
    const docs = [
      report('r1', { related: ['ACC1'] }),
      report('r2', { related: ['0001'] }),
      report('r3', { related: ['1.2.3'], kind: 'document-pathology-report' }),
    ];
    expect(keys(studyReports(studies, docs))).toEqual({ s1: ['r1'], s2: ['r2'], s3: ['r3'] });
  });

  it('never across facilities, even when the numbers are the same', () => {
    const studies = [study('s1', { accession: 'ACC1', facilityOid: 'B' })];
    expect(keys(studyReports(studies, [report('r1', { related: ['ACC1'] })]))).toEqual({});
  });

  it('a report that names nothing joins the one radiology study of its facility that day, and no other', () => {
    const one = [study('s1'), study('s2', { date: '2026-10-03' }), study('e1', { kind: 'endoscopy' })];
    expect(keys(studyReports(one, [report('r1')]))).toEqual({ s1: ['r1'] });
    // Two studies that day: the report is not guessed onto either.
    const two = [study('s1'), study('s2')];
    expect(keys(studyReports(two, [report('r1')]))).toEqual({});
    // A study not done yet has no report; another facility's study never takes it.
    expect(keys(studyReports([study('s1', { performed: false })], [report('r1')]))).toEqual({});
    expect(keys(studyReports([study('s1', { facilityOid: 'B' })], [report('r1')]))).toEqual({});
  });

  it('a report that names a study not in view is not put on another one', () => {
    expect(keys(studyReports([study('s1')], [report('r1', { related: ['OTHER'] })]))).toEqual({});
  });

  it('only reports join: a discharge summary of the same day does not', () => {
    expect(keys(studyReports([study('s1')], [report('d1', { kind: 'document-discharge-summary' })]))).toEqual(
      {},
    );
  });
});
