// Orders → JP_ServiceRequest_Common: OML-01 (OML^O33 lab order), OMG-01/02/03 (OMG^O19 radiology,
// endoscopy, physiology), OMD (OMD^O03 diet). One ServiceRequest per OBR (per ODS for diet).
import type { Hl7Segment } from '@hie/hl7v2';
import type {
  Annotation,
  CodeableConcept,
  Identifier,
  Practitioner,
  Reference,
  ServiceRequest,
  Specimen,
} from '@medplum/fhirtypes';
import { concept, JC10_SPECIMEN } from './codes.js';
import { type MappingContext, subCwe, text } from './context.js';
import { toFhirDateTime } from './datetime.js';
import { all, first, groupsFrom, type SegmentGroup } from './groups.js';
import type { Category } from './types.js';

/** Order-number identifier system: JP-CLINS style `…/IdSystem/<system>/1<institution code>`. */
export function orderIdentifier(ctx: MappingContext, orderNo: string): Identifier {
  return {
    system: `http://jpfhir.jp/fhir/clinicalCoreSet/IdSystem/SSMIX2-ORDER/1${ctx.facilityCode}`,
    value: orderNo,
  };
}

/** ORC-12 ordering provider as a display-only reference (no Practitioner resources are made). */
export function requesterOf(orc: Hl7Segment | undefined, field = 12): Reference<Practitioner> | undefined {
  if (!orc) return undefined;
  const id = orc.get(field, 1, 1);
  const name = [orc.get(field, 1, 2), orc.get(field, 1, 3)].filter(Boolean).join(' ');
  if (!id && !name) return undefined;
  return { ...(name ? { display: name } : {}), ...(id ? { identifier: { value: id } } : {}) };
}

const PRIORITY: Readonly<Record<string, ServiceRequest['priority']>> = {
  R: 'routine',
  S: 'stat',
  A: 'asap',
  P: 'routine',
  T: 'urgent',
};

function priorityOf(tq1: Hl7Segment | undefined): ServiceRequest['priority'] | undefined {
  const p = tq1?.get(9, 1, 1);
  return p ? PRIORITY[p] : undefined;
}

/** OBX under an order: context for the performer (weight, findings) → notes "name: value unit". */
function obxNotes(obxs: Hl7Segment[]): Annotation[] {
  return obxs
    .map((obx) => {
      const name = obx.get(3, 1, 2) ?? obx.get(3, 1, 1);
      const value = obx.get(5, 1, 2) ?? obx.get(5, 1, 1);
      const unit = obx.get(6, 1, 1);
      return value ? `${name ?? ''}: ${value}${unit ? ` ${unit}` : ''}` : undefined;
    })
    .filter((t): t is string => t !== undefined)
    .map((t) => ({ text: t }));
}

interface OrderOptions {
  category: Category;
  categoryText: string;
  specimen?: Reference<Specimen>[];
  orderDetail?: CodeableConcept[];
}

function serviceRequest(
  ctx: MappingContext,
  orc: Hl7Segment | undefined,
  obr: Hl7Segment,
  tq1: Hl7Segment | undefined,
  obxs: Hl7Segment[],
  o: OrderOptions,
): void {
  const code = ctx.concept(obr, 4);
  if (!code) ctx.warn('MISSING_CODE', 'OBR-4 has no service code', obr, 4);
  const placer = (orc && text(orc, 2)) ?? text(obr, 2);
  const parent = text(obr, 29) ?? (orc ? text(orc, 8) : undefined);
  const authoredOn = orc ? toFhirDateTime(text(orc, 9)) : undefined;
  const occurrence = toFhirDateTime(text(obr, 7)) ?? (tq1 ? toFhirDateTime(text(tq1, 7)) : undefined);
  const priority = priorityOf(tq1);
  const requester = requesterOf(orc) ?? requesterOf(obr, 16);
  const notes = obxNotes(obxs);
  const reasons: CodeableConcept[] = [];
  for (let r = 1; r <= obr.repetitionCount(31); r++) {
    const c = ctx.concept(obr, 31, r);
    if (c) reasons.push(c);
  }
  const orderControl = orc ? text(orc, 1) : undefined;
  const request: ServiceRequest & { id: string } = {
    resourceType: 'ServiceRequest',
    id: ctx.idFor(obr),
    ...ctx.meta('JP_ServiceRequest_Common'),
    ...(placer ? { identifier: [orderIdentifier(ctx, placer)] } : {}),
    ...(parent && parent !== placer ? { requisition: orderIdentifier(ctx, parent) } : {}),
    status: orderControl === 'DC' ? 'revoked' : 'active',
    intent: orderControl === 'CH' ? 'instance-order' : 'order',
    category: [{ text: o.categoryText }],
    ...(priority ? { priority } : {}),
    code: code ?? { text: o.categoryText },
    ...(o.orderDetail?.length ? { orderDetail: o.orderDetail } : {}),
    subject: ctx.patientRef,
    ...(occurrence ? { occurrenceDateTime: occurrence } : {}),
    ...(authoredOn ? { authoredOn } : {}),
    ...(requester ? { requester } : {}),
    ...(reasons.length ? { reasonCode: reasons } : {}),
    ...(o.specimen?.length ? { specimen: o.specimen } : {}),
    ...(notes.length ? { note: notes } : {}),
  };
  ctx.add(request, o.category, {
    date: occurrence ?? authoredOn,
    code: code?.coding?.[0],
    cancelled: orderControl === 'CA',
  });
}

