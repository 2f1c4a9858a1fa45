// PPR-01 (PPR^ZD1) → JP_Condition, one per PRB. The current PPR-01 holds the whole problem list
// (SSMIX2.md §3): the gateway replaces the key's previous resources with these.
import type { Hl7Segment } from '@hie/hl7v2';
import type { CodeableConcept, Coding, Condition, Extension } from '@medplum/fhirtypes';
import { MDCDX2_EXCHANGE, MDCDX2_MODIFIER, MDCDX2_MODIFIER_EXCHANGE, SYSTEMS } from './codes.js';
import { cwe, type MappingContext, text } from './context.js';
import { toFhirDateTime } from './datetime.js';

const EXT = 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/';

/** PRB and the Z-segments that follow it (ZPR disease-code details). */
function zprAfter(ctx: MappingContext, prb: Hl7Segment): Hl7Segment | undefined {
  const segs = ctx.message.segments;
  for (let i = prb.index; i < segs.length; i++) {
    const s = segs[i]!;
    if (s.name === 'PRB') return undefined;
    if (s.name === 'ZPR') return s;
  }
  return undefined;
}

function modifiers(ctx: MappingContext, zpr: Hl7Segment, field: number, url: string): Extension[] {
  const out: Extension[] = [];
  for (let r = 1; r <= zpr.repetitionCount(field); r++) {
    const c = ctx.concept(zpr, field, r, undefined, MDCDX2_MODIFIER);
    const ex = ctx.concept(zpr, field + 3, r, undefined, MDCDX2_MODIFIER_EXCHANGE);
    const coding = [...(c?.coding ?? []), ...(ex?.coding ?? [])];
    if (coding.length)
      out.push({ url, valueCodeableConcept: { coding, ...(c?.text ? { text: c.text } : {}) } });
  }
  return out;
}

export function mapConditions(ctx: MappingContext): void {
  for (const prb of ctx.message.segmentsNamed('PRB')) {
    const action = text(prb, 1);
    const deleted = action === 'DE';
    const zpr = zprAfter(ctx, prb);
    const coding: Coding[] = [];
    const main = ctx.concept(prb, 3);
    coding.push(...(main?.coding ?? []));
    const exchange = zpr ? ctx.concept(zpr, 5, 1, undefined, MDCDX2_EXCHANGE) : undefined;
    coding.push(...(exchange?.coding ?? []));
    // PRB-10: ICD-10 in CWE.1–3; CWE.4–6 is the diagnosis class (JHSD0004), not a second code.
    const icd = cwe(prb, 10);
    if (icd?.code)
      coding.push({ system: SYSTEMS.icd10, code: icd.code, ...(icd.text ? { display: icd.text } : {}) });
    const nameText = main?.text ?? text(prb, 17);
    if (!coding.length && !nameText) {
      ctx.warn('MISSING_CODE', 'PRB-3 has no problem code: PRB skipped', prb, 3);
      continue;
    }
    const code: CodeableConcept = {
      ...(coding.length ? { coding } : {}),
      ...(nameText ? { text: nameText } : {}),
    };
    const onset = toFhirDateTime(text(prb, 16));
    const established = toFhirDateTime(text(prb, 7)) ?? toFhirDateTime(text(prb, 2));
    const resolved = toFhirDateTime(text(prb, 9));
    const outcome = cwe(prb, 14);
    const certainty = cwe(prb, 19);
    const suspected = certainty?.code === 'S' || (nameText ?? '').includes('疑');
    // Japanese 転帰: an end date (PRB-9) closes the problem; F (治癒) → resolved, others → inactive.
    const clinical = resolved ? (outcome?.code === 'F' ? 'resolved' : 'inactive') : 'active';
    const extension: Extension[] = [];
    if (outcome?.code) {
      const oc = ctx.concept(prb, 14);
      if (oc) extension.push({ url: `${EXT}JP_Condition_DiseaseOutcome`, valueCodeableConcept: oc });
    }
    if (zpr) {
      extension.push(...modifiers(ctx, zpr, 1, `${EXT}JP_Condition_DiseasePrefixModifier`));
      extension.push(...modifiers(ctx, zpr, 3, `${EXT}JP_Condition_DiseasePostfixModifier`));
    }
    const diagnosisClass = icd?.alternateCode ? ctx.concept(prb, 10) : undefined;
    // PRB-18: 主診断 / 副診断 (JHSD0007), kept as a category so a viewer can mark the main diagnosis (主病名).
    const rank = ctx.concept(prb, 18);
    const condition: Condition & { id: string } = {
      resourceType: 'Condition',
      id: ctx.idFor(prb),
      ...ctx.meta('JP_Condition'),
      ...(extension.length ? { extension } : {}),
      // entered-in-error conditions carry no clinicalStatus (invariant con-5).
      ...(deleted
        ? {}
        : { clinicalStatus: { coding: [{ system: SYSTEMS.conditionClinical, code: clinical }] } }),
      verificationStatus: {
        coding: [
          {
            system: SYSTEMS.conditionVerification,
            code: deleted ? 'entered-in-error' : suspected ? 'provisional' : 'confirmed',
          },
        ],
      },
      category: [
        { coding: [{ system: SYSTEMS.conditionCategory, code: 'problem-list-item' }] },
        ...(diagnosisClass?.coding?.[1]
          ? [
              {
                coding: [diagnosisClass.coding[1]],
                ...(icd?.alternateText ? { text: icd.alternateText } : {}),
              },
            ]
          : []),
        ...(rank?.coding?.length ? [rank] : []),
      ],
      code,
      subject: ctx.patientRef,
      ...(onset ? { onsetDateTime: onset } : {}),
      ...(resolved && !deleted ? { abatementDateTime: resolved } : {}),
      ...(established ? { recordedDate: established } : {}),
    };
    ctx.add(condition, 'diagnosis', { date: onset ?? established, code: coding[0] });
  }
}
