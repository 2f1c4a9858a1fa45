import type { AllergyIntolerance, Condition } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { mapNho } from './testing/samples.js';

describe('PPR-01 → Condition', () => {
  const [c] = mapNho('PPR-01').resources as Condition[];
  it('codes the disease with the MEDIS key number, exchange code and ICD-10', () => {
    expect(c?.code?.coding).toEqual([
      { system: 'http://medis.or.jp/CodeSystem/master-disease-keyNumber', code: '20054174', display: '胃炎' },
      { system: 'http://medis.or.jp/CodeSystem/master-disease-exCode', code: 'TSQF', display: '胃炎' },
      { system: 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/ICD10-2013-full', code: 'K297' },
    ]);
  });
  it('maps onset, the outcome date and the outcome', () => {
    expect(c?.onsetDateTime).toBe('2011-08-31');
    expect(c?.abatementDateTime).toBe('2011-09-15');
    expect(c?.clinicalStatus?.coding?.[0]?.code).toBe('inactive');
    expect(c?.verificationStatus?.coding?.[0]?.code).toBe('confirmed');
    expect(c?.extension?.[0]?.valueCodeableConcept?.coding?.[0]?.code).toBe('N');
  });
  it('keeps the diagnosis class and PRB-18 主診断 (JHSD0007) as categories', () => {
    expect(c?.category?.slice(1)).toEqual([
      {
        coding: [{ system: 'urn:ssmix2:codesystem:JHSD0004', code: 'O', display: '外来時' }],
        text: '外来時',
      },
      {
        coding: [{ system: 'urn:ssmix2:codesystem:JHSD0007', code: '1', display: '主診断' }],
        text: '主診断',
      },
    ]);
  });
});

describe('ADT-61 → AllergyIntolerance', () => {
  const all = mapNho('ADT-61').resources as AllergyIntolerance[];
  it('makes one per IAM with category, allergen, severity, reaction and onset', () => {
    expect(all.map((a) => a.category?.[0])).toEqual(['environment', 'food', 'environment', 'medication']);
    expect(all.map((a) => a.code?.text)).toEqual(['スギ', 'ソバ', 'ハウスダスト', 'アリナミン']);
    expect(all[3]?.code?.coding?.[0]).toMatchObject({
      system: 'http://medis.or.jp/CodeSystem/master-HOT9',
      code: '106824501',
    });
    expect(all[1]?.reaction?.[0]).toEqual({ manifestation: [{ text: '湿疹' }], severity: 'moderate' });
    expect(all[0]?.onsetDateTime).toBe('1996-01');
    expect(all[1]?.onsetString).toBe('小学校低学年の頃');
    expect(all[3]?.onsetDateTime).toBe('2007-07-10');
    expect(all.every((a) => a.patient.reference === 'Patient/9999013.ADT-00')).toBe(true);
  });
});
