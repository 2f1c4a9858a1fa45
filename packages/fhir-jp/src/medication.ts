// OMP-01/02 (RDE^O11) → JP_MedicationRequest / JP_MedicationRequest_Injection, one per ORC+RXE block;
// OMP-11/12 (RAS^O17) → JP_MedicationAdministration(_Injection), one per RXA.
import type { Hl7Segment } from '@hie/hl7v2';
import type {
  Dosage,
  Duration,
  Extension,
  Medication,
  MedicationAdministration,
  MedicationRequest,
  Quantity,
} from '@medplum/fhirtypes';
import { concept, MR9P_CATEGORY, MR9P_FORM, SYSTEMS } from './codes.js';
import { cwe, decimal, type MappingContext, subCwe, text } from './context.js';
import { toFhirDate, toFhirDateTime } from './datetime.js';
import { all, first, groupsFrom } from './groups.js';
import { unitOf } from './observation.js';
import { orderIdentifier, requesterOf } from './orders.js';

const EXT = 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/';
/** HL7 CQ time units (TQ1-6 `5^d`) → UCUM. */
const TIME_UNITS: Readonly<Record<string, { code: string; unit: string }>> = {
  d: { code: 'd', unit: '日' },
  D: { code: 'd', unit: '日' },
  wk: { code: 'wk', unit: '週' },
  w: { code: 'wk', unit: '週' },
  mo: { code: 'mo', unit: '月' },
  h: { code: 'h', unit: '時間' },
  min: { code: 'min', unit: '分' },
};

function quantity(
  ctx: MappingContext,
  seg: Hl7Segment,
  valueField: number,
  unitField: number,
): Quantity | undefined {
  const value = decimal(text(seg, valueField));
  if (value === undefined) return undefined;
  return { value, ...unitOf(ctx, seg, unitField) };
}

function duration(seg: Hl7Segment, field: number): Duration | undefined {
  const value = decimal(seg.get(field, 1, 1));
  const unit = TIME_UNITS[seg.get(field, 1, 2) ?? 'd'];
  if (value === undefined || !unit) return undefined;
  return { value, unit: unit.unit, system: SYSTEMS.ucum, code: unit.code };
}

/** Rp number from ORC-4: `1` (prescriptions) or `order_Rp_seq` (injections). */
function rpNumber(orc: Hl7Segment): string | undefined {
  const v = text(orc, 4);
  if (v === undefined) return undefined;
  const parts = v.split('_');
  return parts.length >= 3 ? parts[parts.length - 2] : v;
}

function dosage(
  ctx: MappingContext,
  rxe: Hl7Segment,
  tq1: Hl7Segment | undefined,
  rxr: Hl7Segment | undefined,
): Dosage {
  const usage = tq1 ? subCwe(tq1, 3, 1) : undefined;
  const usageConcept = concept(usage, ctx.facilityCode);
  const additional = [];
  for (let r = 2; tq1 && r <= tq1.repetitionCount(3); r++) {
    const c = concept(subCwe(tq1, 3, 1, r), ctx.facilityCode);
    if (c) additional.push(c);
  }
  const days = tq1 ? duration(tq1, 6) : undefined;
  const start = tq1 ? toFhirDateTime(text(tq1, 7)) : undefined;
  const end = tq1 ? toFhirDateTime(text(tq1, 8)) : undefined;
  const dose = quantity(ctx, rxe, 3, 5);
  const dailyValue = decimal(rxe.get(19, 1, 1));
  const dailyUnit = concept(subCwe(rxe, 19, 2), ctx.facilityCode)?.coding?.[0];
  const rateValue = decimal(text(rxe, 23));
  const rateUnit = unitOf(ctx, rxe, 24);
  const instructions = ctx.concept(rxe, 7);
  const extension: Extension[] = [];
  if (start || end) {
    extension.push({
      url: `${EXT}JP_MedicationDosage_PeriodOfUse`,
      valuePeriod: { ...(start ? { start } : {}), ...(end ? { end } : {}) },
    });
  }
  if (days) extension.push({ url: `${EXT}JP_MedicationDosage_UsageDuration`, valueDuration: days });
  const route = rxr ? ctx.concept(rxr, 1) : undefined;
  const site = rxr ? ctx.concept(rxr, 2) : undefined;
  const textParts = [usageConcept?.text, instructions?.text].filter(Boolean);
  const hasTiming = usageConcept || days || start || end;
  return {
    ...(extension.length ? { extension } : {}),
    ...(textParts.length ? { text: textParts.join(' ') } : {}),
    ...(additional.length ? { additionalInstruction: additional } : {}),
    ...(hasTiming
      ? {
          timing: {
            ...(days || start
              ? {
                  repeat: days
                    ? { boundsDuration: days }
                    : { boundsPeriod: { ...(start ? { start } : {}), ...(end ? { end } : {}) } },
                }
              : {}),
            ...(usageConcept ? { code: usageConcept } : {}),
          },
        }
      : {}),
    ...(site ? { site } : {}),
    ...(route ? { route } : {}),
    ...(dose || dailyValue !== undefined || rateValue !== undefined
      ? {
          doseAndRate: [
            {
              ...(dose ? { doseQuantity: dose } : {}),
              ...(rateValue !== undefined
                ? { rateQuantity: { value: rateValue, ...rateUnit } }
                : dailyValue !== undefined
                  ? {
                      rateRatio: {
                        numerator: {
                          value: dailyValue,
                          ...(dailyUnit
                            ? {
                                unit: dailyUnit.display ?? dailyUnit.code,
                                system: dailyUnit.system,
                                code: dailyUnit.code,
                              }
                            : {}),
                        },
                        denominator: { value: 1, unit: '日', system: SYSTEMS.ucum, code: 'd' },
                      },
                    }
                  : {}),
            },
          ],
        }
      : {}),
  };
}

