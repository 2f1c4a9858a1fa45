// IY → JP_MedicationStatement (injections: JP_MedicationStatement_Injection), one per record.
//
// A claim line is not a prescription: it says the clinic billed this drug, in this amount, on these
// days of the month. MedicationRequest would read as an order with instructions the claim does not
// have; MedicationDispense / MedicationAdministration fit only some 診療識別. MedicationStatement — a
// record of a medication the patient took or was given, from a named source — fits every line without
// claiming more: status `completed` for drugs given at the clinic (注射, 処置, 手術 …), `unknown` for
// take-home drugs (内服, 屯服, 外用: the claim cannot say whether the patient still takes them, so the
// period has a start — the first 算定日 — and no end). Every statement says where it comes from in a
// note, and its 診療識別 is a category. Index category: `injection` for 注射 (31–33), `prescription`
// (処方) for everything else.
import type { Category } from '@hie/fhir-jp';
import type { CodeableConcept, Coding, Dosage, MedicationStatement, Period } from '@medplum/fhirtypes';
import type { UkeDrug } from '../file/types.js';
import { CARE_CATEGORIES, UKE_SYSTEMS } from './codes.js';
import { type ClaimContext, fhirText } from './context.js';
import { claimItemId } from './ids.js';

export const CLAIM_DRUG_NOTE =
  'レセプト（診療報酬明細書）の医薬品レコードから作成しました。処方・指示の記録ではありません。';

const INJECTION = new Set(['31', '32', '33']);
/** Given at the clinic (the claim's days are the days it was given). */
const ADMINISTERED = new Set(['31', '32', '33', '40', '50', '54', '60', '70']);

function drugConcept(cc: ClaimContext, iy: UkeDrug): { concept: CodeableConcept; unit?: string } {
  const entry = cc.ctx.masters.drug.get(iy.code);
  if (!entry) {
    cc.ctx.warn(
      'uke-unknown-drug',
      iy.line,
      'IY',
      4,
      iy.code,
      'not in the 医薬品マスター: mapped with its code; name and unit unknown (update the master and import again)',
      '医薬品マスターにありません（コードのみで取り込み、使用量の単位は不明とします。マスターを更新して再取込してください）',
    );
    return {
      concept: {
        coding: [{ system: UKE_SYSTEMS.drug, code: iy.code }],
        text: `医薬品コード${iy.code}（マスター未収載）`,
      },
    };
  }
  const name = fhirText(entry.name);
  const coding: Coding[] = [{ system: UKE_SYSTEMS.drug, code: iy.code, display: name }];
  if (entry.priceListCode) coding.push({ system: UKE_SYSTEMS.priceList, code: entry.priceListCode });
  const unit = entry.unit ? fhirText(entry.unit) : undefined;
  return { concept: { coding, text: name }, ...(unit ? { unit } : {}) };
}

const dayText = (iy: UkeDrug) =>
  iy.days.length
    ? `（算定日: ${iy.days.map((d) => `${d.day}日${d.count > 1 ? `×${d.count}` : ''}`).join('、')}）`
    : '';

/** The line as a reader of the paper claim reads it, in the 診療識別's own terms. */
function dosageText(iy: UkeDrug, unit: string | undefined): string {
  const label = CARE_CATEGORIES[iy.category] ?? (iy.category ? `診療識別${iy.category}` : '診療識別なし');
  if (iy.amount === undefined) return `${label} 使用量の記録なし ×${iy.count}回${dayText(iy)}`;
  const amount = `${iy.amount}${unit ?? '（単位不明）'}`;
  const body =
    iy.category === '21'
      ? `1日量 ${amount} ×${iy.count}日分`
      : iy.category === '22'
        ? `1回量 ${amount} ×${iy.count}回分`
        : iy.category === '23'
          ? `1調剤 ${amount} ×${iy.count}回`
          : INJECTION.has(iy.category)
            ? `1回 ${amount} ×${iy.count}回`
            : `使用量 ${amount} ×${iy.count}回`;
  return `${label} ${body}${dayText(iy)}`;
}

/** Structured dose only where the 使用量's meaning is certain and its unit known. */
function dosage(iy: UkeDrug, unit: string | undefined): Dosage {
  const text = dosageText(iy, unit);
  if (iy.amount === undefined || unit === undefined) return { text };
  if (iy.category === '21') {
    return {
      text,
      doseAndRate: [
        {
          rateRatio: {
            numerator: { value: iy.amount, unit },
            denominator: { value: 1, unit: '日', system: UKE_SYSTEMS.ucum, code: 'd' },
          },
        },
      ],
    };
  }
  if (iy.category === '22' || INJECTION.has(iy.category))
    return { text, doseAndRate: [{ doseQuantity: { value: iy.amount, unit } }] };
  return { text };
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

function period(iy: UkeDrug, careMonth: string, administered: boolean): Period {
  const first = iy.days[0];
  const last = iy.days[iy.days.length - 1];
  const start = first ? `${careMonth}-${pad2(first.day)}` : careMonth;
  const end = last ? `${careMonth}-${pad2(last.day)}` : careMonth;
  return administered ? { start, end } : { start };
}

export function mapMedicationStatements(cc: ClaimContext): void {
  const { ctx, claim } = cc;
  claim.drugs.forEach((iy, i) => {
    const { concept, unit } = drugConcept(cc, iy);
    const injection = INJECTION.has(iy.category);
    const administered = ADMINISTERED.has(iy.category);
    const effectivePeriod = period(iy, claim.careMonth, administered);
    const careCategory = CARE_CATEGORIES[iy.category];
    const notes = [
      { text: CLAIM_DRUG_NOTE },
      ...iy.comments
        .filter((c) => c.text)
        .map((c) => ({ text: fhirText(`${c.code ? `[${c.code}] ` : ''}${c.text}`) })),
    ];
    const statement: MedicationStatement & { id: string } = {
      resourceType: 'MedicationStatement',
      id: claimItemId(ctx.keyPrefix, claim.receiptNumber, 'IY', i + 1),
      ...ctx.meta(injection ? 'JP_MedicationStatement_Injection' : 'JP_MedicationStatement'),
      ...(injection
        ? { contained: [{ resourceType: 'Medication' as const, id: 'med', code: concept }] }
        : {}),
      status: administered ? 'completed' : 'unknown',
      category: {
        coding: [
          {
            system: UKE_SYSTEMS.medicationStatementCategory,
            code: claim.inpatient ? 'inpatient' : 'outpatient',
          },
          ...(iy.category
            ? [
                {
                  system: UKE_SYSTEMS.careCategory,
                  code: iy.category,
                  ...(careCategory ? { display: careCategory } : {}),
                },
              ]
            : []),
        ],
        ...(careCategory ? { text: careCategory } : {}),
      },
      ...(injection
        ? { medicationReference: { reference: '#med' } }
        : { medicationCodeableConcept: concept }),
      subject: cc.patientRef,
      effectivePeriod,
      dateAsserted: ctx.file.institution.billingMonth,
      informationSource: { display: fhirText(ctx.file.institution.name) },
      note: notes,
      dosage: [dosage(iy, unit)],
    };
    const category: Category = injection ? 'injection' : 'prescription';
    ctx.add(statement, cc.patientNumber, category, {
      date: effectivePeriod.start,
      code: iy.code,
      codeSystem: UKE_SYSTEMS.drug,
    });
  });
}
