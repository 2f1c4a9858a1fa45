// OMG-11/12 (OMI^Z23, radiology / endoscopy performed) → ImagingStudy (IPC: study instance UID,
// accession) + DiagnosticReport per OBR + Observation per OBX; OMG-13 (ORU^R01 physiology result)
// → DiagnosticReport + Observations. Only a result (ORU) has a conclusion: the OBX of a performed
// study are the order's clinical information (体重, 臨床病名, 検査理由) and what was done (実施医師,
// times, drugs) — never the finding, which comes as a 読影レポート document.
import type { Hl7Segment } from '@hie/hl7v2';
import type { DiagnosticReport, ImagingStudy, Observation, Reference } from '@medplum/fhirtypes';
import { SYSTEMS } from './codes.js';
import { type MappingContext, text } from './context.js';
import { toFhirDateTime, toFhirInstant } from './datetime.js';
import { observationFromObx } from './observation.js';
import { orderIdentifier } from './orders.js';
import type { Category } from './types.js';

interface ExamGroup {
  orc: Hl7Segment | undefined;
  obr: Hl7Segment;
  obxs: Hl7Segment[];
  ipcs: Hl7Segment[];
}

/** Groups at each OBR; the ORC before it belongs to it (ORU^R01 may have none). */
function examGroups(ctx: MappingContext): ExamGroup[] {
  const out: ExamGroup[] = [];
  let orc: Hl7Segment | undefined;
  let current: ExamGroup | undefined;
  for (const s of ctx.message.segments) {
    if (s.name === 'ORC') {
      orc = s;
      current = undefined;
    } else if (s.name === 'OBR') {
      current = { orc, obr: s, obxs: [], ipcs: [] };
      out.push(current);
      orc = undefined;
    } else if (current && s.name === 'OBX') current.obxs.push(s);
    else if (current && s.name === 'IPC') current.ipcs.push(s);
  }
  return out;
}

function imagingStudy(
  ctx: MappingContext,
  g: ExamGroup,
  ipc: Hl7Segment,
  category: Category,
): Reference<ImagingStudy> | undefined {
  const uid = ipc.get(3, 1, 1);
  if (!uid) {
    ctx.warn('MISSING_FIELD', 'IPC-3 has no study instance UID', ipc, 3);
    return undefined;
  }
  const accession = ipc.get(1, 1, 1);
  const modality = ipc.get(5, 1, 1);
  const started = toFhirDateTime(text(g.obr, 7));
  const procedure = ctx.concept(g.obr, 4);
  const placer = g.orc ? text(g.orc, 2) : text(g.obr, 2);
  const study: ImagingStudy & { id: string } = {
    resourceType: 'ImagingStudy',
    id: ctx.idFor(ipc),
    ...ctx.meta(category === 'endoscopy' ? 'JP_ImagingStudy_Endoscopy' : 'JP_ImagingStudy_Radiology'),
    identifier: [
      { system: 'urn:dicom:uid', value: `urn:oid:${uid}` },
      ...(accession
        ? [
            {
              type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'ACSN' }] },
              value: accession,
            },
          ]
        : []),
    ],
    status: 'available',
    ...(modality ? { modality: [{ system: SYSTEMS.dicomModality, code: modality }] } : {}),
    subject: ctx.patientRef,
    ...(started ? { started } : {}),
    ...(placer ? { basedOn: [{ identifier: orderIdentifier(ctx, placer) }] } : {}),
    ...(procedure ? { procedureCode: [procedure] } : {}),
    ...(procedure?.text ? { description: procedure.text } : {}),
  };
  ctx.add(study, category, { date: started, code: { code: uid, system: 'urn:dicom:uid' } });
  return { reference: `ImagingStudy/${study.id}` };
}

const SECTION: Readonly<Record<string, string>> = { radiology: 'RAD', endoscopy: 'OTH', physiology: 'PHY' };

function report(
  ctx: MappingContext,
  g: ExamGroup,
  category: Category,
  studies: Reference<ImagingStudy>[],
  profile: string,
  isResult: boolean,
): void {
  const cancelled = g.orc ? text(g.orc, 1) === 'CA' : false;
  const effective = toFhirDateTime(text(g.obr, 7)) ?? toFhirDateTime(text(g.obr, 22));
  const results: Reference<Observation>[] = [];
  for (const obx of g.obxs) {
    const o = observationFromObx(ctx, obx, {
      category,
      profile: 'JP_Observation_Common',
      observationCategory: category === 'physiology' ? 'procedure' : 'imaging',
      ...(effective ? { effective } : {}),
      cancelled,
    });
    if (o?.id) results.push({ reference: `Observation/${o.id}` });
  }
  const code = ctx.concept(g.obr, 4);
  const issued = toFhirInstant(text(g.obr, 22));
  const placer = (g.orc ? text(g.orc, 2) : undefined) ?? text(g.obr, 2);
  const conclusion = (isResult ? g.obxs : [])
    .filter((o) => text(o, 2) === 'TX' || text(o, 2) === 'FT')
    .map((o) => o.get(5))
    .filter((t): t is string => !!t)
    .join('\n');
  const dr: DiagnosticReport & { id: string } = {
    resourceType: 'DiagnosticReport',
    id: ctx.idFor(g.obr),
    ...ctx.meta(profile),
    ...(placer ? { identifier: [orderIdentifier(ctx, placer)] } : {}),
    status: text(g.obr, 25) === 'P' ? 'preliminary' : 'final',
    category: [{ coding: [{ system: SYSTEMS.diagnosticServiceSection, code: SECTION[category] ?? 'OTH' }] }],
    code: code ?? { text: '検査' },
    subject: ctx.patientRef,
    ...(effective ? { effectiveDateTime: effective } : {}),
    ...(issued ? { issued } : {}),
    ...(results.length ? { result: results } : {}),
    ...(studies.length ? { imagingStudy: studies } : {}),
    ...(conclusion ? { conclusion } : {}),
  };
  ctx.add(dr, category, { date: effective, code: code?.coding?.[0], cancelled });
}

/** OMI^Z23. IPC segments repeat the same study in each group: one ImagingStudy per UID. */
export function mapImaging(ctx: MappingContext): void {
  const category: Category = ctx.fileName.dataType === 'OMG-12' ? 'endoscopy' : 'radiology';
  const studies = new Map<string, Reference<ImagingStudy>>();
  for (const g of examGroups(ctx)) {
    const refs: Reference<ImagingStudy>[] = [];
    for (const ipc of g.ipcs) {
      const uid = ipc.get(3, 1, 1);
      if (uid === undefined) continue;
      let ref = studies.get(uid);
      if (!ref) {
        ref = imagingStudy(ctx, g, ipc, category);
        if (ref) studies.set(uid, ref);
      }
      if (ref && !refs.some((r) => r.reference === ref?.reference)) refs.push(ref);
    }
    report(
      ctx,
      g,
      category,
      refs,
      category === 'endoscopy' ? 'JP_DiagnosticReport_Endoscopy' : 'JP_DiagnosticReport_Radiology',
      false,
    );
  }
}

/** ORU^R01 (OMG-13): physiology results such as ECG measurements. */
export function mapPhysiology(ctx: MappingContext): void {
  for (const g of examGroups(ctx)) report(ctx, g, 'physiology', [], 'JP_DiagnosticReport_Common', true);
}
