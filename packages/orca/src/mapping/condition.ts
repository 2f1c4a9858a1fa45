// 患者病名 (diseasegetv2) → JP_Condition, one per disease. diseasegetv2 lists every disease of the
// patient (Select_Mode All): the map replaces all the patient's ORCA Conditions with these. The
// 傷病名コード and 修飾語コード are ORCA's 単独病名 (Disease_Single): 修飾語 before the 傷病名 are prefix
// modifiers (両, 右 …), after it postfix ones (の疑い …), as in the JP Core extensions.
import type { CodeableConcept, Coding, Condition, Extension } from '@medplum/fhirtypes';
import type { Disease, DiseaseAnswer } from '../answers/types.js';
import { coded, fhirText, ORCA_SYSTEMS, OUTCOMES, orcaTable } from './codes.js';
import type { OrcaMappingContext } from './context.js';
import { diseaseKey, ids } from './ids.js';

const EXT = 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/';
/** 修飾語コード 8002 の疑い. */
const SUSPECTED_MODIFIER = '8002';

const isModifier = (code: string) => code.startsWith('ZZZ');

function modifierExtension(url: string, code: string, name: string | undefined): Extension {
  return {
    url: `${EXT}${url}`,
    valueCodeableConcept: coded(ORCA_SYSTEMS.modifier, code.slice(3), name),
  };
}

function condition(
  ctx: OrcaMappingContext,
  d: Disease,
  id: string,
  index: number,
): Condition & { id: string } {
  const mainAt = d.singles.findIndex((s) => !isModifier(s.code));
  const coding: Coding[] = d.singles
    .filter((s) => !isModifier(s.code))
    .map((s) => ({
      system: ORCA_SYSTEMS.disease,
      code: s.code,
      ...(s.name ? { display: fhirText(s.name) } : {}),
    }));
  const name = d.name ?? d.singles.map((s) => s.name ?? '').join('');
  if (!coding.length)
    ctx.warn(
      'UNCODED_DISEASE',
      `disease '${name}' has no 傷病名コード`,
      'diseasegetv2',
      `Disease_Information[${index}]`,
    );
  const extension: Extension[] = [];
  d.singles.forEach((s, i) => {
    if (!isModifier(s.code)) return;
    const before = mainAt === -1 || i < mainAt;
    extension.push(
      modifierExtension(
        before ? 'JP_Condition_DiseasePrefixModifier' : 'JP_Condition_DiseasePostfixModifier',
        s.code,
        s.name,
      ),
    );
  });
  const outcome = d.outcome ? OUTCOMES[d.outcome] : undefined;
  if (d.outcome)
    extension.push({
      url: `${EXT}JP_Condition_DiseaseOutcome`,
      valueCodeableConcept: coded(orcaTable('Disease_OutCome'), d.outcome, outcome?.display),
    });
  const suspected =
    (d.suspectedFlag ?? '').includes('S') || d.singles.some((s) => s.code === `ZZZ${SUSPECTED_MODIFIER}`);
  const ended = d.endDate !== undefined || outcome !== undefined;
  const clinical = outcome?.clinical ?? (ended ? 'inactive' : 'active');
  const category: CodeableConcept[] = [
    { coding: [{ system: ORCA_SYSTEMS.conditionCategory, code: 'problem-list-item' }] },
  ];
  if (d.category === 'PD') category.push(coded(orcaTable('Disease_Category'), 'PD', '主病名'));
  if ((d.suspectedFlag ?? '').includes('A'))
    category.push(coded(orcaTable('Disease_SuspectedFlag'), 'A', '急性'));
  if (d.diseaseClass) category.push(coded(orcaTable('Disease_Class'), d.diseaseClass));
  const code: CodeableConcept = {
    ...(coding.length ? { coding } : {}),
    ...(name ? { text: fhirText(name) } : {}),
  };
  return {
    resourceType: 'Condition',
    id,
    ...ctx.meta('JP_Condition', 'diseasegetv2'),
    ...(extension.length ? { extension } : {}),
    clinicalStatus: { coding: [{ system: ORCA_SYSTEMS.conditionClinical, code: clinical }] },
    verificationStatus: {
      coding: [{ system: ORCA_SYSTEMS.conditionVerification, code: suspected ? 'provisional' : 'confirmed' }],
    },
    category,
    code,
    subject: ctx.patientRef,
    ...(d.startDate ? { onsetDateTime: d.startDate } : {}),
    ...(d.endDate && clinical !== 'active' ? { abatementDateTime: d.endDate } : {}),
    ...(d.supplement ? { note: [{ text: fhirText(d.supplement) }] } : {}),
  };
}

export function mapConditions(ctx: OrcaMappingContext, answer: DiseaseAnswer): void {
  const seen = new Map<string, number>();
  answer.diseases.forEach((d, index) => {
    // ORCA numbers no disease: the key is what identifies it on ORCA's 病名 screen.
    const base = diseaseKey([
      d.departmentCode ?? '',
      d.singles.map((s) => s.code).join(','),
      d.startDate ?? '',
      d.singles.some((s) => !isModifier(s.code) && s.code !== '0000999') ? '' : (d.name ?? ''),
    ]);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const id = ids.condition(ctx.patientId, n === 1 ? base : `${base}-${n}`);
    const c = condition(ctx, d, id, index);
    ctx.add(c, 'diagnosis', { date: d.startDate, code: c.code?.coding?.[0] });
  });
}
