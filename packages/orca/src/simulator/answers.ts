// The simulator's answers, as ORCA writes them: the recorded answers as they are where the request is
// for recorded data, otherwise variants made from them — a recorded answer is the template (field
// order, the records ORCA adds, arrays padded with `{}` to their published maximum) and the clinic's
// data fills it. medicalgetv2 has no recording: its shape follows the samples of the published page.
import { monthsBetween } from '../answers/dates.js';
import { type CatalogDrug, DEPARTMENTS } from './catalog.js';
import type { SimClinic, SimDisease, SimPatient, SimVisit } from './population.js';
import { type RecordedName, recordedJson, recordedText } from './recorded.js';

type J = Record<string, unknown>;

/** An answer: JSON to serialize, or a recorded answer's exact text. */
export type Served = { json: J; text?: string };

export interface Now {
  date: string;
  time: string;
}

const served = (json: J): Served => ({ json });
const recorded = (name: RecordedName): Served => ({ json: recordedJson(name), text: recordedText(name) });

/** Fills `list` with empty records up to `max`, as ORCA's JSON does. */
const pad = (list: J[], max: number): J[] => [
  ...list,
  ...Array.from({ length: Math.max(0, max - list.length) }, () => ({})),
];

function head(now: Now, result = '00', message = '処理終了', reskey = 'Patient Info'): J {
  return {
    Information_Date: now.date,
    Information_Time: now.time,
    Api_Result: result,
    Api_Result_Message: message,
    Reskey: reskey,
  };
}

/** ORCA takes `1` for `00001`: a patient number matches by value when both are digits. */
export function findPatient(clinic: SimClinic, id: string | undefined): SimPatient | undefined {
  if (!id) return undefined;
  const exact = clinic.patients.get(id);
  if (exact) return exact;
  if (!/^\d+$/.test(id)) return undefined;
  for (const p of clinic.patients.values()) if (/^\d+$/.test(p.id) && Number(p.id) === Number(id)) return p;
  return undefined;
}

const patientSummary = (p: SimPatient): J => ({
  Patient_ID: p.id,
  WholeName: p.name,
  WholeName_inKana: p.kana,
  BirthDate: p.birthDate,
  Sex: p.sex,
});

/** An error answer of a wrapped API: the head only (and the asked patient, as ORCA echoes it). */
export function errorAnswer(key: string, now: Now, code: string, message: string, extra: J = {}): Served {
  return served({ [key]: { ...head(now, code, message), ...extra } });
}

// ---- patientlst1v2 -------------------------------------------------------------------------------

export function patientList(clinic: SimClinic, now: Now, klass: string, fields: J): Served {
  const from = str(fields.Base_StartDate);
  const to = str(fields.Base_EndDate) || now.date;
  if (!isDate(from) || !isDate(to))
    return errorAnswer('patientlst1res', now, '01', '基準日の設定に誤りがあります');
  const tests = str(fields.Contain_TestPatient_Flag) === '1';
  const inSpan = (d: string) => d >= from && d <= to;
  const matched = [...clinic.patients.values()]
    .filter((p) => tests || !p.testPatient)
    .filter((p) => (klass === '02' ? inSpan(p.createDate) : inSpan(p.createDate) || inSpan(p.updateDate)))
    // The recorded answer's order: update date, then the newest registration, then the number.
    .sort(
      (a, b) =>
        a.updateDate.localeCompare(b.updateDate) ||
        b.createDate.localeCompare(a.createDate) ||
        a.id.localeCompare(b.id),
    );
  const template = recordedJson('api01rv2_patientlst1v2').patientlst1res as J;
  return served({
    patientlst1res: {
      ...template,
      ...head(now),
      Target_Patient_Count: String(matched.length).padStart(4, '0'),
      Patient_Information: pad(
        matched.slice(0, 1000).map((p) => ({
          ...patientSummary(p),
          CreateDate: p.createDate,
          UpdateDate: p.updateDate,
          TestPatient_Flag: p.testPatient ? '1' : '0',
        })),
        1000,
      ),
    },
  });
}

// ---- patientgetv2 --------------------------------------------------------------------------------

