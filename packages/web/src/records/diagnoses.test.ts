import { describe, expect, it } from 'vitest';
import type { SourcedResource } from '../api/types';
import { diagnosesInPeriod, mergeDiagnoses } from './diagnoses';

const ICD10 = 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/ICD10-2013-full';
const MEDIS_KEY = 'http://medis.or.jp/CodeSystem/master-disease-keyNumber';
const MEDIS_EX = 'http://medis.or.jp/CodeSystem/master-disease-exCode';
const CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const VERIFICATION = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';

const facility = {
  ouh: ['1.2.392.200119.6.102.13337', '岡山大学病院'],
  kch: ['1.2.392.200119.6.102.13338', '倉敷中央病院'],
  orc: ['1.2.392.200119.6.102.13339', '岡山赤十字病院'],
} as const;

/** A Condition as fhir-jp writes it from a PRB (+ZPR). */
function condition(
  at: keyof typeof facility,
  id: string,
  o: {
    name: string;
    icd10?: string;
    medisKey?: string;
    medisEx?: string;
    onset?: string;
    end?: string;
    status?: string | null;
    verification?: string;
    main?: boolean;
  },
): SourcedResource {
  const coding = [
    ...(o.medisKey ? [{ system: MEDIS_KEY, code: o.medisKey, display: o.name }] : []),
    ...(o.medisEx ? [{ system: MEDIS_EX, code: o.medisEx, display: o.name }] : []),
    ...(o.icd10 ? [{ system: ICD10, code: o.icd10 }] : []),
  ];
  const [oid, name] = facility[at];
  return {
    facilityOid: oid,
    facilityName: name,
    localId: `L-${at}`,
    date: o.onset ?? null,
    resource: {
      resourceType: 'Condition',
      id,
      ...(o.status === null
        ? {}
        : {
            clinicalStatus: {
              coding: [{ system: CLINICAL, code: o.status ?? (o.end ? 'resolved' : 'active') }],
            },
          }),
      verificationStatus: { coding: [{ system: VERIFICATION, code: o.verification ?? 'confirmed' }] },
      category: [
        { coding: [{ code: 'problem-list-item' }] },
        ...(o.main
          ? [
              {
                coding: [{ system: 'urn:ssmix2:codesystem:JHSD0007', code: '1', display: '主診断' }],
                text: '主診断',
              },
            ]
          : []),
      ],
      code: { ...(coding.length ? { coding } : {}), text: o.name },
      ...(o.onset ? { onsetDateTime: o.onset } : {}),
      ...(o.end ? { abatementDateTime: o.end } : {}),
    },
  };
}

