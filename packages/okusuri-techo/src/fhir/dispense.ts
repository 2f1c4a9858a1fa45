// One JP_MedicationDispense per drug (薬品レコード). What the notebook says about the drug sits on it:
// its code by 薬品コード種別, amount by 剤形 (内服 1日量 × 日数, 屯服 1回量 × 回数, others 全量), usage
// (用法名称 + 用法補足, JAMI code), cautions (291 薬品服用注意, 391 処方服用注意) as additionalInstruction,
// 薬品補足 (281) and the dispensing's 服薬指導 records (401 服用注意, 411 提供情報, 421 残薬確認, 501 備考,
// 601 患者等記入) as notes — what a clinician reads next to the drug. The pharmacy and pharmacist are
// the performers; the prescribing clinic and doctor, a contained MedicationRequest.
import type {
  Annotation,
  CodeableConcept,
  Dosage,
  MedicationDispense,
  MedicationRequest,
  Patient,
  PractitionerRole,
  Quantity,
  Reference,
} from '@medplum/fhirtypes';
import { DOSAGE_FORMS, PROVIDED_INFO_TYPES } from '../format/codes.js';
import type { Dispensing, Drug, Rp } from '../notebook/model.js';
import { drugCoding, OTC_SYSTEMS } from './systems.js';

const JP = 'http://jpfhir.jp/fhir/core/StructureDefinition/';
/** 剤形 whose 用量 is a 1日量 and 調剤数量 a number of days. */
const DAILY = new Set(['1', '6', '7']);
/** 屯服: 用量 is a 1回量, 調剤数量 a number of times. */
const AS_NEEDED = '3';

/** FHIR strings allow no white space but space, CR, LF, TAB: U+3000 and the like become a space. */
export const fhirText = (s: string) => s.replace(/[^\S \r\n\t]/g, ' ');

/** `dose × n` exactly (decimal text times a whole number), as a JSON number. */
export function times(dose: string, n: number): number {
  const [int = '0', frac = ''] = dose.split('.');
  const digits = (BigInt(int + frac) * BigInt(n)).toString().padStart(frac.length + 1, '0');
  const whole = digits.slice(0, digits.length - frac.length);
  const rest = frac.length ? digits.slice(-frac.length) : '';
  return Number(rest ? `${whole}.${rest}` : whole);
}

export interface DispenseContext {
  id: string;
  source: string;
  patient: Reference<Patient>;
}

function medication(drug: Drug): CodeableConcept {
  const name = fhirText(drug.name);
  const coding = [
    drugCoding(drug.codeKind, drug.code, name),
    drug.genericCodeKind === '2' && drug.genericCode
      ? { system: OTC_SYSTEMS.generic, code: drug.genericCode, display: fhirText(drug.genericName ?? name) }
      : undefined,
  ].filter((c) => c !== undefined);
  return { ...(coding.length ? { coding } : {}), text: name };
}

function amounts(
  drug: Drug,
  rp: Rp,
): Pick<MedicationDispense, 'quantity' | 'daysSupply'> & { dose?: Dosage['doseAndRate'] } {
  const form = rp.usage?.dosageForm;
  const n = rp.usage?.quantity;
  if (!drug.dose || !form || !Object.hasOwn(DOSAGE_FORMS, form)) return {};
  const unit = drug.unit ? { unit: fhirText(drug.unit) } : {};
  const dose: Quantity = { value: Number(drug.dose), ...unit };
  if (DAILY.has(form)) {
    if (!n) return { dose: [{ rateRatio: { numerator: dose, denominator: day(1) } }] };
    return {
      quantity: { value: times(drug.dose, n), ...unit },
      daysSupply: day(n),
      dose: [{ rateRatio: { numerator: dose, denominator: day(1) } }],
    };
  }
  if (form === AS_NEEDED)
    return {
      ...(n ? { quantity: { value: times(drug.dose, n), ...unit } } : {}),
      dose: [{ doseQuantity: dose }],
    };
  return { quantity: dose };
}

const day = (value: number): Quantity => ({ value, unit: '日', system: OTC_SYSTEMS.ucum, code: 'd' });

function dosage(drug: Drug, rp: Rp, doseAndRate: Dosage['doseAndRate'], amountRead: boolean): Dosage {
  const u = rp.usage;
  const name = u?.name ? fhirText(u.name) : undefined;
  // A 用量 whose meaning the 剤形 would give, without a 剤形: shown as written, not interpreted.
  const asWritten =
    !amountRead && drug.dose ? `用量 ${drug.dose}${drug.unit ? fhirText(drug.unit) : ''}` : undefined;
  const text = [name, ...rp.usageSupplements.map((s) => fhirText(s.text)), asWritten]
    .filter(Boolean)
    .join(' ');
  const cautions = [...drug.cautions, ...rp.cautions].map((c) => ({ text: fhirText(c.text) }));
  const code = u?.code && u.codeKind === '2' ? u.code : undefined;
  const timesGiven = u?.dosageForm === AS_NEEDED && u.quantity ? u.quantity : undefined;
  const timing =
    code || timesGiven
      ? {
          ...(timesGiven ? { repeat: { count: timesGiven } } : {}),
          ...(code
            ? {
                code: {
                  coding: [{ system: OTC_SYSTEMS.jamiUsage, code, ...(name ? { display: name } : {}) }],
                  ...(name ? { text: name } : {}),
                },
              }
            : {}),
        }
      : undefined;
  return {
    ...(text ? { text } : {}),
    ...(cautions.length ? { additionalInstruction: cautions } : {}),
    ...(timing ? { timing } : {}),
    ...(doseAndRate?.length ? { doseAndRate } : {}),
  };
}