export function patientInfo(clinic: SimClinic, now: Now, id: string | undefined): Served {
  const p = findPatient(clinic, id);
  if (!p) return errorAnswer('patientinfores', now, '10', '患者番号に該当する患者が存在しません');
  if (p.recorded?.patientget) return recorded(p.recorded.patientget);
  const template = recordedJson('api01rv2_patientgetv2').patientinfores as { Patient_Information: J };
  const t = template.Patient_Information;
  const insuranceTemplate = (t.HealthInsurance_Information as J[])[0]!;
  const first = p.visits.filter((v) => v.billed).map((v) => v.date)[0];
  const info: J = {
    ...t,
    ...patientSummary(p),
    HouseHolder_WholeName: p.name,
    Home_Address_Information: {
      Address_ZipCode: p.zip,
      WholeAddress1: p.address1,
      WholeAddress2: p.address2,
      PhoneNumber1: p.phone,
    },
    TestPatient_Flag: p.testPatient ? '1' : '0',
    FirstVisit_Date: first ?? p.createDate,
    HealthInsurance_Information: pad(
      p.insurances.map((i) => ({
        ...insuranceTemplate,
        Insurance_Combination_Number: i.combination,
        InsuranceCombination_Rate_Admission: i.rate.toFixed(2),
        InsuranceCombination_Rate_Outpatient: i.rate.toFixed(2),
        InsuranceProvider_Class: i.providerClass,
        InsuranceProvider_Number: i.providerNumber,
        InsuranceProvider_WholeName: i.providerName,
        HealthInsuredPerson_Symbol: i.symbol,
        HealthInsuredPerson_Number: i.number,
        HealthInsuredPerson_Assistance: String(Math.round(i.rate * 10)),
        HealthInsuredPerson_Assistance_Name: `${'０１２３４５６７８９'[Math.round(i.rate * 10)]}割`,
        HealthInsuredPerson_WholeName: p.name,
        Certificate_StartDate: i.startDate,
        Insurance_CheckDate: i.startDate,
      })),
      30,
    ),
  };
  for (const k of ['WorkPlace_Information', 'Occupation', 'Admission_Date']) delete info[k];
  return served({ patientinfores: { ...(template as J), ...head(now), Patient_Information: info } });
}

// ---- diseasegetv2 --------------------------------------------------------------------------------

function diseaseName(d: SimDisease): string {
  return d.singles.map((s) => s.name).join('');
}

export function diseaseInfo(clinic: SimClinic, now: Now, fields: J): Served {
  const id = str(fields.Patient_ID);
  const p = findPatient(clinic, id);
  if (!p) {
    const t = recordedJson('api01rv2_diseasegetv2_10').disease_infores as J;
    return served({
      disease_infores: {
        ...t,
        Information_Date: now.date,
        Information_Time: now.time,
        Disease_Infores: { Patient_ID: id },
      },
    });
  }
  if (p.recorded?.diseaseget) return recorded(p.recorded.diseaseget);
  const t = recordedJson('api01rv2_diseasegetv2').disease_infores as J;
  const who = {
    Disease_Infores: patientSummary(p),
    Base_Date: str(fields.Base_Date) || now.date.slice(0, 7),
  };
  if (!p.diseases.length)
    return served({
      disease_infores: { ...head(now, '21', '対象病名がありません', 'Medical Info'), ...who },
    });
  return served({
    disease_infores: {
      ...t,
      ...head(now, '00', '処理終了', 'Medical Info'),
      ...who,
      Disease_Information: pad(
        p.diseases.map((d) => ({
          Department_Code: d.department,
          Disease_Name: diseaseName(d),
          Disease_Single: pad(
            d.singles.map((s) => ({ Disease_Single_Code: s.code, Disease_Single_Name: s.name })),
            21,
          ),
          ...(d.category ? { Disease_Category: d.category } : {}),
          ...(d.suspectedFlag ? { Disease_SuspectedFlag: d.suspectedFlag } : {}),
          Disease_StartDate: d.startDate,
          ...(d.endDate ? { Disease_EndDate: d.endDate } : {}),
          ...(d.outcome ? { Disease_OutCome: d.outcome } : {}),
          ...(d.diseaseClass ? { Disease_Class: d.diseaseClass } : {}),
          Insurance_Disease: 'False',
        })),
        200,
      ),
    },
  });
}

