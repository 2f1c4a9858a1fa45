// 患者番号一覧 (patientlst1v2) and 患者基本情報 (patientgetv2, with the 保険組合せ).
import { answerKey, apiOutcome, ENDPOINTS } from './apis.js';
import { answerHead, Fields, opt, PATIENT_ID, SHORT_CODE } from './fields.js';
import type {
  ChangedPatient,
  InsuranceCombination,
  PatientAddress,
  PatientAnswer,
  PatientListAnswer,
  PublicInsurance,
} from './types.js';

const SEX = /^[129]$/;

export function readPatientList(raw: unknown): PatientListAnswer {
  const api = ENDPOINTS.patientlst1v2.path;
  const body = Fields.root(raw, api, answerKey('patientlst1v2'));
  const outcome = apiOutcome(body, 'patientlst1v2');
  const patients = body.records('Patient_Information').map(
    (p): ChangedPatient => ({
      patientId: p.requiredCode('Patient_ID', PATIENT_ID),
      ...opt('name', p.text('WholeName')),
      ...opt('kanaName', p.text('WholeName_inKana')),
      ...opt('birthDate', p.date('BirthDate')),
      ...opt('sex', p.code('Sex', SEX)),
      ...opt('createDate', p.date('CreateDate')),
      ...opt('updateDate', p.date('UpdateDate')),
      testPatient: p.code('TestPatient_Flag', /^[01]$/) === '1',
    }),
  );
  const count = body.number('Target_Patient_Count') ?? patients.length;
  if (count < patients.length) body.fail('Target_Patient_Count', 'fewer than the patients listed', count);
  return {
    ...answerHead(body, raw, outcome),
    targetCount: count,
    patients,
  };
}

function address(f: Fields | undefined): PatientAddress | undefined {
  if (!f) return undefined;
  const out: PatientAddress = {
    ...opt('zipCode', f.code('Address_ZipCode', /^\d{3}-?\d{4}$/)),
    ...opt('line1', f.text('WholeAddress1')),
    ...opt('line2', f.text('WholeAddress2')),
    ...opt('phone1', f.text('PhoneNumber1')),
    ...opt('phone2', f.text('PhoneNumber2')),
  };
  return Object.keys(out).length ? out : undefined;
}

function publicInsurance(f: Fields): PublicInsurance {
  return {
    ...opt('publicClass', f.code('PublicInsurance_Class', SHORT_CODE)),
    ...opt('name', f.text('PublicInsurance_Name')),
    ...opt('payerNumber', f.text('PublicInsurer_Number')),
    ...opt('recipientNumber', f.text('PublicInsuredPerson_Number')),
    ...opt('startDate', f.date('Certificate_IssuedDate')),
    ...opt('endDate', f.endDate('Certificate_ExpiredDate')),
  };
}

export function readInsurance(f: Fields): InsuranceCombination {
  return {
    combinationNumber: f.requiredCode('Insurance_Combination_Number', /^\d{1,4}$/),
    ...opt('rateOutpatient', f.number('InsuranceCombination_Rate_Outpatient')),
    ...opt('providerClass', f.code('InsuranceProvider_Class', SHORT_CODE)),
    ...opt('providerNumber', f.text('InsuranceProvider_Number')),
    ...opt('providerName', f.text('InsuranceProvider_WholeName')),
    ...opt('symbol', f.text('HealthInsuredPerson_Symbol')),
    ...opt('number', f.text('HealthInsuredPerson_Number')),
    ...opt('branchNumber', f.text('HealthInsuredPerson_Branch_Number')),
    ...opt('relation', f.code('RelationToInsuredPerson', /^[12]$/)),
    ...opt('insuredName', f.text('HealthInsuredPerson_WholeName')),
    ...opt('startDate', f.date('Certificate_StartDate')),
    ...opt('endDate', f.endDate('Certificate_ExpiredDate')),
    ...opt('checkDate', f.date('Insurance_CheckDate')),
    hidden: f.code('Insurance_Nondisplay', /^[YN]$/) === 'Y',
    publicInsurances: f.records('PublicInsurance_Information').map(publicInsurance),
  };
}

/** patientgetv2. An unknown patient is an `orca-api-error` with Api_Result 10 (the caller decides). */
export function readPatient(raw: unknown, askedId?: string): PatientAnswer {
  const api = ENDPOINTS.patientgetv2.path;
  const body = Fields.root(raw, api, answerKey('patientgetv2'));
  const outcome = apiOutcome(body, 'patientgetv2', askedId);
  const p =
    body.record('Patient_Information') ?? body.fail('Patient_Information', 'required record is missing');
  const home = address(p.record('Home_Address_Information'));
  return {
    ...answerHead(body, raw, outcome),
    patientId: p.requiredCode('Patient_ID', PATIENT_ID),
    ...opt('name', p.text('WholeName')),
    ...opt('kanaName', p.text('WholeName_inKana')),
    ...opt('birthDate', p.date('BirthDate')),
    ...opt('sex', p.code('Sex', SEX)),
    ...(home ? { home } : {}),
    testPatient: p.code('TestPatient_Flag', /^[01]$/) === '1',
    ...opt('firstVisitDate', p.date('FirstVisit_Date')),
    ...opt('lastVisitDate', p.date('LastVisit_Date')),
    insurances: p.records('HealthInsurance_Information').map(readInsurance),
  };
}