/** Injection recipe: RXC components as a contained Medication (B base, A additive). */
function injectionMedication(
  ctx: MappingContext,
  rxe: Hl7Segment,
  rxcs: Hl7Segment[],
): Medication | undefined {
  if (!rxcs.length) return undefined;
  const form = ctx.concept(rxe, 6, 1, undefined, MR9P_FORM);
  return {
    resourceType: 'Medication',
    id: 'recipe',
    ...(form ? { form } : {}),
    ingredient: rxcs.map((rxc) => {
      const amount = quantity(ctx, rxc, 3, 4);
      return {
        itemCodeableConcept: ctx.concept(rxc, 2) ?? { text: '不明' },
        isActive: text(rxc, 1) !== 'B',
        ...(amount ? { strength: { numerator: amount, denominator: { value: 1 } } } : {}),
      };
    }),
  };
}

/** Display of an injection recipe: its components' names (RXE-2 only says the injection kind). */
function recipeName(recipe: Medication): string {
  return (
    (recipe.ingredient ?? [])
      .map((i) => i.itemCodeableConcept?.text ?? '')
      .filter(Boolean)
      .join(' + ') || '注射'
  );
}

export function mapMedicationRequests(ctx: MappingContext, injection: boolean): void {
  const inRp = new Map<string, number>();
  for (const g of groupsFrom(ctx.message, 'ORC')) {
    const orc = g.head;
    const rxe = first(g, 'RXE');
    if (!rxe) continue;
    const rxcs = all(g, 'RXC');
    const tq1 = first(g, 'TQ1');
    const rxr = first(g, 'RXR');
    const rp = rpNumber(orc);
    const order = rp ? (inRp.get(rp) ?? 0) + 1 : undefined;
    if (rp && order) inRp.set(rp, order);
    const recipe = injection ? injectionMedication(ctx, rxe, rxcs) : undefined;
    const drug = ctx.concept(rxe, 2);
    if (!drug && !recipe) ctx.warn('MISSING_CODE', 'RXE-2 has no drug code', rxe, 2);
    const categories = [];
    for (let r = 1; r <= rxe.repetitionCount(21); r++) {
      const c = ctx.concept(rxe, 21, r, undefined, MR9P_CATEGORY);
      if (c) categories.push(c);
    }
    const authoredOn = toFhirDateTime(text(orc, 9));
    const dispense = quantity(ctx, rxe, 10, 11);
    const days = tq1 ? duration(tq1, 6) : undefined;
    const requester = requesterOf(orc);
    const orderNo = text(orc, 2);
    const request: MedicationRequest & { id: string } = {
      resourceType: 'MedicationRequest',
      id: ctx.idFor(rxe),
      ...ctx.meta(injection ? 'JP_MedicationRequest_Injection' : 'JP_MedicationRequest'),
      ...(recipe ? { contained: [recipe] } : {}),
      identifier: [
        ...(rp ? [{ system: SYSTEMS.rpGroup, value: rp }] : []),
        ...(order ? [{ system: SYSTEMS.orderInRp, value: String(order) }] : []),
        ...(orderNo ? [orderIdentifier(ctx, orderNo)] : []),
      ],
      status: text(orc, 1) === 'DC' ? 'stopped' : 'active',
      intent: 'order',
      ...(categories.length ? { category: categories } : {}),
      ...(recipe
        ? { medicationReference: { reference: '#recipe', display: recipeName(recipe) } }
        : { medicationCodeableConcept: drug ?? { text: '不明' } }),
      subject: ctx.patientRef,
      ...(authoredOn ? { authoredOn } : {}),
      ...(requester ? { requester } : {}),
      // Rp group: same usage for every drug of the group (JP Core identifier[rpNumber]); the order
      // number groups the whole prescription.
      ...(orderNo ? { groupIdentifier: orderIdentifier(ctx, orderNo) } : {}),
      dosageInstruction: [dosage(ctx, rxe, tq1, rxr)],
      ...(dispense || days
        ? {
            dispenseRequest: {
              ...(dispense ? { quantity: dispense } : {}),
              ...(days && !injection ? { expectedSupplyDuration: days } : {}),
            },
          }
        : {}),
    };
    const mainCode = recipe?.ingredient?.[0]?.itemCodeableConcept?.coding?.[0] ?? drug?.coding?.[0];
    ctx.add(request, injection ? 'injection' : 'prescription', {
      date: authoredOn,
      code: mainCode,
      cancelled: text(orc, 1) === 'CA',
    });
  }
}

