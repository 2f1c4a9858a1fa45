// 患者病名情報 (diseasegetv2): every disease of a patient, oldest start first, up to 200.
import { answerKey, apiOutcome, ENDPOINTS } from './apis.js';
import { answerHead, Fields, opt, PATIENT_ID, SHORT_CODE } from './fields.js';
import type { Disease, DiseaseAnswer } from './types.js';

/** 傷病名コード (7 digits), 修飾語コード (`ZZZ` + 4), 未コード化傷病名 `0000999`. */
const DISEASE_CODE = /^(\d{7}|ZZZ\d{4})$/;

function disease(f: Fields): Disease {
  return {
    ...opt('departmentCode', f.code('Department_Code', SHORT_CODE)),
    ...opt('name', f.text('Disease_Name')),
    singles: f.records('Disease_Single').map((s) => ({
      code: s.requiredCode('Disease_Single_Code', DISEASE_CODE),
      ...opt('name', s.text('Disease_Single_Name')),
    })),
    ...opt('supplement', f.text('Disease_Supplement_Name')),
    ...opt('category', f.code('Disease_Category', /^[A-Z]{1,2}$/)),
    ...opt('suspectedFlag', f.code('Disease_SuspectedFlag', /^[SA]{1,2}$/)),
    ...opt('startDate', f.date('Disease_StartDate')),
    ...opt('endDate', f.endDate('Disease_EndDate')),
    ...opt('outcome', f.code('Disease_OutCome', /^[A-Z]$/)),
    ...opt('diseaseClass', f.code('Disease_Class', SHORT_CODE)),
    ...opt('insuranceCombinationNumber', f.code('Insurance_Combination_Number', /^\d{1,4}$/)),
    ...opt('insuranceDisease', f.flag('Insurance_Disease')),
  };
}

/** diseasegetv2. Api_Result 21 (no disease) reads as an empty list; 10 (no such patient) is an error. */
export function readDiseases(raw: unknown, askedId?: string): DiseaseAnswer {
  const body = Fields.root(raw, ENDPOINTS.diseasegetv2.path, answerKey('diseasegetv2'));
  const outcome = apiOutcome(body, 'diseasegetv2', askedId);
  const who = body.record('Disease_Infores');
  const patientId =
    who?.code('Patient_ID', PATIENT_ID) ??
    askedId ??
    body.fail('Disease_Infores', 'required record is missing');
  const diseases = outcome.kind === 'empty' ? [] : body.records('Disease_Information').map(disease);
  for (const [i, d] of diseases.entries())
    if (!d.singles.length && !d.name)
      body.fail(`Disease_Information[${i}]`, 'a disease has neither a code nor a name');
  return {
    ...answerHead(body, raw, outcome),
    patientId,
    ...opt('baseMonth', body.month('Base_Date')),
    diseases,
  };
}