const OMG_CATEGORY: Readonly<Record<string, { category: Category; text: string }>> = {
  'OMG-01': { category: 'radiology-order', text: '放射線検査' },
  'OMG-02': { category: 'endoscopy-order', text: '内視鏡検査' },
  'OMG-03': { category: 'physiology-order', text: '生理検査' },
};

/** OMG^O19: { ORC TQ1 OBR NTE* [OBX NTE*]* }. */
export function mapExamOrders(ctx: MappingContext): void {
  const kind = OMG_CATEGORY[ctx.fileName.dataType] ?? OMG_CATEGORY['OMG-01']!;
  for (const g of groupsFrom(ctx.message, 'ORC')) {
    const obr = first(g, 'OBR');
    if (!obr) continue;
    serviceRequest(ctx, g.head, obr, first(g, 'TQ1'), all(g, 'OBX'), {
      category: kind.category,
      categoryText: kind.text,
    });
  }
}

/** Specimen resource of an SPM (lab orders and results). */
export function specimenFromSpm(
  ctx: MappingContext,
  spm: Hl7Segment,
  category: Category,
): Reference<Specimen> {
  const type = ctx.concept(spm, 4, 1, undefined, JC10_SPECIMEN);
  const collected = toFhirDateTime(spm.get(17, 1, 1));
  const received = toFhirDateTime(text(spm, 18));
  const specimenId = spm.get(2, 1, 1) ?? spm.get(2, 1, 2);
  const specimen: Specimen & { id: string } = {
    resourceType: 'Specimen',
    id: ctx.idFor(spm),
    ...ctx.meta('JP_Specimen_Common'),
    ...(specimenId ? { identifier: [{ value: specimenId }] } : {}),
    ...(type ? { type } : {}),
    subject: ctx.patientRef,
    ...(received ? { receivedTime: received } : {}),
    ...(collected ? { collection: { collectedDateTime: collected } } : {}),
  };
  ctx.add(specimen, category, { date: collected, code: type?.coding?.[0] });
  return { reference: `Specimen/${specimen.id}` };
}

/** OML^O33: { SPM OBX* { ORC [TQ1] OBR [OBX NTE*]* } } — order items are the OBX-3 codes. */
export function mapLabOrders(ctx: MappingContext): void {
  let specimen: Reference<Specimen> | undefined;
  let group: SegmentGroup | undefined;
  const flush = () => {
    if (!group) return;
    const obr = first(group, 'OBR');
    if (obr) {
      const items = all(group, 'OBX')
        .map((obx) => ctx.concept(obx, 3))
        .filter((c): c is CodeableConcept => c !== undefined);
      serviceRequest(ctx, group.head, obr, first(group, 'TQ1'), [], {
        category: 'lab-order',
        categoryText: '検体検査',
        ...(specimen ? { specimen: [specimen] } : {}),
        orderDetail: items,
      });
    }
    group = undefined;
  };
  for (const s of ctx.message.segments) {
    if (s.name === 'SPM') {
      flush();
      specimen = specimenFromSpm(ctx, s, 'lab-order');
    } else if (s.name === 'ORC') {
      flush();
      group = { head: s, body: [] };
    } else if (group) group.body.push(s);
  }
  flush();
}

/** OMD^O03: { ORC [TQ1] ODS+ } — one ServiceRequest per ODS (diet, supplement or preference). */
export function mapDietOrders(ctx: MappingContext): void {
  for (const g of groupsFrom(ctx.message, 'ORC')) {
    const orc = g.head;
    const tq1 = first(g, 'TQ1');
    for (const ods of all(g, 'ODS')) {
      const diet = ctx.concept(ods, 3);
      const instruction = text(ods, 4);
      const timingCode = tq1 ? concept(subCwe(tq1, 3, 1), ctx.facilityCode) : undefined;
      const start = tq1 ? toFhirDateTime(text(tq1, 7)) : undefined;
      const authoredOn = toFhirDateTime(text(orc, 9));
      const requester = requesterOf(orc);
      const placer = text(orc, 2);
      const code: CodeableConcept = {
        ...(diet?.coding ? { coding: diet.coding } : {}),
        text: diet?.text ?? instruction ?? '食事',
      };
      const request: ServiceRequest & { id: string } = {
        resourceType: 'ServiceRequest',
        id: ctx.idFor(ods),
        ...ctx.meta('JP_ServiceRequest_Common'),
        ...(placer ? { identifier: [orderIdentifier(ctx, placer)] } : {}),
        status: 'active',
        intent: 'order',
        category: [{ text: '食事' }],
        ...(priorityOf(tq1) ? { priority: priorityOf(tq1) } : {}),
        code,
        subject: ctx.patientRef,
        ...(timingCode || start
          ? {
              occurrenceTiming: {
                ...(start ? { repeat: { boundsPeriod: { start } } } : {}),
                ...(timingCode ? { code: timingCode } : {}),
              },
            }
          : {}),
        ...(authoredOn ? { authoredOn } : {}),
        ...(requester ? { requester } : {}),
        ...(instruction ? { patientInstruction: instruction } : {}),
      };
      ctx.add(request, 'diet', {
        date: start ?? authoredOn,
        code: diet?.coding?.[0],
        cancelled: text(orc, 1) === 'CA',
      });
    }
  }
}
