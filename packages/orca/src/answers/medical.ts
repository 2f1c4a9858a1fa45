// 診療情報の返却 (medicalgetv2): class 01 受診履歴 (the visits of a span of months), class 02
// 診療行為剤内容詳細 (what was done and given at one visit).
import { answerKey, apiOutcome, ENDPOINTS } from './apis.js';
import { answerHead, Fields, opt, PATIENT_ID, SHORT_CODE } from './fields.js';
import type { MedicalBlock, Visit, VisitDetailAnswer, VisitListAnswer } from './types.js';

const API = ENDPOINTS.medicalgetv2.path;
const INVOICE = /^\d{1,10}$/;

function patientOf(body: Fields, askedId: string | undefined): string {
  const p = body.record('Patient_Information');
  return (
    p?.code('Patient_ID', PATIENT_ID) ??
    askedId ??
    body.fail('Patient_Information', 'required record is missing')
  );
}

/** class 01. Api_Result 15 (対象がありません) reads as no visit. */
export function readVisitList(raw: unknown, askedId?: string): VisitListAnswer {
  const body = Fields.root(raw, API, answerKey('medicalgetv2', '01'));
  const outcome = apiOutcome(body, 'medicalgetv2', askedId);
  const visits =
    outcome.kind === 'empty'
      ? []
      : body.records('Medical_List_Information').map(
          (v): Visit => ({
            performDate: v.requiredDate('Perform_Date'),
            departmentCode: v.requiredCode('Department_Code', SHORT_CODE),
            ...opt('departmentName', v.text('Department_Name')),
            sequentialNumber: v.code('Sequential_Number', /^\d{1,3}$/) ?? '1',
            ...opt('insuranceCombinationNumber', v.code('Insurance_Combination_Number', /^\d{1,4}$/)),
            ...opt('invoiceNumber', v.code('Invoice_Number', INVOICE)),
          }),
        );
  return { ...answerHead(body, raw, outcome), patientId: patientOf(body, askedId), visits };
}

function block(f: Fields): MedicalBlock {
  return {
    medicalClass: f.requiredCode('Medical_Class', /^\d{2,3}$/),
    ...opt('medicalClassName', f.text('Medical_Class_Name')),
    ...opt('count', f.number('Medical_Class_Number')),
    items: f.records('Medication_info').map((m) => ({
      code: m.requiredCode('Medication_Code', /^[0-9A-Z]{9}$/),
      ...opt('name', m.text('Medication_Name')),
      ...opt('number', m.number('Medication_Number')),
      ...opt('unitCode', m.code('Unit_Code', /^\d{3}$/)),
      ...opt('unitName', m.text('Unit_Code_Name')),
    })),
  };
}

/** class 02. Api_Result 15 reads as a visit with nothing recorded. */
export function readVisitDetail(raw: unknown, askedId?: string): VisitDetailAnswer {
  const body = Fields.root(raw, API, answerKey('medicalgetv2', '02'));
  const outcome = apiOutcome(body, 'medicalgetv2', askedId);
  const empty = outcome.kind === 'empty';
  return {
    ...answerHead(body, raw, outcome),
    patientId: patientOf(body, askedId),
    performDate: empty ? (body.date('Perform_Date') ?? '') : body.requiredDate('Perform_Date'),
    departmentCode: empty
      ? (body.text('Department_Code') ?? '')
      : body.requiredCode('Department_Code', SHORT_CODE),
    ...opt('departmentName', body.text('Department_Name')),
    sequentialNumber: body.code('Sequential_Number', /^\d{1,3}$/) ?? '1',
    parts: empty
      ? []
      : body.records('Medical_List_Information').map((p) => ({
          ...opt('insuranceCombinationNumber', p.code('Insurance_Combination_Number', /^\d{1,4}$/)),
          ...opt('invoiceNumber', p.code('Invoice_Number', INVOICE)),
          blocks: p.records('Medical_Information').map(block),
        })),
  };
}

/** A drug of a 投薬 剤 (診療種別区分 21x 内服, 22x 頓服, 23x 外用; レセ電 医薬品コード 6xxxxxxxx). */
export const isPrescribedDrug = (medicalClass: string, code: string): boolean =>
  /^2[123]/.test(medicalClass) && /^6\d{8}$/.test(code);
