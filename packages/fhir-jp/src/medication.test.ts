import type { MedicationAdministration, MedicationRequest } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { mapNho } from './testing/samples.js';

const requests = (type: string) =>
  mapNho(type).resources.filter((x): x is MedicationRequest => x.resourceType === 'MedicationRequest');
const ident = (m: MedicationRequest, system: string) => m.identifier?.find((i) => i.system === system)?.value;

describe('OMP-01 → MedicationRequest', () => {
  const meds = requests('OMP-01');

  it('makes one request per drug with HOT9 codes', () => {
    expect(meds).toHaveLength(3);
    expect(meds.map((m) => m.medicationCodeableConcept?.coding?.[0])).toEqual([
      {
        system: 'http://medis.or.jp/CodeSystem/master-HOT9',
        code: '108665201',
        display: 'ダーゼン錠（５mg)',
      },
      {
        system: 'http://medis.or.jp/CodeSystem/master-HOT9',
        code: '110626901',
        display: 'パンスポリンＴ錠（１００mg)',
      },
      {
        system: 'http://medis.or.jp/CodeSystem/master-HOT9',
        code: '100607002',
        display: 'アレピアチン１０倍散',
      },
    ]);
  });

  it('keeps Rp groups 1, 1, 2 and the order within each Rp', () => {
    expect(meds.map((m) => ident(m, 'urn:oid:1.2.392.100495.20.3.81'))).toEqual(['1', '1', '2']);
    expect(meds.map((m) => ident(m, 'urn:oid:1.2.392.100495.20.3.82'))).toEqual(['1', '2', '1']);
    expect(meds[0]?.groupIdentifier?.value).toBe('000000011000185');
  });

  it('maps the JAMI usage code, dose, daily dose, duration and dispense quantity', () => {
    const d = meds[0]!.dosageInstruction![0]!;
    expect(d.timing?.code?.coding?.[0]).toEqual({
      system: 'http://jami.jp/CodeSystem/MedicationUsage',
      code: '1013044400000000',
      display: '内服・経口・１日３回朝昼夕食後',
    });
    expect(d.timing?.repeat?.boundsDuration).toEqual({
      value: 5,
      unit: '日',
      system: 'http://unitsofmeasure.org',
      code: 'd',
    });
    expect(d.route?.coding?.[0]?.code).toBe('PO');
    expect(d.doseAndRate?.[0]?.doseQuantity).toMatchObject({ value: 1, code: 'TAB' });
    expect(d.doseAndRate?.[0]?.rateRatio?.numerator).toMatchObject({ value: 3, code: 'TAB' });
    expect(meds[0]?.dispenseRequest?.quantity).toMatchObject({ value: 15, code: 'TAB' });
    expect(meds[0]?.dispenseRequest?.expectedSupplyDuration?.value).toBe(5);
    expect(meds[2]?.dosageInstruction?.[0]?.timing?.repeat?.boundsDuration?.value).toBe(14);
    expect(meds[0]?.authoredOn).toBe('2011-07-01T10:30:45+09:00');
  });
});

describe('OMP-02 → injection MedicationRequest', () => {
  const meds = requests('OMP-02');
  it('puts the RXC components in a contained Medication and keeps rate and period', () => {
    expect(meds).toHaveLength(3);
    const recipe = meds[0]!.contained?.[0];
    expect(recipe?.resourceType).toBe('Medication');
    const codes =
      recipe?.resourceType === 'Medication'
        ? recipe.ingredient?.map((i) => i.itemCodeableConcept?.coding?.[0]?.code)
        : [];
    expect(codes).toEqual(['620007329', '620002559']);
    const d = meds[0]!.dosageInstruction![0]!;
    expect(d.doseAndRate?.[0]?.rateQuantity?.value).toBe(102);
    expect(d.timing?.repeat?.boundsPeriod).toEqual({
      start: '2011-07-01T08:00:00+09:00',
      end: '2011-07-01T13:00:00+09:00',
    });
    expect(meds.map((m) => ident(m, 'urn:oid:1.2.392.100495.20.3.81'))).toEqual(['01', '01', '01']);
  });
});

describe('OMP-11/12 → MedicationAdministration', () => {
  it('maps each RXA with drug, amount, time and route', () => {
    const given = mapNho('OMP-11').resources.filter(
      (x): x is MedicationAdministration => x.resourceType === 'MedicationAdministration',
    );
    expect(given.map((g) => g.medicationCodeableConcept?.coding?.[0]?.code)).toEqual([
      '108665201',
      '110626901',
    ]);
    expect(given[1]?.dosage?.dose).toMatchObject({ value: 2, code: 'TAB' });
    expect(given[0]?.effectiveDateTime).toBe('2011-07-01T08:30:00+09:00');
    expect(given[0]?.status).toBe('completed');
    const inj = mapNho('OMP-12').resources[0] as MedicationAdministration;
    expect(inj.effectivePeriod).toEqual({
      start: '2011-07-01T08:05:21+09:00',
      end: '2011-07-01T13:05:43+09:00',
    });
    expect(inj.dosage?.route?.coding?.[0]?.code).toBe('IV');
  });
});