// ---- medicalgetv2 --------------------------------------------------------------------------------

function insuranceOf(p: SimPatient, combination: string): J {
  const i = p.insurances.find((x) => x.combination === combination);
  return i
    ? {
        InsuranceProvider_Class: i.providerClass,
        InsuranceProvider_WholeName: i.providerName,
        InsuranceProvider_Number: i.providerNumber,
        HealthInsuredPerson_Symbol: i.symbol,
        HealthInsuredPerson_Number: i.number,
        PublicInsurance_Information: pad([], 4),
      }
    : {
        InsuranceProvider_Class: '980',
        InsuranceProvider_WholeName: '自費',
        PublicInsurance_Information: pad([], 4),
      };
}

/** class 01: the visits of `For_Months` months up to the month of `Perform_Date` (99: all, newest 150). */
export function visitList(clinic: SimClinic, now: Now, fields: J): Served {
  const key = 'medicalget01res';
  const p = findPatient(clinic, str(fields.Patient_ID));
  if (!str(fields.Patient_ID)) return errorAnswer(key, now, '01', '患者番号の設定がありません');
  if (!p) return errorAnswer(key, now, '10', '患者番号に該当する患者が存在しません');
  const perform = str(fields.Perform_Date) || now.date;
  if (!isDate(perform.length === 7 ? `${perform}-01` : perform))
    return errorAnswer(key, now, '11', '診療日が暦日ではありません');
  const monthsAsked = Number(str(fields.For_Months) || '0');
  if (!(monthsAsked >= 0 && monthsAsked <= 12) && monthsAsked !== 99)
    return errorAnswer(key, now, '16', '月数は０〜１２、９９を設定して下さい');
  const last = perform.slice(0, 7);
  const n = Math.max(1, monthsAsked);
  const months = monthsAsked === 99 ? undefined : new Set(monthsBetween(shiftMonth(last, -(n - 1)), last));
  const visits = p.visits
    .filter((v) => v.billed && (months ? months.has(v.date.slice(0, 7)) : v.date.slice(0, 7) <= last))
    .sort((a, b) => b.date.localeCompare(a.date) || a.department.localeCompare(b.department));
  if (!visits.length)
    return errorAnswer(key, now, '15', '対象がありません', { Patient_Information: patientSummary(p) });
  return served({
    [key]: {
      ...head(now, '00', '処理終了', 'Medical Info'),
      Patient_Information: patientSummary(p),
      Medical_List_Information: pad(
        visits.slice(0, 150).map((v) => ({
          Perform_Date: v.date,
          Department_Code: v.department,
          Department_Name: DEPARTMENTS[v.department] ?? '',
          Sequential_Number: String(v.seq),
          Insurance_Combination_Number: v.combination,
          HealthInsurance_Information: insuranceOf(p, v.combination),
          Invoice_Number: v.invoice,
        })),
        150,
      ),
    },
  });
}

const medication = (
  code: string,
  name: string,
  number: string,
  unit?: { code?: string; name?: string },
): J => ({
  Medication_Code: code,
  Medication_Name: name,
  Medication_Number: number,
  ...(unit?.code ? { Unit_Code: unit.code } : {}),
  ...(unit?.name ? { Unit_Code_Name: unit.name } : {}),
});

