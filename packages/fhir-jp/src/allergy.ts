// ADT-61 (ADT^A60 IAM) and the AL1 segments of ADT-00 → JP_AllergyIntolerance.
import type { Hl7Segment } from '@hie/hl7v2';
import type { AllergyIntolerance, AllergyIntoleranceReaction } from '@medplum/fhirtypes';
import { SYSTEMS } from './codes.js';
import { cwe, type MappingContext, text } from './context.js';
import { toFhirDateTime } from './datetime.js';

type AllergyCategory = NonNullable<AllergyIntolerance['category']>[number];
/** HL7 table 0127 allergen type → FHIR category. */
const CATEGORY: Readonly<Record<string, AllergyCategory>> = {
  DA: 'medication',
  FA: 'food',
  EA: 'environment',
  LA: 'environment',
  AA: 'environment',
  PA: 'environment',
  MA: 'environment',
  MC: 'environment',
};
/** HL7 table 0128 severity → FHIR reaction severity. */
const SEVERITY: Readonly<Record<string, AllergyIntoleranceReaction['severity']>> = {
  SV: 'severe',
  MO: 'moderate',
  MI: 'mild',
};
const CRITICALITY: Readonly<Record<string, AllergyIntolerance['criticality']>> = {
  SV: 'high',
  MO: 'low',
  MI: 'low',
};

/** IAM and AL1 share fields 1–5 (set ID, type, allergen, severity, reaction). */
function allergy(
  ctx: MappingContext,
  seg: Hl7Segment,
  deleted: boolean,
): AllergyIntolerance & { id: string } {
  const type = text(seg, 2);
  const category = type ? CATEGORY[type] : undefined;
  const severity = text(seg, 4);
  const reactions: string[] = [];
  for (let r = 1; r <= seg.repetitionCount(5); r++) {
    const t = seg.get(5, r, 1)?.trim();
    if (t) reactions.push(t);
  }
  const code = ctx.concept(seg, 3);
  if (!code) ctx.warn('MISSING_CODE', `${seg.name}-3 has no allergen`, seg, 3);
  const sev = severity ? SEVERITY[severity] : undefined;
  const crit = severity ? CRITICALITY[severity] : undefined;
  const typeConcept = ctx.concept(seg, 2);
  return {
    resourceType: 'AllergyIntolerance',
    id: ctx.idFor(seg),
    ...ctx.meta('JP_AllergyIntolerance'),
    clinicalStatus: {
      coding: [{ system: SYSTEMS.allergyClinical, code: deleted ? 'inactive' : 'active' }],
    },
    verificationStatus: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
          code: deleted ? 'entered-in-error' : 'confirmed',
        },
      ],
    },
    type: 'allergy',
    ...(category ? { category: [category] } : {}),
    ...(crit ? { criticality: crit } : {}),
    code: code ?? { text: typeConcept?.text ?? '不明' },
    patient: ctx.patientRef,
    ...(reactions.length || sev
      ? {
          reaction: [
            {
              manifestation: reactions.length ? reactions.map((t) => ({ text: t })) : [{ text: '記載なし' }],
              ...(sev ? { severity: sev } : {}),
            },
          ],
        }
      : {}),
  };
}

export function allergyFromAl1(ctx: MappingContext, al1: Hl7Segment): void {
  const a = allergy(ctx, al1, false);
  const identified = toFhirDateTime(text(al1, 6));
  if (identified) a.onsetDateTime = identified;
  ctx.add(a, 'allergy', { date: identified, code: a.code?.coding?.[0] });
}

/** ADT-61: one AllergyIntolerance per IAM. IAM-6 'D' (delete) → entered-in-error. */
export function mapAllergies(ctx: MappingContext): void {
  for (const iam of ctx.message.segmentsNamed('IAM')) {
    const action = cwe(iam, 6)?.code;
    const a = allergy(ctx, iam, action === 'D');
    const onset = toFhirDateTime(text(iam, 11));
    const onsetText = text(iam, 12);
    if (text(iam, 11) && !onset) ctx.warn('BAD_DATE', `IAM-11 '${text(iam, 11)}' is not a date`, iam, 11);
    if (onset) a.onsetDateTime = onset;
    else if (onsetText) a.onsetString = onsetText;
    const reported = toFhirDateTime(text(iam, 13));
    if (reported) a.recordedDate = reported;
    ctx.add(a, 'allergy', { date: onset ?? reported, code: a.code?.coding?.[0] });
  }
}
