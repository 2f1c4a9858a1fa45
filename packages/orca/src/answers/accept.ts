// 受付一覧 (acceptlstv2): the patients who came on one day.
import { answerKey, apiOutcome, ENDPOINTS } from './apis.js';
import { answerHead, Fields, opt, PATIENT_ID, SHORT_CODE } from './fields.js';
import type { Acceptance, AcceptanceListAnswer } from './types.js';

/** acceptlstv2. Api_Result 21 (no acceptance that day) reads as an empty list. */
export function readAcceptances(raw: unknown, askedDate?: string): AcceptanceListAnswer {
  const body = Fields.root(raw, ENDPOINTS.acceptlstv2.path, answerKey('acceptlstv2'));
  const outcome = apiOutcome(body, 'acceptlstv2');
  const acceptances =
    outcome.kind === 'empty'
      ? []
      : body.records('Acceptlst_Information').map((a): Acceptance => {
          const p =
            a.record('Patient_Information') ?? a.fail('Patient_Information', 'required record is missing');
          const ins = a.record('HealthInsurance_Information');
          return {
            ...opt('acceptanceId', a.code('Acceptance_Id', /^\d{1,10}$/)),
            ...opt('acceptanceTime', a.time('Acceptance_Time')),
            ...opt('departmentCode', a.code('Department_Code', SHORT_CODE)),
            ...opt('departmentName', a.text('Department_WholeName')),
            ...opt('physicianCode', a.code('Physician_Code', SHORT_CODE)),
            ...opt('physicianName', a.text('Physician_WholeName')),
            ...opt('medicalInformation', a.text('Medical_Information')),
            patientId: p.requiredCode('Patient_ID', PATIENT_ID),
            ...opt('patientName', p.text('WholeName')),
            ...opt('insuranceCombinationNumber', ins?.code('Insurance_Combination_Number', /^\d{1,4}$/)),
          };
        });
  const acceptanceDate = body.date('Acceptance_Date') ?? askedDate;
  return {
    ...answerHead(body, raw, outcome),
    acceptanceDate: acceptanceDate ?? body.fail('Acceptance_Date', 'required date is missing'),
    acceptances,
  };
}
