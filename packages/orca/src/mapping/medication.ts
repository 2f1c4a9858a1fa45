// 処方 → JP_MedicationRequest (and JP_MedicationDispense for what the clinic handed over itself).
// Sources, in this order per visit: the 処方せん (prescriptionv2: 院外処方, OHO), else the お薬手帳
// (medicinenotebookv2: 院内処方, OHI — also a MedicationDispense, the clinic having dispensed), else
// the visit's 投薬 剤 (medicalgetv2 class 02: drug and amount, 院内/院外 unknown, warning NO_FORM).
// Each Rp line with a レセ電 医薬品コード (6xxxxxxxx) is one drug; the 用法 line (001xxxxxx) is the Rp's
// timing; other lines are notes. Amounts follow ORCA's 診療区分: 21 内服 = 1日量 × 日数, 22 頓服 =
// 1回量 × 回数, 23 外用 = 全量.
import type {
  CodeableConcept,
  Dosage,
  Duration,
  Encounter,
  Extension,
  MedicationDispense,
  MedicationRequest,
  Quantity,
  Reference,
} from '@medplum/fhirtypes';
import { isPrescribedDrug } from '../answers/medical.js';
import type { FormMedication, FormRp, VisitDetailAnswer } from '../answers/types.js';
import {
  clinicTable,
  coded,
  fhirText,
  halfWidth,
  MEDICAL_CLASSES,
  ORCA_SYSTEMS,
  orcaTable,
} from './codes.js';
import type { OrcaMappingContext } from './context.js';
import { ids } from './ids.js';

const EXT = 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/';
const DRUG = /^6\d{8}$/;
const USAGE = /^001\d{6}$/;

export interface RpSource {
  api: 'prescriptionv2' | 'medicinenotebookv2' | 'medicalgetv2';
  /** 院外 (OHO), 院内 (OHI), or unknown. */
  place?: 'outside' | 'inside';
  rps: FormRp[];
  authoredOn: string;
  invoiceNumber?: string;
  doctorCode?: string;
  doctorName?: string;
  hospitalName?: string;
}

function quantity(value: number, unitName: string | undefined): Quantity {
  return { value, ...(unitName ? { unit: halfWidth(unitName) } : {}) };
}

function days(n: number): Duration {
  return { value: n, unit: '日', system: ORCA_SYSTEMS.ucum, code: 'd' };
}

/** 【１日３回毎食後に】 → １日３回毎食後に. */
const usageText = (name: string) => fhirText(name.replace(/^【(.*)】$/, '$1'));

function medication(m: FormMedication): CodeableConcept {
  const name = m.name ? fhirText(m.name) : undefined;
  return {
    coding: [
      { system: ORCA_SYSTEMS.drug, code: m.code!, ...(name ? { display: name } : {}) },
      ...(m.yjCode ? [{ system: ORCA_SYSTEMS.yj, code: m.yjCode }] : []),
    ],
    ...(name ? { text: name } : {}),
  };
}

interface RpPlan {
  kind?: string;
  usage?: FormMedication;
  dosage: (m: FormMedication) => Dosage;
  dispensed: (m: FormMedication) => Quantity | undefined;
  supply?: Duration;
  repeats?: number;
}

function plan(ctx: OrcaMappingContext, rp: FormRp): RpPlan {
  const kind = rp.medicalClass?.slice(0, 2);
  const usage = rp.medications.find((m) => m.code && USAGE.test(m.code));
  const count = rp.count;
  const oral = kind === '21' && count !== undefined;
  const asNeeded = kind === '22' && count !== undefined;
  const timingCode = usage?.code
    ? coded(
        clinicTable(ctx.institutionCode, 'usage'),
        usage.code,
        usage.name ? usageText(usage.name) : undefined,
      )
    : undefined;
  const countText = count !== undefined ? `${count}${rp.countUnit ?? (oral ? '日分' : '回分')}` : undefined;
  return {
    ...(kind ? { kind } : {}),
    ...(usage ? { usage } : {}),
    ...(oral ? { supply: days(count) } : {}),
    ...(asNeeded ? { repeats: count } : {}),
    dosage: (m) => {
      const text = [usage?.name ? usageText(usage.name) : undefined, countText].filter(Boolean).join(' ');
      const amount = m.amount !== undefined ? quantity(m.amount, m.unitName) : undefined;
      return {
        ...(text ? { text } : {}),
        ...(timingCode || oral
          ? {
              timing: {
                ...(oral ? { repeat: { boundsDuration: days(count) } } : {}),
                ...(timingCode ? { code: timingCode } : {}),
              },
            }
          : {}),
        ...(amount && kind === '21'
          ? {
              doseAndRate: [
                {
                  rateRatio: {
                    numerator: amount,
                    denominator: { value: 1, unit: '日', system: ORCA_SYSTEMS.ucum, code: 'd' },
                  },
                },
              ],
            }
          : amount && kind === '22'
            ? { doseAndRate: [{ doseQuantity: amount }] }
            : {}),
      };
    },
    dispensed: (m) =>
      m.amount === undefined
        ? undefined
        : quantity(oral || asNeeded ? round(m.amount * count) : m.amount, m.unitName),
  };
}

const round = (n: number) => Math.round(n * 100_000) / 100_000;