const ADMIN_STATUS: Readonly<Record<string, MedicationAdministration['status']>> = {
  CP: 'completed',
  PA: 'in-progress',
  NA: 'not-done',
  RE: 'not-done',
};

export function mapAdministrations(ctx: MappingContext, injection: boolean): void {
  for (const g of groupsFrom(ctx.message, 'ORC')) {
    const orc = g.head;
    const rxr = first(g, 'RXR');
    const orderNo = text(orc, 2);
    for (const rxa of all(g, 'RXA')) {
      const start = toFhirDateTime(text(rxa, 3));
      const end = toFhirDateTime(text(rxa, 4));
      const drug = ctx.concept(rxa, 5);
      if (!drug) ctx.warn('MISSING_CODE', 'RXA-5 has no drug code', rxa, 5);
      const dose = quantity(ctx, rxa, 6, 7);
      const route = rxr ? ctx.concept(rxr, 1) : undefined;
      const nurse = cwe(rxa, 10);
      const nurseName = [rxa.get(10, 1, 2), rxa.get(10, 1, 3)].filter(Boolean).join(' ');
      const notes = ctx.concept(rxa, 9);
      const admin: MedicationAdministration & { id: string } = {
        resourceType: 'MedicationAdministration',
        id: ctx.idFor(rxa),
        ...ctx.meta(injection ? 'JP_MedicationAdministration_Injection' : 'JP_MedicationAdministration'),
        ...(orderNo ? { identifier: [orderIdentifier(ctx, orderNo)] } : {}),
        status: ADMIN_STATUS[text(rxa, 20) ?? 'CP'] ?? 'completed',
        medicationCodeableConcept: drug ?? { text: '不明' },
        subject: ctx.patientRef,
        ...(start && end && start !== end
          ? { effectivePeriod: { start, end } }
          : {
              effectiveDateTime:
                start ?? end ?? toFhirDateTime(text(orc, 9)) ?? toFhirDate(ctx.fileName.careDate),
            }),
        ...(nurse?.code || nurseName
          ? {
              performer: [
                {
                  actor: {
                    ...(nurseName ? { display: nurseName } : {}),
                    ...(nurse?.code ? { identifier: { value: nurse.code } } : {}),
                  },
                },
              ],
            }
          : {}),
        ...(notes?.text ? { note: [{ text: notes.text }] } : {}),
        ...(dose || route ? { dosage: { ...(route ? { route } : {}), ...(dose ? { dose } : {}) } } : {}),
      };
      ctx.add(admin, injection ? 'injection' : 'prescription', {
        date: start,
        code: drug?.coding?.[0],
        cancelled: text(orc, 1) === 'CA',
      });
    }
  }
}
