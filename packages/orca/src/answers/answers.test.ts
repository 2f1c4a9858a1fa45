// Every recorded ORCA answer (recorded/, from orca-api/orca-api) read into plain data, and what a
// malformed answer gives: a stable code and the field, never a half-read value.
import { describe, expect, it } from 'vitest';
import { OrcaError } from '../errors.js';
import { RECORDED, recordedJson, recordedText } from '../simulator/recorded.js';
import { readAcceptances } from './accept.js';
import { readDiseases } from './disease.js';
import { readMedicationForm } from './forms.js';
import { readVisitDetail, readVisitList } from './medical.js';
import { readPatient, readPatientList } from './patient.js';
import { parseAnswerText, parseXml2, toXml2 } from './xml2.js';

/** Runs `fn` and returns the OrcaError it throws. */
function orcaError(fn: () => unknown): OrcaError {
  try {
    fn();
  } catch (e) {
    if (e instanceof OrcaError) return e;
    throw e;
  }
  throw new Error('expected an OrcaError');
}

describe('recorded answers', () => {
  it('patientlst1v2: 4 patients out of 1000 padded records, dates and flags read', () => {
    const a = readPatientList(recordedJson('api01rv2_patientlst1v2'));
    expect(a.informationDate).toBe('2017-06-28');
    expect(a.informationTime).toBe('12:26:39');
    expect(a.targetCount).toBe(4);
    expect(a.patients.map((p) => p.patientId)).toEqual(['00065', '00066', '00061', '00051']);
    expect(a.patients[2]).toEqual({
      patientId: '00061',
      name: 'テスト　高齢者２',
      // ORCA's trailing full-width space is trimmed.
      kanaName: 'テスト　コウレイシャ',
      birthDate: '1926-05-02',
      sex: '1',
      createDate: '2012-05-02',
      updateDate: '2012-06-18',
      testPatient: false,
    });
  });

  it('patientgetv2: demographics and the 保険組合せ, padded records and "     0" amounts read', () => {
    const a = readPatient(recordedJson('api01rv2_patientgetv2'));
    expect(a).toMatchObject({
      patientId: '00001',
      name: 'テスト　カンジャ',
      kanaName: 'テスト　カンジャ',
      birthDate: '1965-04-04',
      sex: '1',
      home: { zipCode: '6900051', line1: '島根県松江市横浜町', line2: '１１５５', phone1: '0852-22-2222' },
      testPatient: false,
      firstVisitDate: '2011-04-20',
    });
    expect(a.insurances.map((i) => i.combinationNumber)).toEqual(['0001', '0005', '0020']);
    expect(a.insurances[0]).toMatchObject({
      rateOutpatient: 0.3,
      providerClass: '060',
      providerNumber: '320010',
      providerName: '国保',
      symbol: '１２３４５６７',
      number: '５５５５５５５',
      relation: '1',
      startDate: '2011-02-16',
      hidden: false,
      publicInsurances: [],
    });
    // 9999-12-31 is ORCA's "no end".
    expect(a.insurances[0]?.endDate).toBeUndefined();
    expect(a.insurances[2]?.publicInsurances).toEqual([
      {
        publicClass: '051',
        name: '特定負有',
        payerNumber: '51326015',
        startDate: '2011-01-01',
      },
    ]);
  });

  it('diseasegetv2: 7 diseases of 200 records, each with its 21 padded 単独病名 reduced', () => {
    const a = readDiseases(recordedJson('api01rv2_diseasegetv2'));
    expect(a.patientId).toBe('00001');
    expect(a.baseMonth).toBe('2017-09');
    expect(a.diseases).toHaveLength(7);
    expect(a.diseases[0]).toEqual({
      departmentCode: '01',
      name: '胃潰瘍',
      singles: [{ code: '5319009', name: '胃潰瘍' }],
      supplement: '右膝',
      startDate: '2011-04-15',
      diseaseClass: '05',
      insuranceDisease: false,
    });
    expect(a.diseases[2]?.singles).toEqual([
      { code: 'ZZZ2057', name: '両' },
      { code: '7153018', name: '変形性膝関節症' },
    ]);
    expect(a.diseases[6]?.suspectedFlag).toBe('S');
    // 未コード化傷病名 without a name for its code.
    expect(a.diseases[1]?.singles).toEqual([{ code: '0000999' }]);
  });

  it('diseasegetv2 for an unknown patient: Api_Result 10 as orca-api-error', () => {
    const e = orcaError(() => readDiseases(recordedJson('api01rv2_diseasegetv2_10'), '9999'));
    expect(e.code).toBe('orca-api-error');
    expect(e.context).toMatchObject({
      api: '/api01rv2/diseasegetv2',
      apiResult: '10',
      apiResultMessage: '患者番号に該当する患者が存在しません',
      patientId: '9999',
    });
    expect(e.messageJa).toContain('患者番号に該当する患者が存在しません');
  });

  it('acceptlstv2: one acceptance with its patient, department and physician', () => {
    const a = readAcceptances(recordedJson('api01rv2_acceptlstv2_03'));
    expect(a.acceptanceDate).toBe('2017-08-09');
    expect(a.acceptances).toEqual([
      {
        acceptanceId: '00005',
        acceptanceTime: '13:59:36',
        departmentCode: '01',
        departmentName: '内科',
        physicianCode: '10001',
        physicianName: '鈴木有二',
        medicalInformation: '01',
        patientId: '00001',
        patientName: '山田太郎',
        insuranceCombinationNumber: '0001',
      },
    ]);
  });

  it('prescriptionv2: Api_Result 0000, one Rp of 50, amount "00001.00000" as 1, the 薬価基準コード', () => {
    const a = readMedicationForm('prescriptionv2', recordedJson('api01rv2_prescriptionv2'));
    expect(a).toMatchObject({
      formId: 'shohosen',
      patientId: '00216',
      performDate: '2017-10-30',
      issuedDate: '2017-10-30',
      departmentCode: '01',
      doctorCode: '10001',
      doctorName: 'オルカ　太郎',
      hospitalName: 'ＯＲＣＡクリニック',
      memos: ['（高一）'],
    });
    expect(a?.rps).toEqual([
      {
        medicalClass: '21',
        count: 1,
        countUnit: '日分',
        medications: [
          {
            name: 'ウイントマイロンシロップ５％',
            amount: 1,
            unitName: 'ｍＬ',
            code: '620006852',
            generic: false,
            yjCode: '6241001Q1073',
          },
        ],
      },
    ]);
  });

  it('medicinenotebookv2: the お薬手帳 of the same visit, with its 伝票番号', () => {
    const a = readMedicationForm('medicinenotebookv2', recordedJson('api01rv2_medicinenotebookv2'));
    expect(a).toMatchObject({ formId: 'okusuri_techo', patientId: '00216', invoiceNumber: '0000861' });
    expect(a?.rps[0]?.medications[0]).toEqual({
      name: 'ウイントマイロンシロップ５％',
      amount: 1,
      unitName: 'ｍＬ',
      code: '620006852',
      generic: false,
    });
  });

  it('forms: 0105 (no such 伝票番号) is an error, not an empty form', () => {
    for (const name of ['api01rv2_prescriptionv2_0105', 'api01rv2_medicinenotebookv2_0105'] as const) {
      const api = name.includes('prescription') ? 'prescriptionv2' : 'medicinenotebookv2';
      const e = orcaError(() => readMedicationForm(api, recordedJson(name)));
      expect(e.context.apiResult).toBe('0105');
      expect(e.context.api).toBe(`/api01rv2/${api}`);
    }
  });

  it('every recorded answer survives the xml2 form: the same data read from JSON and from XML', () => {
    const readers: Record<string, (raw: unknown) => unknown> = {
      api01rv2_patientlst1v2: readPatientList,
      api01rv2_patientgetv2: readPatient,
      api01rv2_diseasegetv2: readDiseases,
      api01rv2_acceptlstv2_03: readAcceptances,
    };
    for (const name of RECORDED) {
      const read = readers[name];
      if (!read) continue;
      const json = recordedJson(name);
      const fromXml = parseXml2(toXml2('xmlio2', json), 'test');
      const strip = (a: unknown) => ({ ...(a as object), raw: undefined });
      expect(strip(read(fromXml)), name).toEqual(strip(read(json)));
    }
  });
});

