// 受診履歴 (medicalgetv2 class 01) → JP_Encounter, one per visit (date, 診療科, 連番), an outpatient
// visit that ORCA has billed. A 受付 (acceptlstv2) of the same day and 診療科 adds the time and the
// physician; a 受付 with no visit yet (not billed) is an Encounter of its own, status `arrived`.
import type { Encounter, EncounterParticipant, Reference } from '@medplum/fhirtypes';
import type { DatedAcceptance, VisitData } from '../answers/types.js';
import { clinicTable, coded, fhirText, ORCA_SYSTEMS } from './codes.js';
import type { OrcaMappingContext } from './context.js';
import { ids } from './ids.js';

const AMBULATORY = { system: ORCA_SYSTEMS.actCode, code: 'AMB', display: 'ambulatory' };

function participant(
  ctx: OrcaMappingContext,
  code: string | undefined,
  name: string | undefined,
): EncounterParticipant[] {
  if (!code && !name) return [];
  return [
    {
      type: [
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
              code: 'ATND',
              display: 'attender',
            },
          ],
        },
      ],
      individual: {
        ...(name ? { display: fhirText(name) } : {}),
        ...(code
          ? { identifier: { system: clinicTable(ctx.institutionCode, 'physician'), value: code } }
          : {}),
      },
    },
  ];
}

const when = (date: string, time: string | undefined) => (time ? `${date}T${time}+09:00` : date);

/** The visit's Encounter; returns a reference to it for the visit's other resources. */
export function mapVisitEncounter(
  ctx: OrcaMappingContext,
  v: VisitData,
  acceptance: DatedAcceptance | undefined,
): Reference<Encounter> {
  const { visit } = v;
  const prefix = ids.visit(ctx.patientId, visit.performDate, visit.departmentCode, visit.sequentialNumber);
  const department = visit.departmentName ?? v.detail.departmentName ?? acceptance?.departmentName;
  const form = v.prescription ?? v.notebook;
  const invoice = visit.invoiceNumber ?? v.detail.parts.find((p) => p.invoiceNumber)?.invoiceNumber;
  const encounter: Encounter & { id: string } = {
    resourceType: 'Encounter',
    id: ids.encounter(prefix),
    ...ctx.meta('JP_Encounter', 'medicalgetv2'),
    ...(invoice
      ? { identifier: [{ system: clinicTable(ctx.institutionCode, 'invoice'), value: invoice }] }
      : {}),
    status: 'finished',
    class: AMBULATORY,
    type: [{ text: '外来受診' }],
    serviceType: coded(
      clinicTable(ctx.institutionCode, 'department'),
      visit.departmentCode,
      department && fhirText(department),
    ),
    subject: ctx.patientRef,
    participant: participant(
      ctx,
      acceptance?.physicianCode ?? form?.doctorCode,
      acceptance?.physicianName ?? form?.doctorName,
    ),
    period: { start: when(visit.performDate, acceptance?.acceptanceTime) },
  };
  if (!encounter.participant?.length) delete encounter.participant;
  ctx.add(encounter, 'outpatient-visit', { date: visit.performDate });
  return { reference: `Encounter/${encounter.id}` };
}

/** A 受付 ORCA has not billed yet (no visit in 受診履歴): the patient arrived. */
export function mapAcceptanceEncounter(ctx: OrcaMappingContext, a: DatedAcceptance): void {
  const prefix = ids.acceptance(
    ctx.patientId,
    a.acceptanceDate,
    a.acceptanceId ?? a.acceptanceTime?.replaceAll(':', '') ?? '0',
  );
  const encounter: Encounter & { id: string } = {
    resourceType: 'Encounter',
    id: ids.encounter(prefix),
    ...ctx.meta('JP_Encounter', 'acceptlstv2'),
    ...(a.acceptanceId
      ? { identifier: [{ system: clinicTable(ctx.institutionCode, 'acceptance'), value: a.acceptanceId }] }
      : {}),
    status: 'arrived',
    class: AMBULATORY,
    type: [{ text: '外来受付' }],
    ...(a.departmentCode
      ? {
          serviceType: coded(
            clinicTable(ctx.institutionCode, 'department'),
            a.departmentCode,
            a.departmentName && fhirText(a.departmentName),
          ),
        }
      : {}),
    subject: ctx.patientRef,
    participant: participant(ctx, a.physicianCode, a.physicianName),
    period: { start: when(a.acceptanceDate, a.acceptanceTime) },
  };
  if (!encounter.participant?.length) delete encounter.participant;
  ctx.add(encounter, 'outpatient-visit', { date: a.acceptanceDate });
}

/** Pairs each visit with the 受付 of the same day and 診療科 (in order); the rest are not billed yet. */
export function pairAcceptances(
  visits: readonly VisitData[],
  acceptances: readonly DatedAcceptance[],
): { byVisit: Map<VisitData, DatedAcceptance>; unbilled: DatedAcceptance[] } {
  const left = [...acceptances].sort((a, b) =>
    `${a.acceptanceDate}${a.acceptanceTime ?? ''}`.localeCompare(
      `${b.acceptanceDate}${b.acceptanceTime ?? ''}`,
    ),
  );
  const byVisit = new Map<VisitData, DatedAcceptance>();
  const ordered = [...visits].sort((a, b) =>
    `${a.visit.performDate}${a.visit.sequentialNumber.padStart(3, '0')}`.localeCompare(
      `${b.visit.performDate}${b.visit.sequentialNumber.padStart(3, '0')}`,
    ),
  );
  for (const v of ordered) {
    const i = left.findIndex(
      (a) =>
        a.acceptanceDate === v.visit.performDate &&
        (a.departmentCode ?? v.visit.departmentCode) === v.visit.departmentCode,
    );
    if (i >= 0) byVisit.set(v, left.splice(i, 1)[0]!);
  }
  return { byVisit, unbilled: left };
}
