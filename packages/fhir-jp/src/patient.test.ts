import type { Observation, Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { mapNho } from './testing/samples.js';

describe('ADT-00 → Patient', () => {
  const r = mapNho('ADT-00');
  const patient = r.resources.find((x): x is Patient => x.resourceType === 'Patient')!;

  it('has the JP Core id, identifier system and profile', () => {
    expect(patient.id).toBe('9999013.ADT-00');
    expect(patient.identifier).toEqual([
      { system: 'urn:oid:1.2.392.100495.20.3.51.11311234567', value: '9999013' },
    ]);
    expect(patient.meta?.profile).toEqual(['http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient']);
    expect(patient.meta?.source).toBe(
      'urn:ssmix2:1311234567:9999013_-_ADT-00_999999999999999_20111220224447339_-_1',
    );
  });

  it('keeps the kanji (IDE) and kana (SYL) names', () => {
    const rep = (n: NonNullable<Patient['name']>[number]) => n.extension?.[0]?.valueCode;
    const [kanji, kana] = patient.name!;
    expect(rep(kanji!)).toBe('IDE');
    expect(kanji).toMatchObject({ use: 'official', family: '患者', given: ['太郎'], text: '患者 太郎' });
    expect(rep(kana!)).toBe('SYL');
    expect(kana).toMatchObject({
      use: 'official',
      family: 'カンジャ',
      given: ['タロウ'],
      text: 'カンジャ タロウ',
    });
  });

  it('maps gender, birth date, address and phones', () => {
    expect(patient.gender).toBe('male');
    expect(patient.birthDate).toBe('1948-04-05');
    expect(patient.address?.[0]).toMatchObject({ use: 'home', postalCode: '422-8033', country: 'JPN' });
    expect(patient.address?.[0]?.text).toContain('登呂');
    expect(patient.telecom).toEqual([
      { system: 'phone', value: '054-000-0000', use: 'home' },
      { system: 'phone', value: '03-5999-9999', use: 'temp' },
      { system: 'phone', value: '03-3599-9993', use: 'work' },
    ]);
  });

  it('maps height and weight to Observations and AL1 to an AllergyIntolerance', () => {
    const obs = r.resources.filter((x): x is Observation => x.resourceType === 'Observation');
    expect(obs.map((o) => o.valueQuantity?.value)).toEqual([167.8, 63.5, undefined]);
    expect(obs[0]?.valueQuantity).toMatchObject({
      unit: 'cm',
      system: 'http://unitsofmeasure.org',
      code: 'cm',
    });
    expect(obs[2]?.valueCodeableConcept?.coding?.[0]?.code).toBe('A');
    expect(r.entries.find((e) => e.resource.resourceType === 'AllergyIntolerance')?.index.category).toBe(
      'allergy',
    );
  });

  it('files height, weight and blood type as body-measurement, apart from who the patient is (issue 10)', () => {
    const categories = (type: string) =>
      r.entries.filter((e) => e.resource.resourceType === type).map((e) => e.index.category);
    expect(categories('Patient')).toEqual(['demographics']);
    expect(categories('Observation').length).toBeGreaterThanOrEqual(3);
    expect(new Set(categories('Observation'))).toEqual(new Set(['body-measurement']));
  });

  it('raises no warnings on this well-formed file', () => {
    expect(r.warnings).toEqual([]);
  });
});