describe('malformed answers', () => {
  it('broken JSON: orca-bad-answer with the line and column', () => {
    const text = recordedText('api01rv2_acceptlstv2_03').replace('"Api_Result": "00",', '"Api_Result": "00"');
    const e = orcaError(() => parseAnswerText(text, 'json', '/api01rv2/acceptlstv2'));
    expect(e.code).toBe('orca-bad-answer');
    expect(e.context.api).toBe('/api01rv2/acceptlstv2');
    expect(e.context.line).toBe(6);
    expect(e.context.column).toBeGreaterThan(0);
  });

  it('broken XML: orca-bad-answer with the line; a DOCTYPE is refused', () => {
    const e = orcaError(() => parseXml2('<xmlio2>\n<a type="string">x</b>\n</xmlio2>', 'api'));
    expect(e.code).toBe('orca-bad-answer');
    expect(e.context.line).toBe(2);
    const d = orcaError(() => parseXml2('<!DOCTYPE x [<!ENTITY a "b">]><xmlio2/>', 'api'));
    expect(d.context.detail).toContain('DOCTYPE');
  });

  it('a field of the wrong kind: the path to it and the value', () => {
    const json = recordedJson('api01rv2_patientgetv2') as {
      patientinfores: { Patient_Information: Record<string, unknown> };
    };
    json.patientinfores.Patient_Information.BirthDate = '1965-02-30';
    const e = orcaError(() => readPatient(json));
    expect(e.code).toBe('orca-bad-answer');
    expect(e.context.path).toBe('patientinfores.Patient_Information.BirthDate');
    expect(e.context.value).toBe('1965-02-30');
    expect(e.message).toContain('not a calendar date');
  });

  it('a nested field: its index in the padded array is kept', () => {
    const json = recordedJson('api01rv2_diseasegetv2') as {
      disease_infores: { Disease_Information: { Disease_Single: { Disease_Single_Code: string }[] }[] };
    };
    json.disease_infores.Disease_Information[3]!.Disease_Single[0]!.Disease_Single_Code = '250-0013';
    const e = orcaError(() => readDiseases(json));
    expect(e.context.path).toBe(
      'disease_infores.Disease_Information[3].Disease_Single[0].Disease_Single_Code',
    );
  });

  it('numbers that are not numbers, a record that is a string, a missing Api_Result', () => {
    const form = recordedJson('api01rv2_prescriptionv2') as {
      Forms: { data: { Rp: { Count: string }[] } }[];
    };
    form.Forms[0]!.data.Rp[0]!.Count = '1日';
    expect(orcaError(() => readMedicationForm('prescriptionv2', form)).context.path).toBe(
      'Forms[0].data.Rp[0].Count',
    );
    const list = recordedJson('api01rv2_acceptlstv2_03') as { acceptlstres: Record<string, unknown> };
    list.acceptlstres.Acceptlst_Information = 'none';
    expect(orcaError(() => readAcceptances(list)).context.path).toBe('acceptlstres.Acceptlst_Information');
    const noResult = recordedJson('api01rv2_patientgetv2') as { patientinfores: Record<string, unknown> };
    delete noResult.patientinfores.Api_Result;
    expect(orcaError(() => readPatient(noResult)).context.path).toBe('patientinfores.Api_Result');
  });

  it('medicalgetv2: visits and a visit detail as the published samples show them', () => {
    const list = readVisitList({
      medicalget01res: {
        Information_Date: '2014-01-15',
        Api_Result: '00',
        Patient_Information: { Patient_ID: '00012' },
        Medical_List_Information: [
          {
            Perform_Date: '2014-01-06',
            Department_Code: '01',
            Sequential_Number: '1',
            Invoice_Number: '0000123',
          },
          {},
        ],
      },
    });
    expect(list.visits).toEqual([
      { performDate: '2014-01-06', departmentCode: '01', sequentialNumber: '1', invoiceNumber: '0000123' },
    ]);
    const none = readVisitList(
      {
        medicalget01res: {
          Information_Date: '2014-01-15',
          Api_Result: '15',
          Api_Result_Message: '対象がありません',
        },
      },
      '00012',
    );
    expect(none.visits).toEqual([]);
    const detail = readVisitDetail({
      medicalget02res: {
        Information_Date: '2015-08-18',
        Api_Result: '00',
        Patient_Information: { Patient_ID: '00017' },
        Perform_Date: '2015-08-18',
        Department_Code: '10',
        Sequential_Number: '1',
        Medical_List_Information: [
          {
            Insurance_Combination_Number: '0002',
            Medical_Information: [
              {
                Medical_Class: '400',
                Medical_Class_Number: '1',
                Medication_info: [
                  {
                    Medication_Code: '620811502',
                    Medication_Name: 'ワルファリンＫ錠１ｍｇ「Ｆ」',
                    Medication_Number: '2',
                    Unit_Code: '016',
                    Unit_Code_Name: '錠',
                  },
                ],
              },
            ],
          },
        ],
      },
    });
    expect(detail.parts[0]?.blocks[0]?.items[0]).toEqual({
      code: '620811502',
      name: 'ワルファリンＫ錠１ｍｇ「Ｆ」',
      number: 2,
      unitCode: '016',
      unitName: '錠',
    });
  });
});