const label = (title: string, text: string, author?: string): Annotation => ({
  ...(author ? { authorString: author } : {}),
  text: `【${title}】${fhirText(text)}`,
});

/** The dispensing's own notes, the same on each of its drugs (the portal shows them once per visit). */
export function dispensingNotes(d: Dispensing): Annotation[] {
  const by = (creator?: string) => (creator === '2' ? '患者等' : undefined);
  return [
    ...d.cautions.map((n) => label('服用注意', n.text, by(n.creator))),
    ...d.providedInfo.map((n) => {
      const type = n.infoType ? PROVIDED_INFO_TYPES[n.infoType] : undefined;
      return label(type ? `医療機関等提供情報：${type}` : '医療機関等提供情報', n.text, by(n.creator));
    }),
    ...d.remainingChecks.map((n) => label('残薬確認', n.text, by(n.creator))),
    ...d.remarks.map((n) => label('備考', n.text, by(n.creator))),
    ...d.patientEntries.map((n) => label(n.date ? `患者等記入 ${n.date}` : '患者等記入', n.text, '患者等')),
  ];
}

/** The prescription this dispense filled: clinic (51) and doctor (55) in a contained MedicationRequest. */
function prescription(d: Dispensing, rp: Rp, ctx: DispenseContext, med: CodeableConcept) {
  const clinic = d.prescriber;
  const doctor = rp.doctor;
  if (!clinic && !doctor) return undefined;
  const role: PractitionerRole = {
    resourceType: 'PractitionerRole',
    id: 'prescriber',
    ...(doctor ? { practitioner: { type: 'Practitioner', display: fhirText(doctor.name) } } : {}),
    ...(clinic
      ? {
          organization: {
            type: 'Organization',
            display: fhirText(clinic.name),
            ...(clinic.institutionCode
              ? { identifier: { system: OTC_SYSTEMS.institutionNo, value: clinic.institutionCode } }
              : {}),
          },
        }
      : {}),
    ...(doctor?.department ? { specialty: [{ text: fhirText(doctor.department) }] } : {}),
  };
  const request: MedicationRequest = {
    resourceType: 'MedicationRequest',
    id: 'rx',
    // What became of the prescription beyond this dispense, the notebook does not say.
    status: 'unknown',
    intent: 'order',
    medicationCodeableConcept: med,
    subject: ctx.patient,
    requester: { reference: '#prescriber' },
  };
  return { contained: [role, request], authorizingPrescription: [{ reference: '#rx' }] };
}

function performers(d: Dispensing): MedicationDispense['performer'] {
  const out: NonNullable<MedicationDispense['performer']> = [];
  if (d.pharmacy)
    out.push({
      actor: {
        type: 'Organization',
        display: fhirText(d.pharmacy.name),
        ...(d.pharmacy.institutionCode
          ? { identifier: { system: OTC_SYSTEMS.institutionNo, value: d.pharmacy.institutionCode } }
          : {}),
      },
    });
  if (d.pharmacist) out.push({ actor: { type: 'Practitioner', display: fhirText(d.pharmacist.name) } });
  return out.length ? out : undefined;
}

export function dispenseOf(
  d: Dispensing,
  rp: Rp,
  drug: Drug,
  ctx: DispenseContext,
  notes: Annotation[],
): MedicationDispense & { id: string } {
  const med = medication(drug);
  const { dose, ...amount } = amounts(drug, rp);
  const instruction = dosage(drug, rp, dose, Object.keys(amount).length > 0 || dose !== undefined);
  const form = rp.usage?.dosageForm;
  const formName = form ? DOSAGE_FORMS[form] : undefined;
  const rx = prescription(d, rp, ctx, med);
  const performer = performers(d);
  const note = [
    ...drug.supplements.map((s) => label('薬品補足', s.text, s.creator === '2' ? '患者等' : undefined)),
    ...notes,
  ];
  return {
    resourceType: 'MedicationDispense',
    id: ctx.id,
    meta: { profile: [`${JP}JP_MedicationDispense`], source: ctx.source },
    ...(rx ? { contained: rx.contained } : {}),
    identifier: [
      { system: OTC_SYSTEMS.rpGroup, value: String(rp.number) },
      { system: OTC_SYSTEMS.orderInRp, value: String(drug.orderInRp) },
    ],
    status: 'completed',
    ...(form && formName
      ? {
          category: {
            coding: [{ system: OTC_SYSTEMS.dosageForm, code: form, display: formName }],
            text: formName,
          },
        }
      : {}),
    medicationCodeableConcept: med,
    subject: ctx.patient,
    ...(performer ? { performer } : {}),
    ...(rx ? { authorizingPrescription: rx.authorizingPrescription } : {}),
    ...amount,
    ...(d.date ? { whenHandedOver: d.date } : {}),
    ...(Object.keys(instruction).length ? { dosageInstruction: [instruction] } : {}),
    ...(note.length ? { note } : {}),
  };
}
