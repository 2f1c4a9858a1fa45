import { ID_PATTERN, SYSTEMS } from '@hie/fhir-jp';
import type { MedicationDispense, Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
// The project's FHIR R4 JSON-schema check (fhir-jp's test support): our output is validated the same way.
import { fhirValidator } from '../../../fhir-jp/src/testing/fhir-schema.js';
import { parseOkusuriTecho } from '../notebook/parse.js';
import { PHARMACY_NOTEBOOK } from '../testing/fixtures.js';
import { mapOkusuriTecho } from './map.js';
import { OTC_SYSTEMS } from './systems.js';

const facility = { institutionCode: '1341234567', name: 'はれやか薬局 駅前店' };
const parsed = parseOkusuriTecho(PHARMACY_NOTEBOOK, { source: 'okusuri.txt' });
if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
const notebook = parsed.notebook;
const mapped = mapOkusuriTecho(notebook, { patientId: 'P0001', facility });
const dispenses = mapped.resources.filter(
  (r): r is MedicationDispense & { id: string } => r.resourceType === 'MedicationDispense',
);
const byName = (name: string) => {
  const d = dispenses.find((x) => x.medicationCodeableConcept?.text === name);
  if (!d) throw new Error(`no dispense of ${name}`);
  return d;
};

describe('mapOkusuriTecho: the pharmacy notebook', () => {
  it('makes a Patient and one MedicationDispense per drug, all valid FHIR R4', () => {
    expect(mapped.resources.map((r) => r.resourceType)).toEqual([
      'Patient',
      ...Array(7).fill('MedicationDispense'),
    ]);
    const v = fhirValidator(['Patient', 'MedicationDispense', 'MedicationRequest', 'PractitionerRole']);
    for (const r of mapped.resources) expect(v.validate(r), `${r.resourceType}/${r.id}`).toEqual([]);
    for (const r of mapped.resources) expect(r.id).toMatch(ID_PATTERN);
    expect(mapped.warnings).toEqual([]);
  });

  it('Patient: the notebook demographics under the caller’s patient ID', () => {
    const patient = mapped.resources[0] as Patient;
    expect(patient).toEqual({
      resourceType: 'Patient',
      id: 'P0001.ADT-00',
      meta: {
        profile: ['http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient'],
        source: 'urn:jahis-tc:1341234567:okusuri.txt',
      },
      identifier: [{ system: 'urn:oid:1.2.392.100495.20.3.51.11341234567', value: 'P0001' }],
      name: [
        {
          extension: [{ url: SYSTEMS.isoRepresentation, valueCode: 'IDE' }],
          use: 'official',
          text: '晴田 花子',
          family: '晴田',
          given: ['花子'],
        },
        {
          extension: [{ url: SYSTEMS.isoRepresentation, valueCode: 'SYL' }],
          use: 'official',
          text: 'ハレタ ハナコ',
          family: 'ハレタ',
          given: ['ハナコ'],
        },
      ],
      gender: 'female',
      birthDate: '1958-03-03',
    });
    expect(mapped.demographics).toEqual({
      name: '晴田 花子',
      family: '晴田',
      given: '花子',
      kana: 'ハレタ ハナコ',
      gender: 'female',
      birthDate: '1958-03-03',
    });
  });

  it('内服 with a JAMI usage code: 1日量 × 日数, daysSupply, usage text with its 補足, cautions, notes', () => {
    const d = byName('ｱﾑﾛｼﾞﾋﾟﾝOD錠5mg「ﾄｰﾜ」');
    expect(d.id).toBe('P0001.20240410.OTC.c1341234567c1317654321n1.1.1');
    expect(d.identifier).toEqual([
      { system: 'urn:oid:1.2.392.100495.20.3.81', value: '1' },
      { system: 'urn:oid:1.2.392.100495.20.3.82', value: '1' },
    ]);
    expect(d.status).toBe('completed');
    expect(d.category).toEqual({
      coding: [{ system: OTC_SYSTEMS.dosageForm, code: '1', display: '内服' }],
      text: '内服',
    });
    expect(d.medicationCodeableConcept?.coding).toEqual([
      { system: OTC_SYSTEMS.receipt, code: '622224101', display: 'ｱﾑﾛｼﾞﾋﾟﾝOD錠5mg「ﾄｰﾜ」' },
    ]);
    expect(d.subject).toEqual({ reference: 'Patient/P0001.ADT-00' });
    expect(d.quantity).toEqual({ value: 14, unit: '錠' });
    expect(d.daysSupply).toEqual({ value: 14, unit: '日', system: 'http://unitsofmeasure.org', code: 'd' });
    expect(d.whenHandedOver).toBe('2024-04-10');
    expect(d.dosageInstruction).toEqual([
      {
        text: '【分１ 朝食後服用】 透析日は透析後に服用',
        additionalInstruction: [
          { text: 'グレープフルーツジュースと一緒に飲まないでください。' },
          { text: 'めまいがあらわれることがあるので車の運転に注意してください。' },
        ],
        timing: {
          code: {
            coding: [{ system: SYSTEMS.jamiUsage, code: '1011000400000000', display: '【分１ 朝食後服用】' }],
            text: '【分１ 朝食後服用】',
          },
        },
        doseAndRate: [
          {
            rateRatio: {
              numerator: { value: 1, unit: '錠' },
              denominator: { value: 1, unit: '日', system: 'http://unitsofmeasure.org', code: 'd' },
            },
          },
        ],
      },
    ]);
    expect(d.note).toEqual([
      { text: '【薬品補足】一包化' },
      { text: '【服用注意】他の薬を併用する際は、相談してください。' },
      {
        text: '【医療機関等提供情報：退院後の療養に必要な服薬の状況及び投薬上の工夫に関する情報】嚥下困難のため錠剤は粉砕して投与',
      },
      { text: '【残薬確認】服用忘れによりｱﾑﾛｼﾞﾋﾟﾝ12錠残薬あり（次回調整）' },
      { text: '【備考】正しい飲み方は薬袋等をご覧ください。' },
      { authorString: '患者等', text: '【患者等記入 2024-04-12】朝に飲んだ後にめまいがあった' },
    ]);
  });

  it('performers: the pharmacy by 医療機関コード and the pharmacist; the prescription: clinic and doctor', () => {
    const d = byName('ｱﾑﾛｼﾞﾋﾟﾝOD錠5mg「ﾄｰﾜ」');
    expect(d.performer).toEqual([
      {
        actor: {
          type: 'Organization',
          display: '株式会社 はれやか薬局 駅前店',
          identifier: { system: OTC_SYSTEMS.institutionNo, value: '1341234567' },
        },
      },
      { actor: { type: 'Practitioner', display: '薬剤 一郎' } },
    ]);
    expect(d.authorizingPrescription).toEqual([{ reference: '#rx' }]);
    expect(d.contained).toEqual([
      {
        resourceType: 'PractitionerRole',
        id: 'prescriber',
        practitioner: { type: 'Practitioner', display: '晴山 次郎' },
        organization: {
          type: 'Organization',
          display: '医療法人 はれやか病院',
          identifier: { system: OTC_SYSTEMS.institutionNo, value: '1317654321' },
        },
        specialty: [{ text: '内科' }],
      },
      {
        resourceType: 'MedicationRequest',
        id: 'rx',
        status: 'unknown',
        intent: 'order',
        medicationCodeableConcept: d.medicationCodeableConcept,
        subject: { reference: 'Patient/P0001.ADT-00' },
        requester: { reference: '#prescriber' },
      },
    ]);
    // The second doctor's Rp names that doctor.
    const ointment = byName('ﾘﾝﾃﾞﾛﾝ-VG軟膏0.12%');
    expect(ointment.contained?.[0]).toMatchObject({ practitioner: { display: '雨宮 三郎' } });
  });

  it('drug codes by kind: YJ with its 一般名コード, HOT9, HOT13, none', () => {
    expect(byName('ランソプラゾールＯＤ錠１５ｍｇ').medicationCodeableConcept?.coding).toEqual([
      { system: OTC_SYSTEMS.yj, code: '2329023F2020', display: 'ランソプラゾールＯＤ錠１５ｍｇ' },
      {
        system: OTC_SYSTEMS.generic,
        code: '2329023F2ZZZ',
        display: '【般】ランソプラゾール口腔内崩壊錠１５ｍｇ',
      },
    ]);
    expect(byName('ﾛｷｿﾆﾝ錠60mg').medicationCodeableConcept?.coding?.[0]?.system).toBe(SYSTEMS.hot9);
    expect(byName('ｼﾝﾊﾞｽﾀﾁﾝ錠10mg').medicationCodeableConcept?.coding?.[0]?.system).toBe(SYSTEMS.hot13);
    expect(byName('ﾍﾟﾝﾆｰﾄﾞﾙ30G/8mm').medicationCodeableConcept).toEqual({ text: 'ﾍﾟﾝﾆｰﾄﾞﾙ30G/8mm' });
  });

  it('amounts by 剤形: 1日量 1.5 × 14 日 = 21 exactly, 屯服 1回量 × 10回, 外用 and 材料 全量', () => {
    expect(byName('ランソプラゾールＯＤ錠１５ｍｇ').quantity).toEqual({ value: 21, unit: '錠' });
    const prn = byName('ﾛｷｿﾆﾝ錠60mg');
    expect(prn.quantity).toEqual({ value: 10, unit: '錠' });
    expect(prn.daysSupply).toBeUndefined();
    expect(prn.dosageInstruction?.[0]).toEqual({
      text: '【疼痛時】',
      timing: { repeat: { count: 10 } },
      doseAndRate: [{ doseQuantity: { value: 1, unit: '錠' } }],
    });
    expect(byName('ﾘﾝﾃﾞﾛﾝ-VG軟膏0.12%').quantity).toEqual({ value: 10, unit: 'g' });
    expect(byName('ﾍﾟﾝﾆｰﾄﾞﾙ30G/8mm').quantity).toEqual({ value: 60, unit: '本' });
  });

  it('indexes each dispense as a prescription on its 調剤日 with its main code', () => {
    const index = mapped.entries.map((e) => e.index);
    expect(index[0]).toEqual({
      resourceType: 'Patient',
      id: 'P0001.ADT-00',
      patientId: 'P0001',
      category: 'demographics',
    });
    expect(index[1]).toEqual({
      resourceType: 'MedicationDispense',
      id: 'P0001.20240410.OTC.c1341234567c1317654321n1.1.1',
      patientId: 'P0001',
      category: 'prescription',
      date: '2024-04-10',
      code: '622224101',
      codeSystem: OTC_SYSTEMS.receipt,
    });
    expect(
      index
        .filter((i) => i.resourceType === 'MedicationDispense')
        .every((i) => i.category === 'prescription'),
    ).toBe(true);
  });

  it('keys each dispensing: a second same-day dispensing at the same places gets its own prefix', () => {
    expect(mapped.dispensings).toEqual([
      {
        keyPrefix: 'P0001.20240410.OTC.c1341234567c1317654321n1.',
        date: '2024-04-10',
        pharmacyName: '株式会社 はれやか薬局 駅前店',
        pharmacyInstitutionCode: '1341234567',
        resourceIds: [1, 2, 3, 4].map((_, i) => dispenses[i]!.id),
      },
      expect.objectContaining({
        keyPrefix: 'P0001.20240301.OTC.c1341234567c1311111111n1.',
        date: '2024-03-01',
      }),
      expect.objectContaining({ keyPrefix: 'P0001.20240410.OTC.c1341234567c1317654321n2.' }),
    ]);
    for (const d of mapped.dispensings)
      for (const id of d.resourceIds) expect(id.startsWith(d.keyPrefix)).toBe(true);
  });

  it('scanning the same notebook twice gives the same ids and resources (a PUT replaces, never duplicates)', () => {
    const again = parseOkusuriTecho(PHARMACY_NOTEBOOK, { source: 'okusuri.txt' });
    if (!again.ok) throw new Error('parse failed');
    expect(mapOkusuriTecho(again.notebook, { patientId: 'P0001', facility }).resources).toEqual(
      mapped.resources,
    );
    expect(new Set(mapped.resources.map((r) => r.id)).size).toBe(mapped.resources.length);
  });

  it('leaves the Patient out when asked, and warns when another pharmacy dispensed', () => {
    const clinic = { institutionCode: '1319999999' };
    const r = mapOkusuriTecho(notebook, { patientId: 'C-77', facility: clinic, includePatient: false });
    expect(r.resources.some((x) => x.resourceType === 'Patient')).toBe(false);
    expect(r.warnings.map((w) => [w.code, w.line])).toEqual([
      ['otc-other-pharmacy', 8],
      ['otc-other-pharmacy', 30],
      ['otc-other-pharmacy', 39],
    ]);
    // Escaped patient ID (fhir-jp's rule) in every id.
    expect(r.resources[0]?.id).toBe('C-2D77.20240410.OTC.c1341234567c1317654321n1.1.1');
  });
});