/** The 剤 of a visit: 再診料, then one 投薬 剤 per Rp (drugs and 用法), then 処方料 or 処方箋料. */
function blocks(v: SimVisit): J[] {
  const out: J[] = [
    {
      Medical_Class: '120',
      Medical_Class_Name: '再診料',
      Medical_Class_Number: '1',
      Medical_Class_Point: '73',
      Medication_info: pad([medication('112007410', '再診料', '1')], 50),
    },
  ];
  for (const rp of v.rps)
    out.push({
      Medical_Class: `${rp.medicalClass}0`,
      Medical_Class_Name: rp.medicalClass === '21' ? '内服薬剤' : '頓服薬剤',
      Medical_Class_Number: String(rp.count),
      Medication_info: pad(
        [
          ...rp.drugs.map((d: CatalogDrug) =>
            medication(d.code, d.name, String(d.amount), {
              ...(d.unitCode ? { code: d.unitCode } : {}),
              name: d.unitName,
            }),
          ),
          ...(rp.usage ? [medication(rp.usage.code, rp.usage.name, '1')] : []),
        ],
        50,
      ),
    });
  if (v.rps.length)
    out.push(
      v.outside
        ? {
            Medical_Class: '250',
            Medical_Class_Name: '処方箋料',
            Medical_Class_Number: '1',
            Medication_info: pad([medication('120002910', '処方箋料（その他）', '1')], 50),
          }
        : {
            Medical_Class: '250',
            Medical_Class_Name: '処方料',
            Medical_Class_Number: '1',
            Medication_info: pad([medication('120000710', '処方料（その他）', '1')], 50),
          },
    );
  return out;
}

/** class 02: the content of one visit (Perform_Date, 診療科, 連番). */
export function visitDetail(clinic: SimClinic, now: Now, fields: J): Served {
  const key = 'medicalget02res';
  const p = findPatient(clinic, str(fields.Patient_ID));
  if (!p) return errorAnswer(key, now, '10', '患者番号に該当する患者が存在しません');
  const info = (fields.Medical_Information ?? {}) as J;
  const department = str(info.Department_Code);
  if (!department) return errorAnswer(key, now, '02', '診療科の設定がありません');
  const date = str(fields.Perform_Date) || now.date;
  const seq = Number(str(info.Sequential_Number) || '1');
  const v = p.visits.find((x) => x.billed && x.date === date && x.department === department && x.seq === seq);
  if (!v) return errorAnswer(key, now, '15', '対象がありません');
  return served({
    [key]: {
      ...head(now, '00', '処理終了', 'Medical Info'),
      Patient_Information: patientSummary(p),
      Perform_Date: v.date,
      Department_Code: v.department,
      Department_Name: DEPARTMENTS[v.department] ?? '',
      Sequential_Number: String(v.seq),
      Medical_List_Information: pad(
        [
          {
            Insurance_Combination_Number: v.combination,
            HealthInsurance_Information: insuranceOf(p, v.combination),
            Invoice_Number: v.invoice,
            Medical_Information: pad(blocks(v), 135),
          },
        ],
        5,
      ),
    },
  });
}

// ---- acceptlstv2 ---------------------------------------------------------------------------------

/** class 01 受付中 (not billed), 02 会計済, 03 all. */
export function acceptanceList(clinic: SimClinic, now: Now, klass: string, fields: J): Served {
  const date = str(fields.Acceptance_Date) || now.date;
  const recordedDay = clinic.recordedAcceptances.get(date);
  if (recordedDay) return recorded(recordedDay);
  const rows: { p: SimPatient; v: SimVisit }[] = [];
  for (const p of clinic.patients.values())
    for (const v of p.visits)
      if (v.date === date && (klass === '03' || (klass === '01' ? !v.billed : v.billed))) rows.push({ p, v });
  rows.sort((a, b) => a.v.acceptanceId.localeCompare(b.v.acceptanceId));
  if (!rows.length)
    return errorAnswer('acceptlstres', now, '21', '対象の受付がありません', { Acceptance_Date: date });
  return served({
    acceptlstres: {
      ...head(now),
      Acceptance_Date: date,
      Acceptlst_Information: rows.map(({ p, v }) => ({
        Acceptance_Time: v.time,
        Acceptance_Id: v.acceptanceId,
        Department_Code: v.department,
        Department_WholeName: DEPARTMENTS[v.department] ?? '',
        Physician_Code: v.physician.code,
        Physician_WholeName: v.physician.name,
        Medical_Information: '01',
        Patient_Information: patientSummary(p),
        HealthInsurance_Information: {
          Insurance_Combination_Number: v.combination,
          ...insuranceOf(p, v.combination),
        },
      })),
    },
  });
}

// ---- prescriptionv2, medicinenotebookv2 ----------------------------------------------------------