function category(source: RpSource, kind: string | undefined): CodeableConcept[] {
  const out: CodeableConcept[] = [];
  if (source.place === 'outside') out.push(coded(ORCA_SYSTEMS.medicationCategory, 'OHO', '院外処方'));
  if (source.place === 'inside') out.push(coded(ORCA_SYSTEMS.medicationCategory, 'OHI', '院内処方'));
  if (kind && MEDICAL_CLASSES[kind]) out.push(coded(orcaTable('Medical_Class'), kind, MEDICAL_CLASSES[kind]));
  return out;
}

/** The MedicationRequests (and MedicationDispenses, 院内) of one visit's Rp list. */
export function mapMedications(
  ctx: OrcaMappingContext,
  source: RpSource,
  visitPrefix: string,
  encounter: Reference<Encounter>,
): void {
  const api = source.api;
  const profileApi = api === 'medicalgetv2' ? 'medicalgetv2' : api;
  source.rps.forEach((rp, r) => {
    const rpNo = r + 1;
    const p = plan(ctx, rp);
    const drugs = rp.medications.filter((m) => m.code && DRUG.test(m.code));
    const notes = rp.medications.filter((m) => m !== p.usage && !(m.code && DRUG.test(m.code)) && m.name);
    for (const n of notes)
      if (!n.code) ctx.warn('UNCODED_LINE', `Rp ${rpNo}: line '${n.name}' has no code`, profileApi);
    const requester =
      source.doctorName || source.doctorCode
        ? {
            requester: {
              ...(source.doctorName ? { display: fhirText(source.doctorName) } : {}),
              ...(source.doctorCode
                ? {
                    identifier: {
                      system: clinicTable(ctx.institutionCode, 'physician'),
                      value: source.doctorCode,
                    },
                  }
                : {}),
            },
          }
        : {};
    drugs.forEach((m, i) => {
      const dispensed = p.dispensed(m);
      const extension: Extension[] = p.repeats
        ? [{ url: `${EXT}JP_MedicationRequest_DispenseRequest_ExpectedRepeatCount`, valueInteger: p.repeats }]
        : [];
      const dosage = p.dosage(m);
      const medicationCodeableConcept = medication(m);
      const request: MedicationRequest & { id: string } = {
        resourceType: 'MedicationRequest',
        id: ids.request(visitPrefix, rpNo, i + 1),
        ...ctx.meta('JP_MedicationRequest', profileApi),
        identifier: [
          { system: ORCA_SYSTEMS.rpGroup, value: String(rpNo) },
          { system: ORCA_SYSTEMS.orderInRp, value: String(i + 1) },
        ],
        status: 'active',
        intent: 'order',
        ...(category(source, p.kind).length ? { category: category(source, p.kind) } : {}),
        medicationCodeableConcept,
        subject: ctx.patientRef,
        encounter,
        authoredOn: source.authoredOn,
        ...requester,
        ...(source.invoiceNumber
          ? {
              groupIdentifier: {
                system: clinicTable(ctx.institutionCode, 'invoice'),
                value: source.invoiceNumber,
              },
            }
          : {}),
        ...(notes.length ? { note: notes.map((n) => ({ text: fhirText(n.name!) })) } : {}),
        dosageInstruction: [dosage],
        ...(dispensed || p.supply || extension.length
          ? {
              dispenseRequest: {
                ...(extension.length ? { extension } : {}),
                ...(dispensed ? { quantity: dispensed } : {}),
                ...(p.supply ? { expectedSupplyDuration: p.supply } : {}),
              },
            }
          : {}),
      };
      ctx.add(request, 'prescription', {
        date: source.authoredOn,
        code: medicationCodeableConcept.coding?.[0],
      });
      if (source.place !== 'inside') return;
      const dispense: MedicationDispense & { id: string } = {
        resourceType: 'MedicationDispense',
        id: ids.dispense(visitPrefix, rpNo, i + 1),
        ...ctx.meta('JP_MedicationDispense', profileApi),
        status: 'completed',
        medicationCodeableConcept,
        subject: ctx.patientRef,
        context: encounter,
        ...(source.hospitalName
          ? { performer: [{ actor: { display: fhirText(source.hospitalName) } }] }
          : {}),
        authorizingPrescription: [{ reference: `MedicationRequest/${request.id}` }],
        ...(dispensed ? { quantity: dispensed } : {}),
        ...(p.supply ? { daysSupply: p.supply } : {}),
        whenHandedOver: source.authoredOn,
        dosageInstruction: [dosage],
      };
      ctx.add(dispense, 'prescription', {
        date: source.authoredOn,
        code: medicationCodeableConcept.coding?.[0],
      });
    });
  });
}

/** The 投薬 剤 of a visit's content as Rp lines (when the visit has no form). */
export function detailRps(detail: VisitDetailAnswer): FormRp[] {
  return detail.parts.flatMap((part) =>
    part.blocks
      .filter((b) => b.items.some((i) => isPrescribedDrug(b.medicalClass, i.code)))
      .map((b) => ({
        medicalClass: b.medicalClass,
        ...(b.count !== undefined ? { count: b.count } : {}),
        medications: b.items.map((i) => ({
          code: i.code,
          generic: false,
          ...(i.name ? { name: i.name } : {}),
          ...(i.number !== undefined ? { amount: i.number } : {}),
          ...(i.unitName ? { unitName: i.unitName } : {}),
        })),
      })),
  );
}
