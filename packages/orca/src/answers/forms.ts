// 帳票データ: 処方せん (prescriptionv2) and お薬手帳 (medicinenotebookv2). JSON only, no wrapper
// record; Api_Result has four digits (`0000`); `0001` = no form for that visit.
import { apiOutcome, ENDPOINTS, type OrcaApiName } from './apis.js';
import { answerHead, Fields, opt, PATIENT_ID, SHORT_CODE } from './fields.js';
import type { FormRp, MedicationFormAnswer } from './types.js';

function rp(f: Fields): FormRp {
  return {
    ...opt('medicalClass', f.code('Medical_Class', /^\d{2,3}$/)),
    ...opt('count', f.number('Count')),
    ...opt('countUnit', f.text('Unit_Name')),
    medications: f.records('Medication').map((m) => ({
      ...opt('name', m.text('Name')),
      ...opt('amount', m.number('Amount')),
      ...opt('unitName', m.text('Unit_Name')),
      ...opt('code', m.code('Code', /^[0-9A-Z]{9}$/)),
      generic: m.code('Generic_Flg', /^[01]$/) === '1',
      ...opt('yjCode', m.code('Generic_Code', /^[0-9A-Z]{12}$/)),
    })),
  };
}

/** A form answer, or null when ORCA has no such form for the visit (Api_Result 0001). */
export function readMedicationForm(
  api: Extract<OrcaApiName, 'prescriptionv2' | 'medicinenotebookv2'>,
  raw: unknown,
  askedId?: string,
): MedicationFormAnswer | null {
  const body = Fields.root(raw, ENDPOINTS[api].path);
  const outcome = apiOutcome(body, api, askedId);
  if (outcome.kind === 'empty') return null;
  const forms = body.records('Forms');
  if (forms.length !== 1) body.fail('Forms', `expected one form, found ${forms.length}`);
  const data = forms[0]!.record('data') ?? forms[0]!.fail('data', 'required record is missing');
  const patient =
    data.record('Patient') ?? body.record('Patient') ?? data.fail('Patient', 'required record is missing');
  const doctor = data.record('Doctor');
  const hospital = data.record('Hospital');
  return {
    ...answerHead(body, raw, outcome),
    formId: data.text('Form_ID') ?? body.requiredText('Form_ID'),
    patientId: patient.requiredCode('ID', PATIENT_ID),
    ...opt('performDate', data.date('Perform_Date')),
    ...opt('issuedDate', data.date('IssuedDate')),
    ...opt('invoiceNumber', data.code('Invoice_Number', /^\d{1,10}$/)),
    ...opt('departmentCode', data.code('Department_Code', SHORT_CODE)),
    ...opt('doctorCode', doctor?.code('Code', SHORT_CODE)),
    ...opt('doctorName', doctor?.text('Name')),
    ...opt('hospitalName', hospital?.texts('Name')[0]),
    rps: data.records('Rp').map(rp),
    memos: [...data.texts('Memo2'), ...data.texts('Memo')],
  };
}
