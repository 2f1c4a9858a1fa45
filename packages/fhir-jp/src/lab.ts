// OML-11 (OUL^R22) → Specimen + Observation + DiagnosticReport:
// { SPM OBX* { OBR ORC? NTE* [TQ1] [OBX …]* } }, ORC after OBR (SSMIX2.md §9).
import type { Hl7Segment } from '@hie/hl7v2';
import type { DiagnosticReport, Observation, Reference, Specimen } from '@medplum/fhirtypes';
import { SYSTEMS } from './codes.js';
import { type MappingContext, text } from './context.js';
import { toFhirDateTime, toFhirInstant } from './datetime.js';
import { observationFromObx } from './observation.js';
import { orderIdentifier, specimenFromSpm } from './orders.js';
import type { Category } from './types.js';

interface ResultGroup {
  spm: Hl7Segment | undefined;
  specimen: Reference<Specimen> | undefined;
  obr: Hl7Segment;
  orc: Hl7Segment | undefined;
  obxs: Hl7Segment[];
}

const REPORT_STATUS: Readonly<Record<string, DiagnosticReport['status']>> = {
  F: 'final',
  C: 'corrected',
  P: 'preliminary',
  R: 'preliminary',
  I: 'registered',
  X: 'cancelled',
};

/** JLAC10 analyte codes 6xxxx are microbiology (細菌検査); JANIS codes likewise. */
function isMicrobiology(segment: Hl7Segment, field: number): boolean {
  const code = segment.get(field, 1, 1) ?? '';
  const system = segment.get(field, 1, 3);
  return system === 'JANIS' || (system === 'JC10' && code.startsWith('6'));
}

/** Code used in the JP-CLINS identifier: the local code (CWE.4) when there is one, else CWE.1. */
function localCode(segment: Hl7Segment | undefined, field: number): string {
  if (!segment) return '';
  return segment.get(field, 1, 4) ?? segment.get(field, 1, 1) ?? '';
}

function collect(ctx: MappingContext): ResultGroup[] {
  const groups: ResultGroup[] = [];
  let spm: Hl7Segment | undefined;
  let specimen: Reference<Specimen> | undefined;
  let current: ResultGroup | undefined;
  for (const s of ctx.message.segments) {
    if (s.name === 'SPM') {
      spm = s;
      specimen = specimenFromSpm(ctx, s, 'lab-result');
      current = undefined;
    } else if (s.name === 'OBR') {
      current = { spm, specimen, obr: s, orc: undefined, obxs: [] };
      groups.push(current);
    } else if (s.name === 'ORC' && current && !current.orc) current.orc = s;
    else if (s.name === 'OBX' && current) current.obxs.push(s);
    else if (s.name === 'OBX' && spm) {
      // Specimen-level OBX (before any OBR): an observation about the specimen.
      observationFromObx(ctx, s, {
        category: 'lab-result',
        profile: 'JP_Observation_LabResult',
        observationCategory: 'laboratory',
        ...(specimen ? { specimen } : {}),
      });
    }
  }
  return groups;
}

export function mapLabResults(ctx: MappingContext): void {
  for (const g of collect(ctx)) {
    const placer = (g.orc && text(g.orc, 2)) ?? text(g.obr, 2) ?? ctx.fileName.orderNo;
    const cancelled = g.orc ? text(g.orc, 1) === 'CA' : false;
    const microbiology = isMicrobiology(g.obr, 4) || g.obxs.some((o) => isMicrobiology(o, 3));
    const category: Category = microbiology ? 'bacteriology' : 'lab-result';
    const collected =
      toFhirDateTime(text(g.obr, 7)) ?? (g.spm ? toFhirDateTime(g.spm.get(17, 1, 1)) : undefined);
    const results: Reference<Observation>[] = [];
    for (const obx of g.obxs) {
      const subId = text(obx, 4);
      const idValue = [
        placer,
        localCode(g.obr, 4),
        localCode(g.spm, 4),
        localCode(obx, 3),
        ...(subId ? [subId] : []),
      ].join('_');
      const o = observationFromObx(ctx, obx, {
        category,
        profile: microbiology ? 'JP_Observation_Microbiology' : 'JP_Observation_LabResult',
        observationCategory: 'laboratory',
        identifier: {
          system: `http://jpfhir.jp/fhir/clinicalCoreSet/IdSystem/SSMIX2-LAB/1${ctx.facilityCode}`,
          value: idValue,
        },
        ...(g.specimen ? { specimen: g.specimen } : {}),
        ...(collected ? { effective: collected } : {}),
        cancelled,
      });
      if (o?.id) results.push({ reference: `Observation/${o.id}` });
    }
    const code = ctx.concept(g.obr, 4);
    const issued = toFhirInstant(text(g.obr, 22));
    const report: DiagnosticReport & { id: string } = {
      resourceType: 'DiagnosticReport',
      id: ctx.idFor(g.obr),
      ...ctx.meta(microbiology ? 'JP_DiagnosticReport_Microbiology' : 'JP_DiagnosticReport_LabResult'),
      identifier: [orderIdentifier(ctx, placer)],
      status: REPORT_STATUS[text(g.obr, 25) ?? 'F'] ?? 'final',
      category: [
        {
          coding: [{ system: SYSTEMS.diagnosticServiceSection, code: microbiology ? 'MB' : 'LAB' }],
        },
      ],
      code: code ?? { text: '検体検査' },
      subject: ctx.patientRef,
      ...(collected ? { effectiveDateTime: collected } : {}),
      ...(issued ? { issued } : {}),
      ...(g.specimen ? { specimen: [g.specimen] } : {}),
      ...(results.length ? { result: results } : {}),
    };
    ctx.add(report, category, { date: collected, code: code?.coding?.[0], cancelled });
  }
}