describe('diagnoses across facilities', () => {
  // The showcase diabetic: 2型糖尿病 at three hospitals, each with its own onset and code set.
  const dm = [
    condition('ouh', 'o1', {
      name: '２型糖尿病',
      medisKey: '20059488',
      icd10: 'E119',
      onset: '2012-05-10',
      main: true,
    }),
    condition('kch', 'k1', { name: '2型糖尿病', icd10: 'E11.9', onset: '2016-02-01' }),
    condition('orc', 'r1', { name: '２型 糖尿病', onset: '2019-07-20' }),
  ];

  it('makes one row per diagnosis with every facility as a source, its own onset and flags', () => {
    const rows = mergeDiagnoses(dm);
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row).toMatchObject({
      name: '2型糖尿病',
      icd10: 'E119',
      active: true,
      statuses: ['active'],
      onset: '2012-05-10',
      main: true,
      suspected: null,
    });
    expect(row?.sources.map((s) => [s.facilityName, s.onset, s.main])).toEqual([
      ['岡山大学病院', '2012-05-10', true],
      ['倉敷中央病院', '2016-02-01', false],
      ['岡山赤十字病院', '2019-07-20', false],
    ]);
  });

  it('keeps a conflict: one facility says 治癒, another 継続 — both shown, the row counts as active', () => {
    const rows = mergeDiagnoses([
      condition('ouh', 'o2', { name: '高血圧症', icd10: 'I10', onset: '2015-01-01', end: '2018-03-01' }),
      condition('kch', 'k2', { name: '本態性高血圧症', icd10: 'I10', onset: '2017-06-01' }),
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ active: true, statuses: ['active', 'resolved'], end: '2018-03-01' });
    expect(rows[0]?.sources.map((s) => [s.name, s.status])).toEqual([
      ['高血圧症', 'resolved'],
      ['本態性高血圧症', 'active'],
    ]);
  });

  it('joins by MEDIS exchange code even when the names and ICD-10 differ, and keeps distinct diseases apart', () => {
    const rows = mergeDiagnoses([
      condition('ouh', 'a', { name: '胃炎', medisEx: 'TSQF', icd10: 'K297', onset: '2020-01-01' }),
      condition('kch', 'b', { name: '慢性胃炎', medisEx: 'TSQF', icd10: 'K295', onset: '2021-01-01' }),
      condition('kch', 'c', { name: '胃潰瘍', icd10: 'K259', onset: '2021-02-01' }),
    ]);
    expect(rows.map((r) => r.sources.map((s) => s.id).sort())).toEqual([['c'], ['a', 'b']]);
  });

  it('marks 疑い per source: the row is 疑い only when every source suspects it', () => {
    const some = mergeDiagnoses([
      condition('ouh', 'a', {
        name: '胃癌の疑い',
        icd10: 'C169',
        verification: 'provisional',
        onset: '2023-01-01',
      }),
      condition('kch', 'b', { name: '胃癌', icd10: 'C169', onset: '2023-02-01' }),
    ]);
    expect(some).toHaveLength(1);
    expect(some[0]).toMatchObject({ name: '胃癌', suspected: 'some' });
    const all = mergeDiagnoses([
      condition('ouh', 'a', { name: '肺炎疑い', verification: 'provisional', onset: '2023-01-01' }),
      condition('kch', 'b', { name: '肺炎の疑い', verification: 'provisional', onset: '2023-01-05' }),
    ]);
    expect(all).toHaveLength(1);
    expect(all[0]?.suspected).toBe('all');
  });

  it('drops entered-in-error reports; no status and no end is active', () => {
    const rows = mergeDiagnoses([
      condition('ouh', 'a', { name: '脂質異常症', icd10: 'E785', status: null }),
      condition('kch', 'b', { name: '肺炎', icd10: 'J189', verification: 'entered-in-error', status: null }),
    ]);
    expect(rows.map((r) => [r.name, r.active])).toEqual([['脂質異常症', true]]);
  });

  it('the period hides a resolved diagnosis only by its dates, an active one never', () => {
    const rows = mergeDiagnoses([
      ...dm,
      condition('ouh', 'old', { name: '急性胃腸炎', icd10: 'A09', onset: '2014-03-01', end: '2014-03-20' }),
      condition('kch', 'new', {
        name: '急性気管支炎',
        icd10: 'J209',
        onset: '2024-11-01',
        end: '2024-11-20',
      }),
    ]);
    const fiveYears = diagnosesInPeriod(rows, { from: '2020-06-01' });
    expect(fiveYears.map((r) => r.name)).toEqual(['2型糖尿病', '急性気管支炎']);
    // A window in the past: the active diabetes stays, the bronchitis (after it) goes, the 2014 one is in.
    const past = diagnosesInPeriod(rows, { from: '2014-01-01', to: '2014-12-31' });
    expect(past.map((r) => r.name)).toEqual(['2型糖尿病', '急性胃腸炎']);
    expect(diagnosesInPeriod(rows, {}).map((r) => r.name)).toHaveLength(3);
    // A window before the diabetes began still shows it: it is a problem today.
    expect(diagnosesInPeriod(rows, { from: '2000-01-01', to: '2001-01-01' }).map((r) => r.name)).toEqual([
      '2型糖尿病',
    ]);
  });

  it('shows an ended diagnosis when one of its reports falls in the period', () => {
    const rows = mergeDiagnoses([
      condition('ouh', 'a', { name: '帯状疱疹', icd10: 'B029', onset: '2010-01-01', end: '2010-02-01' }),
      condition('kch', 'b', { name: '帯状疱疹', icd10: 'B029', onset: '2024-05-01', end: '2024-06-01' }),
    ]);
    const shown = diagnosesInPeriod(rows, { from: '2022-01-01' });
    expect(shown).toHaveLength(1);
    // Every source of a shown row stays on it, the old one too.
    expect(shown[0]?.sources.map((s) => s.id)).toEqual(['a', 'b']);
  });
});
