// SY → JP_Condition, one per record. The display name is the spec's: 接頭語 modifiers (in recorded
// order), the disease name, then 接尾語 modifiers — 「右」「変形性膝関節症」, 「肺炎」「の疑い」. 8002
// (の疑い) makes the diagnosis provisional; 転帰区分 gives the clinical status and, when the disease
// ended, the abatement (the 診療年月: the claim says no more precisely when).
//
// A code the operator's master does not know is still mapped with its code, its name shown as unknown,
// and a warning: the name never pretends to be complete (an unknown modifier stays visible in the text,
// so 「肺癌」 cannot silently lose an 「の疑い」 the master would have added).
import type { CodeableConcept, Coding, Condition, Extension } from '@medplum/fhirtypes';
import { UNCODED_DISEASE } from '../file/records.js';
import type { UkeDiagnosis } from '../file/types.js';
import { modifierPosition } from '../masters/load.js';
import { MAIN_DISEASE, OUTCOMES, SUSPECTED, UKE_SYSTEMS } from './codes.js';
import { type ClaimContext, fhirText } from './context.js';
import { claimItemId } from './ids.js';

const EXT = 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/';

/** レセプト病名 are billing diagnoses: said on every Condition so no reader takes them for more. */
export const CLAIM_DIAGNOSIS_NOTE = 'レセプト（診療報酬明細書）の傷病名です（診療報酬請求上の病名）。';

const CLINICAL: Readonly<Record<string, string>> = {
  '1': 'active',
  '2': 'resolved',
  '3': 'inactive',
  '4': 'inactive',
};

interface ModifierPart {
  code: string;
  text: string;
  position: 'prefix' | 'suffix';
  coding: Coding[];
}

function modifierParts(cc: ClaimContext, sy: UkeDiagnosis): ModifierPart[] {
  return sy.modifiers.map((code) => {
    const entry = cc.ctx.masters.modifier.get(code);
    if (!entry) {
      cc.ctx.warn(
        'uke-unknown-modifier',
        sy.line,
        'SY',
        5,
        code,
        'not in the 修飾語マスター: the name shows the code instead of the word',
        '修飾語マスターにありません（傷病名にはコードを表示します）',
      );
    }
    const coding: Coding[] = [
      { system: UKE_SYSTEMS.modifier, code, ...(entry ? { display: fhirText(entry.name) } : {}) },
    ];
    if (entry?.exchangeCode) coding.push({ system: UKE_SYSTEMS.modifierExchange, code: entry.exchangeCode });
    return {
      code,
      text: entry ? fhirText(entry.name) : `〔修飾語${code}〕`,
      position: entry?.position ?? modifierPosition(code),
      coding,
    };
  });
}

function diseaseCode(cc: ClaimContext, sy: UkeDiagnosis): { name: string; coding: Coding[] } {
  if (sy.code === UNCODED_DISEASE) {
    // 未コード化傷病名: the name as sent; no coding (0000999 would merge every uncoded disease).
    return { name: fhirText(sy.name ?? ''), coding: [] };
  }
  const entry = cc.ctx.masters.disease.get(sy.code);
  if (!entry) {
    cc.ctx.warn(
      'uke-unknown-disease',
      sy.line,
      'SY',
      2,
      sy.code,
      'not in the 傷病名マスター: mapped with its code, the name marked unknown (update the master and import again)',
      '傷病名マスターにありません（コードのみで取り込みます。マスターを更新して再取込してください）',
    );
    return {
      name: `傷病名コード${sy.code}（マスター未収載）`,
      coding: [{ system: UKE_SYSTEMS.disease, code: sy.code }],
    };
  }
  const name = fhirText(entry.name);
  const coding: Coding[] = [{ system: UKE_SYSTEMS.disease, code: sy.code, display: name }];
  if (entry.icd10) coding.push({ system: UKE_SYSTEMS.icd10, code: entry.icd10 });
  if (entry.icd10Second) coding.push({ system: UKE_SYSTEMS.icd10, code: entry.icd10Second });
  if (entry.exchangeCode) coding.push({ system: UKE_SYSTEMS.diseaseExchange, code: entry.exchangeCode });
  if (entry.managementNumber) coding.push({ system: UKE_SYSTEMS.diseaseKey, code: entry.managementNumber });
  return { name, coding };
}

export function mapConditions(cc: ClaimContext): void {
  const { ctx, claim } = cc;
  claim.diagnoses.forEach((sy, i) => {
    const disease = diseaseCode(cc, sy);
    const parts = modifierParts(cc, sy);
    const prefixes = parts.filter((p) => p.position === 'prefix');
    const suffixes = parts.filter((p) => p.position === 'suffix');
    const text = [...prefixes.map((p) => p.text), disease.name, ...suffixes.map((p) => p.text)].join('');
    const suspected = sy.modifiers.includes(SUSPECTED);
    const ended = sy.outcome !== '1';
    const code: CodeableConcept = { ...(disease.coding.length ? { coding: disease.coding } : {}), text };
    const extension: Extension[] = [
      {
        url: `${EXT}JP_Condition_DiseaseOutcome`,
        valueCodeableConcept: {
          coding: [{ system: UKE_SYSTEMS.outcome, code: sy.outcome, display: OUTCOMES[sy.outcome] }],
        },
      },
      ...prefixes.map((p) => modifierExtension('JP_Condition_DiseasePrefixModifier', p)),
      ...suffixes.map((p) => modifierExtension('JP_Condition_DiseasePostfixModifier', p)),
    ];
    const notes = [{ text: CLAIM_DIAGNOSIS_NOTE }, ...(sy.note ? [{ text: fhirText(sy.note) }] : [])];
    const condition: Condition & { id: string } = {
      resourceType: 'Condition',
      id: claimItemId(ctx.keyPrefix, claim.receiptNumber, 'SY', i + 1),
      ...ctx.meta('JP_Condition'),
      extension,
      clinicalStatus: { coding: [{ system: UKE_SYSTEMS.conditionClinical, code: CLINICAL[sy.outcome]! }] },
      verificationStatus: {
        coding: [
          { system: UKE_SYSTEMS.conditionVerification, code: suspected ? 'provisional' : 'confirmed' },
        ],
      },
      category: [
        { coding: [{ system: UKE_SYSTEMS.conditionCategory, code: 'encounter-diagnosis' }] },
        ...(sy.main
          ? [
              {
                coding: [{ system: UKE_SYSTEMS.mainDisease, code: MAIN_DISEASE, display: '主傷病' }],
                text: '主傷病',
              },
            ]
          : []),
      ],
      code,
      subject: cc.patientRef,
      onsetDateTime: sy.startDate,
      ...(ended ? { abatementDateTime: claim.careMonth } : {}),
      note: notes,
    };
    const coded = sy.code !== UNCODED_DISEASE;
    ctx.add(condition, cc.patientNumber, 'diagnosis', {
      date: sy.startDate,
      ...(coded ? { code: sy.code, codeSystem: UKE_SYSTEMS.disease } : {}),
    });
  });
}

function modifierExtension(name: string, p: ModifierPart): Extension {
  return { url: `${EXT}${name}`, valueCodeableConcept: { coding: p.coding, text: p.text } };
}