/** 処方せん for a 院外 visit, お薬手帳 for a 院内 one; 0001 when the visit has no such form. */
export function medicationForm(
  clinic: SimClinic,
  now: Now,
  api: 'prescriptionv2' | 'medicinenotebookv2',
  fields: J,
): Served {
  const formHead = (code: string, message: string): Served =>
    served({
      Information_Date: now.date,
      Information_Time: now.time,
      Api_Result: code,
      Api_Result_Message: message,
    });
  const id = str(fields.Patient_ID);
  if (!id) return formHead('0102', '患者番号が未入力です。');
  const p = findPatient(clinic, id);
  if (!p) return formHead('0103', '患者番号の入力に誤りがあります。');
  const invoice = str(fields.Invoice_Number);
  if (!invoice) return formHead('0104', '伝票番号が未入力です。');
  const v = p.visits.find((x) => x.billed && Number(x.invoice) === Number(invoice));
  if (!v) return formHead('0105', '伝票番号に該当する受診履歴が存在しません。');
  const recordedForm = p.recordedForms?.[String(Number(invoice))];
  if (recordedForm)
    return recorded(api === 'prescriptionv2' ? recordedForm.prescription : recordedForm.notebook);
  const wanted = api === 'prescriptionv2';
  if (!v.rps.length || v.outside !== wanted) return formHead('0001', '帳票データが存在しませんでした。');
  const template = recordedJson(wanted ? 'api01rv2_prescriptionv2' : 'api01rv2_medicinenotebookv2');
  const form = (template.Forms as { data: J }[])[0]!.data;
  const person = { ID: p.id, Name: p.name, KanaName: p.kana, BirthDate: p.birthDate, Sex: p.sex };
  const rps = v.rps.map((rp) => ({
    Medical_Class: rp.medicalClass,
    Count: wanted ? String(rp.count).padStart(3, '0') : String(rp.count),
    Unit_Name: rp.medicalClass === '21' ? '日分' : '回分',
    Medication: pad(
      [
        ...rp.drugs.map((d) => ({
          Name: d.name,
          Amount: wanted ? d.amount.toFixed(5).padStart(11, '0') : String(d.amount),
          Unit_Name: d.unitName,
          Code: d.code,
          ...(wanted ? { Generic_Flg: '0', ...(d.yj ? { Generic_Code: d.yj } : {}) } : {}),
        })),
        ...(rp.usage ? [{ Name: rp.usage.name, Code: rp.usage.code }] : []),
      ],
      50,
    ),
  }));
  const data: J = {
    ...form,
    Perform_Date: v.date,
    ...(wanted ? { IssuedDate: v.date, Department_Code: v.department } : { Invoice_Number: v.invoice }),
    Patient: person,
    Doctor: { Code: v.physician.code, Name: v.physician.name },
    Rp: pad(rps, 50),
  };
  if (wanted) {
    const i = p.insurances.find((x) => x.combination === v.combination);
    const combination = form.Insurance_Combination_Information as J;
    data.Insurance_Combination_Information = {
      ...combination,
      Number: v.combination,
      InsuranceProvider_Class: i?.providerClass ?? '980',
      InsuranceProvider_Name: i?.providerName ?? '自費',
      HealthInsurance_Information: {
        ...(combination.HealthInsurance_Information as J),
        InsuranceProvider_Number: i?.providerNumber ?? '',
        HealthInsuredPerson_Number: i?.number ?? '',
        Certificate_StartDate: i?.startDate ?? v.date,
      },
    };
    data.Memo2 = ['', '', '', ''];
  }
  data.Qr_ID = `1#${v.invoice}-${p.id}`;
  return served({
    ...template,
    Information_Date: now.date,
    Information_Time: now.time,
    Print_Date: now.date,
    Print_Time: now.time,
    Patient: person,
    Forms: [{ data }],
  });
}

// ---- helpers ------------------------------------------------------------------------------------

export const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
const isDate = (s: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(s) &&
  !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
  new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

function shiftMonth(month: string, delta: number): string {
  const total = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + delta;
  return `${String(Math.floor(total / 12)).padStart(4, '0')}-${String((total % 12) + 1).padStart(2, '0')}`;
}
