// The value, reference range and flag of a CSV item as Observation fields, read as fhir-jp reads the
// same OBX fields (observation.ts), so results look alike whichever way the lab centre sent them.
import { ORIGINAL_TEXT_EXTENSION } from '@hie/contract';
import { SYSTEMS } from '@hie/fhir-jp';
import type { CodeableConcept, Observation, ObservationReferenceRange, Quantity } from '@medplum/fhirtypes';

// FHIR strings match `[ \r\n\t\S]+`: other white space (U+3000 全角スペース…) becomes an ASCII space.
const OTHER_SPACE = /[^\S \r\n\t]/g;
export const fhirString = (value: string): string => value.replace(OTHER_SPACE, ' ');

const DECIMAL = /^[+-]?(\d+(\.\d+)?|\.\d+)$/;
const COMPARED = /^([<>]=?|≦|≧|＜|＞|≤|≥)\s*([+-]?\d+(?:\.\d+)?)$/;
const COMPARATORS: Readonly<Record<string, Quantity['comparator']>> = {
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  '≦': '<=',
  '≤': '<=',
  '≧': '>=',
  '≥': '>=',
  '＜': '<',
  '＞': '>',
};

/**
 * The value: a number (`1.50`, `<0.03`) → valueQuantity with the unit as sent, and always the text
 * as sent in the originalText extension — a JSON number cannot keep `1.50`, and the lab view
 * (contract `resultValue`) shows the extension when there is one. Anything else → valueString.
 */
export function csvValue(value: string, unit: string): Pick<Observation, 'valueQuantity' | 'valueString'> {
  const sent = { extension: [{ url: ORIGINAL_TEXT_EXTENSION, valueString: value }] };
  const unitPart = unit !== '' ? { unit: fhirString(unit) } : {};
  if (DECIMAL.test(value)) return { valueQuantity: { ...sent, value: Number(value), ...unitPart } };
  const compared = COMPARED.exec(value);
  const comparator = compared ? COMPARATORS[compared[1]!] : undefined;
  if (compared && comparator) {
    return { valueQuantity: { ...sent, value: Number(compared[2]), comparator, ...unitPart } };
  }
  return { valueString: fhirString(value) };
}

/** `3.7-5.5` / `3.7～5.5` → low and high, `<=5` → high, `>=40` → low; the text always kept. */
export function referenceRangeOf(
  range: string | undefined,
  unit: string,
): ObservationReferenceRange | undefined {
  if (range === undefined) return undefined;
  const text = fhirString(range);
  const quantity = (v: string): Quantity => ({
    value: Number(v),
    ...(unit !== '' ? { unit: fhirString(unit) } : {}),
  });
  const between = /^([+-]?\d+(?:\.\d+)?)\s*[-~～〜]\s*([+-]?\d+(?:\.\d+)?)$/.exec(range);
  if (between) return { low: quantity(between[1]!), high: quantity(between[2]!), text };
  const compared = COMPARED.exec(range);
  const comparator = compared ? COMPARATORS[compared[1]!] : undefined;
  if (compared && (comparator === '<' || comparator === '<=')) return { high: quantity(compared[2]!), text };
  if (compared && comparator) return { low: quantity(compared[2]!), text };
  return { text };
}

const FLAG_TEXT: Readonly<Record<string, string>> = {
  H: '高',
  L: '低',
  HH: '異常高値',
  LL: '異常低値',
  N: '正常',
  A: '異常',
  AA: '異常',
};

/** The abnormal flag (HL7 table 0078 codes, which v3 ObservationInterpretation shares). */
export function interpretationOf(flag: string | undefined): CodeableConcept | undefined {
  if (flag === undefined) return undefined;
  const text = FLAG_TEXT[flag];
  return { coding: [{ system: SYSTEMS.interpretation, code: flag }], ...(text ? { text } : {}) };
}
