// Golden checks: the recorded answers mapped to JP Core, field by field, and every resource valid
// FHIR R4 JSON.
import { patientIdSystem } from '@hie/fhir-jp';
import type { Condition, Coverage, MedicationDispense, MedicationRequest, Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { readDiseases } from '../answers/disease.js';
import { readMedicationForm } from '../answers/forms.js';
import { readPatient } from '../answers/patient.js';
import type { MedicationFormAnswer, OrcaPatientData, VisitData } from '../answers/types.js';
import { recordedJson } from '../simulator/recorded.js';
import { assertFhir, FACILITY } from '../testing/support.js';
import { ORCA_SYSTEMS } from './codes.js';
import { mapOrcaPatient } from './map.js';

const patient = readPatient(recordedJson('api01rv2_patientgetv2'));
const diseases = readDiseases(recordedJson('api01rv2_diseasegetv2'));
const prescription = readMedicationForm('prescriptionv2', recordedJson('api01rv2_prescriptionv2'))!;
const notebook = readMedicationForm('medicinenotebookv2', recordedJson('api01rv2_medicinenotebookv2'))!;

/** The visit of the recorded forms (2017-10-30, 内科, 伝票番号 0000861). */
function visitOf(form: { prescription?: MedicationFormAnswer; notebook?: MedicationFormAnswer }): VisitData {
  return {
    visit: {
      performDate: '2017-10-30',
      departmentCode: '01',
      departmentName: '内科',
      sequentialNumber: '1',
      invoiceNumber: '0000861',
    },
    detail: {
      informationDate: '2017-10-31',
      raw: {},
      patientId: '00216',
      performDate: '2017-10-30',
      departmentCode: '01',
      sequentialNumber: '1',
      parts: [],
    },
    ...form,
  };
}

function data(over: Partial<OrcaPatientData> = {}): OrcaPatientData {
  return {
    patientId: '00001',
    status: 'present',
    patient,
    diseases,
    months: [],
    visits: [],
    acceptances: [],
    acceptanceDays: [],
    ...over,
  };
}

const of = <T>(result: ReturnType<typeof mapOrcaPatient>, type: string) =>
  result.resources.filter((r) => r.resourceType === type) as T[];

describe('patientgetv2 → JP_Patient', () => {
  const result = mapOrcaPatient(data({ diseases: undefined }), { facility: FACILITY });
  const p = of<Patient>(result, 'Patient')[0]!;

  it('the facility-scoped identifier, kanji and kana names, sex, birth date, address, phone', () => {
    expect(p.id).toBe('00001.ADT-00');
    expect(p.meta?.profile).toEqual(['http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient']);
    expect(p.meta?.source).toBe('urn:orca:3210000001:patientgetv2');
    expect(p.identifier).toEqual([{ system: patientIdSystem('3210000001'), value: '00001' }]);
    expect(p.name).toEqual([
      {
        extension: [{ url: ORCA_SYSTEMS.isoRepresentation, valueCode: 'IDE' }],
        use: 'official',
        text: 'テスト カンジャ',
        family: 'テスト',
        given: ['カンジャ'],
      },
      {
        extension: [{ url: ORCA_SYSTEMS.isoRepresentation, valueCode: 'SYL' }],
        use: 'official',
        text: 'テスト カンジャ',
        family: 'テスト',
        given: ['カンジャ'],
      },
    ]);
    expect(p.gender).toBe('male');
    expect(p.birthDate).toBe('1965-04-04');
    expect(p.address).toEqual([
      {
        use: 'home',
        text: '島根県松江市横浜町１１５５',
        line: ['島根県松江市横浜町', '１１５５'],
        postalCode: '690-0051',
        country: 'JP',
      },
    ]);
    expect(p.telecom).toEqual([{ system: 'phone', value: '0852-22-2222', use: 'home' }]);
    expect(p.managingOrganization).toEqual({ display: 'オルカ診療所' });
    expect(result.entries[0]?.index).toEqual({
      resourceType: 'Patient',
      id: '00001.ADT-00',
      patientId: '00001',
      category: 'demographics',
    });
  });

  it('no Coverage unless asked; asked: one per 保険組合せ and one per 公費, 記号・番号 in half width', () => {
    expect(of(result, 'Coverage')).toEqual([]);
    const withCoverage = mapOrcaPatient(data({ diseases: undefined }), {
      facility: FACILITY,
      coverage: true,
    });
    const coverages = of<Coverage>(withCoverage, 'Coverage');
    expect(coverages.map((c) => c.id)).toEqual([
      '00001.-.ORCA.COV.0001',
      '00001.-.ORCA.COV.0005',
      '00001.-.ORCA.COV.0020',
      '00001.-.ORCA.COV.0020.P1',
    ]);
    const kokuho = coverages[0]!;
    expect(kokuho.extension).toEqual([
      {
        url: 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSymbol',
        valueString: '1234567',
      },
      {
        url: 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonNumber',
        valueString: '5555555',
      },
    ]);
    expect(kokuho.payor).toEqual([
      { identifier: { system: ORCA_SYSTEMS.insurer, value: '320010' }, display: '国保' },
    ]);
    expect(kokuho.period).toEqual({ start: '2011-02-16' });
    expect(kokuho.relationship?.coding?.[0]?.code).toBe('self');
    expect(kokuho.costToBeneficiary?.[0]?.valueQuantity?.value).toBe(30);
    expect(coverages[1]?.payor).toEqual([{ display: '自費' }]);
    expect(coverages[3]?.type?.coding?.[0]?.code).toBe('051');
    expect(withCoverage.replacePrefixes).toContain('00001.-.ORCA.COV.');
    assertFhir(withCoverage.resources);
  });
});

describe('diseasegetv2 → JP_Condition', () => {
  const result = mapOrcaPatient(data(), { facility: FACILITY });
  const conditions = of<Condition>(result, 'Condition');

  it('one Condition per disease, in ORCA order, replacing every earlier one of the patient', () => {
    expect(conditions).toHaveLength(7);
    expect(result.replacePrefixes).toEqual(['00001.-.ORCA.DX.']);
    expect(new Set(conditions.map((c) => c.id)).size).toBe(7);
    for (const c of conditions) expect(c.id).toMatch(/^00001\.-\.ORCA\.DX\.[0-9a-f]{12}$/);
  });

  it('胃潰瘍: 傷病名コード, onset, 補足コメント, 疾患区分', () => {
    const c = conditions[0]!;
    expect(c.code).toEqual({
      coding: [{ system: ORCA_SYSTEMS.disease, code: '5319009', display: '胃潰瘍' }],
      text: '胃潰瘍',
    });
    expect(c.onsetDateTime).toBe('2011-04-15');
    expect(c.note).toEqual([{ text: '右膝' }]);
    expect(c.clinicalStatus?.coding?.[0]?.code).toBe('active');
    expect(c.verificationStatus?.coding?.[0]?.code).toBe('confirmed');
    expect(c.category?.map((x) => x.coding?.[0]?.code)).toEqual(['problem-list-item', '05']);
    expect(result.entries.find((e) => e.resource === c)?.index).toEqual({
      resourceType: 'Condition',
      id: c.id,
      patientId: '00001',
      category: 'diagnosis',
      date: '2011-04-15',
      code: '5319009',
      codeSystem: ORCA_SYSTEMS.disease,
    });
  });

  it('両変形性膝関節症: 修飾語 両 as a prefix modifier', () => {
    const c = conditions[2]!;
    expect(c.code?.coding).toEqual([
      { system: ORCA_SYSTEMS.disease, code: '7153018', display: '変形性膝関節症' },
    ]);
    expect(c.code?.text).toBe('両変形性膝関節症');
    expect(c.extension).toEqual([
      {
        url: 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Condition_DiseasePrefixModifier',
        valueCodeableConcept: {
          coding: [{ system: ORCA_SYSTEMS.modifier, code: '2057', display: '両' }],
          text: '両',
        },
      },
    ]);
  });

  it('気管支喘息 with 疑いフラグ S: provisional; 未コード化傷病名 kept with its code 0000999', () => {
    expect(conditions[6]?.verificationStatus?.coding?.[0]?.code).toBe('provisional');
    expect(conditions[1]?.code).toEqual({
      coding: [{ system: ORCA_SYSTEMS.disease, code: '0000999' }],
      text: 'あいうえ',
    });
  });

  it('転帰: 治ゆ resolves, 中止 ends; 主病名 and の疑い read', () => {
    const answer = readDiseases({
      disease_infores: {
        Information_Date: '2024-06-28',
        Api_Result: '00',
        Disease_Infores: { Patient_ID: '00001' },
        Disease_Information: [
          {
            Department_Code: '01',
            Disease_Name: '胃潰瘍の疑い',
            Disease_Single: [
              { Disease_Single_Code: '5319009', Disease_Single_Name: '胃潰瘍' },
              { Disease_Single_Code: 'ZZZ8002', Disease_Single_Name: 'の疑い' },
            ],
            Disease_Category: 'PD',
            Disease_StartDate: '2024-01-05',
            Disease_EndDate: '2024-02-01',
            Disease_OutCome: 'F',
          },
          {
            Disease_Name: '高血圧症',
            Disease_Single: [{ Disease_Single_Code: '8833421', Disease_Single_Name: '高血圧症' }],
            Disease_StartDate: '2020-01-05',
            Disease_EndDate: '2024-03-01',
            Disease_OutCome: 'C',
          },
        ],
      },
    });
    const [suspected, stopped] = of<Condition>(
      mapOrcaPatient(data({ diseases: answer }), { facility: FACILITY }),
      'Condition',
    );
    expect(suspected?.verificationStatus?.coding?.[0]?.code).toBe('provisional');
    expect(suspected?.clinicalStatus?.coding?.[0]?.code).toBe('resolved');
    expect(suspected?.abatementDateTime).toBe('2024-02-01');
    expect(suspected?.category?.[1]).toEqual({
      coding: [{ system: 'urn:orca:codesystem:Disease_Category', code: 'PD', display: '主病名' }],
      text: '主病名',
    });
    expect(suspected?.extension?.map((e) => e.url.split('/').pop())).toEqual([
      'JP_Condition_DiseasePostfixModifier',
      'JP_Condition_DiseaseOutcome',
    ]);
    expect(stopped?.clinicalStatus?.coding?.[0]?.code).toBe('inactive');
  });

  it('every resource is valid FHIR R4', () => assertFhir(result.resources));
});

describe('prescriptionv2 / medicinenotebookv2 → JP_MedicationRequest, JP_MedicationDispense', () => {
  const outside = mapOrcaPatient(
    data({
      patientId: '00216',
      diseases: undefined,
      visits: [visitOf({ prescription })],
      months: ['2017-10'],
    }),
    {
      facility: FACILITY,
    },
  );
  const inside = mapOrcaPatient(
    data({ patientId: '00216', diseases: undefined, visits: [visitOf({ notebook })], months: ['2017-10'] }),
    {
      facility: FACILITY,
    },
  );

  it('院外処方: one request per drug, レセ電 and 薬価基準 codes, 1日量 × 日数, the 処方医', () => {
    const [r] = of<MedicationRequest>(outside, 'MedicationRequest');
    expect(r?.id).toBe('00216.-.ORCA.D20171030V01S1.R1.1');
    expect(r?.meta?.source).toBe('urn:orca:3210000001:prescriptionv2');
    expect(r?.category).toEqual([
      {
        coding: [{ system: ORCA_SYSTEMS.medicationCategory, code: 'OHO', display: '院外処方' }],
        text: '院外処方',
      },
      {
        coding: [{ system: 'urn:orca:codesystem:Medical_Class', code: '21', display: '内服' }],
        text: '内服',
      },
    ]);
    expect(r?.medicationCodeableConcept).toEqual({
      coding: [
        { system: ORCA_SYSTEMS.drug, code: '620006852', display: 'ウイントマイロンシロップ５％' },
        { system: ORCA_SYSTEMS.yj, code: '6241001Q1073' },
      ],
      text: 'ウイントマイロンシロップ５％',
    });
    expect(r?.identifier).toEqual([
      { system: ORCA_SYSTEMS.rpGroup, value: '1' },
      { system: ORCA_SYSTEMS.orderInRp, value: '1' },
    ]);
    expect(r?.authoredOn).toBe('2017-10-30');
    expect(r?.requester).toEqual({
      display: 'オルカ 太郎',
      identifier: { system: 'urn:orca:3210000001:physician', value: '10001' },
    });
    expect(r?.encounter).toEqual({ reference: 'Encounter/00216.-.ORCA.D20171030V01S1.E' });
    expect(r?.dosageInstruction).toEqual([
      {
        text: '1日分',
        timing: {
          repeat: { boundsDuration: { value: 1, unit: '日', system: ORCA_SYSTEMS.ucum, code: 'd' } },
        },
        doseAndRate: [
          {
            rateRatio: {
              numerator: { value: 1, unit: 'mL' },
              denominator: { value: 1, unit: '日', system: ORCA_SYSTEMS.ucum, code: 'd' },
            },
          },
        ],
      },
    ]);
    expect(r?.dispenseRequest).toEqual({
      quantity: { value: 1, unit: 'mL' },
      expectedSupplyDuration: { value: 1, unit: '日', system: ORCA_SYSTEMS.ucum, code: 'd' },
    });
    expect(r?.groupIdentifier).toEqual({ system: 'urn:orca:3210000001:invoice', value: '0000861' });
    expect(of(outside, 'MedicationDispense')).toEqual([]);
    expect(outside.replacePrefixes).toContain('00216.-.ORCA.D201710');
  });

  it("院内処方 (お薬手帳): the request and the clinic's own dispense, linked", () => {
    const [r] = of<MedicationRequest>(inside, 'MedicationRequest');
    const [d] = of<MedicationDispense>(inside, 'MedicationDispense');
    expect(r?.category?.[0]?.coding?.[0]?.code).toBe('OHI');
    expect(r?.groupIdentifier).toEqual({ system: 'urn:orca:3210000001:invoice', value: '0000861' });
    expect(d).toMatchObject({
      id: '00216.-.ORCA.D20171030V01S1.M1.1',
      status: 'completed',
      authorizingPrescription: [{ reference: `MedicationRequest/${r?.id}` }],
      context: { reference: 'Encounter/00216.-.ORCA.D20171030V01S1.E' },
      performer: [{ actor: { display: 'ＯＲＣＡクリニック' } }],
      quantity: { value: 1, unit: 'mL' },
      whenHandedOver: '2017-10-30',
    });
    assertFhir([...outside.resources, ...inside.resources]);
  });

  it('頓服 (1回量 × 回数, 頓用回数) and 外用 (全量), 用法 and comment lines', () => {
    const form: MedicationFormAnswer = {
      ...prescription,
      rps: [
        {
          medicalClass: '22',
          count: 10,
          countUnit: '回分',
          medications: [
            { name: 'レスプレン錠２０ｍｇ', amount: 1, unitName: '錠', code: '610463219', generic: false },
            { name: '【咳がひどい時に】', code: '001000802', generic: false },
          ],
        },
        {
          medicalClass: '23',
          count: 1,
          countUnit: '調剤',
          medications: [
            { name: '外用薬Ａ', amount: 25, unitName: 'ｇ', code: '620000001', generic: false },
            { name: '患部に塗布', generic: false },
          ],
        },
      ],
    };
    const result = mapOrcaPatient(
      data({
        patientId: '00216',
        diseases: undefined,
        visits: [visitOf({ prescription: form })],
        months: ['2017-10'],
      }),
      {
        facility: FACILITY,
      },
    );
    const [asNeeded, topical] = of<MedicationRequest>(result, 'MedicationRequest');
    expect(asNeeded?.dosageInstruction?.[0]).toEqual({
      text: '咳がひどい時に 10回分',
      timing: {
        code: {
          coding: [{ system: 'urn:orca:3210000001:usage', code: '001000802', display: '咳がひどい時に' }],
          text: '咳がひどい時に',
        },
      },
      doseAndRate: [{ doseQuantity: { value: 1, unit: '錠' } }],
    });
    expect(asNeeded?.dispenseRequest).toEqual({
      extension: [
        {
          url: 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_MedicationRequest_DispenseRequest_ExpectedRepeatCount',
          valueInteger: 10,
        },
      ],
      quantity: { value: 10, unit: '錠' },
    });
    expect(topical?.id).toBe('00216.-.ORCA.D20171030V01S1.R2.1');
    expect(topical?.dispenseRequest).toEqual({ quantity: { value: 25, unit: 'g' } });
    expect(topical?.note).toEqual([{ text: '患部に塗布' }]);
    expect(result.warnings.map((w) => w.code)).toEqual(['UNCODED_LINE']);
    assertFhir(result.resources);
  });
});

describe('deletion and test patients', () => {
  it('a patient ORCA no longer has: the Patient and every ORCA id of the patient deleted', () => {
    const gone = mapOrcaPatient({ ...data(), status: 'gone', patient: undefined }, { facility: FACILITY });
    expect(gone.resources).toEqual([]);
    expect(gone.deleteIds).toEqual(['00001.ADT-00']);
    expect(gone.replacePrefixes).toEqual(['00001.-.ORCA.']);
  });

  it('ORCA テスト患者: nothing mapped', () => {
    const test = mapOrcaPatient(data({ patient: { ...patient, testPatient: true } }), { facility: FACILITY });
    expect(test.resources).toEqual([]);
    expect(test.replacePrefixes).toEqual([]);
    expect(test.warnings[0]?.code).toBe('TEST_PATIENT');
  });

  it('the same answers map to the same ids (a re-pull replaces, never duplicates)', () => {
    const a = mapOrcaPatient(data(), { facility: FACILITY });
    const b = mapOrcaPatient(data(), { facility: FACILITY });
    expect(b.entries.map((e) => e.index.id)).toEqual(a.entries.map((e) => e.index.id));
  });
});
