// OBX → Observation (lab results, physiology, ADT-00 body measurements, endoscopy details).
// OBX-2 NM → valueQuantity, with the text as sent (originalText) when the number alone would not show
// it (`10.20`, `+5`); ST/TX/FT → valueString (comparator values such as `>100` → valueQuantity
// with comparator, the text kept as originalText); CWE/CE → valueCodeableConcept; TS/DT →
// valueDateTime. OBX-7 → referenceRange, OBX-8 → interpretation, OBX-14 → effectiveDateTime.
import { ORIGINAL_TEXT_EXTENSION } from '@hie/contract';
import { clinician, type Hl7Segment } from '@hie/hl7v2';
import type {
  CodeableConcept,
  Identifier,
  Observation,
  ObservationReferenceRange,
  Quantity,
  Reference,
  ServiceRequest,
  Specimen,
} from '@medplum/fhirtypes';
import { SYSTEMS, systemUri } from './codes.js';
import { cwe, decimal, type MappingContext, text } from './context.js';
import { toFhirDateTime } from './datetime.js';
import type { Category } from './types.js';

const STATUS: Readonly<Record<string, Observation['status']>> = {
  F: 'final',
  C: 'corrected',
  P: 'preliminary',
  R: 'preliminary',
  S: 'preliminary',
  I: 'registered',
  O: 'registered',
  X: 'cancelled',
  D: 'entered-in-error',
  W: 'entered-in-error',
};

/** HL7 table 0078 flags that exist in v3 ObservationInterpretation with the same code. */
const INTERPRETATION = new Set([
  'H',
  'L',
  'HH',
  'LL',
  'N',
  'A',
  'AA',
  '<',
  '>',
  'HU',
  'LU',
  'U',
  'D',
  'B',
  'W',
  'S',
  'R',
  'I',
]);
const INTERPRETATION_TEXT: Readonly<Record<string, string>> = {
  H: '高',
  L: '低',
  HH: '異常高値',
  LL: '異常低値',
  N: '正常',
  A: '異常',
};

export interface ObxOptions {
  category: Category;
  profile: string;
  /** observation-category code: laboratory, exam, procedure … */
  observationCategory: string;
  identifier?: Identifier;
  specimen?: Reference<Specimen>;
  basedOn?: Reference<ServiceRequest>[];
  /** Used when OBX-14 is empty (OBR-7, SPM-17). */
  effective?: string;
  /** Where OBX-3 has no code system (MFER items written without one). */
  defaultCodeSystem?: string;
  /** ORC-1 = CA: the id goes to deleteIds. */
  cancelled?: boolean;
}

/** Unit of OBX-6 as a Quantity skeleton: UCUM when the sender says ISO+/UCUM, else the local unit. */
export function unitOf(ctx: MappingContext, segment: Hl7Segment, field: number): Partial<Quantity> {
  const u = cwe(segment, field);
  if (!u) return {};
  const code = u.code ?? u.text;
  if (code === undefined) return {};
  const unit = u.text ?? code;
  const system = systemUri(u.system, ctx.facilityCode);
  return system ? { unit, system, code } : { unit };
}

const COMPARATOR = /^([<>]=?|≦|≧|＜|＞|≤|≥)\s*([+-]?\d+(?:\.\d+)?)$/;
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

function referenceRange(
  range: string | undefined,
  unit: Partial<Quantity>,
): ObservationReferenceRange | undefined {
  if (range === undefined) return undefined;
  const q = (v: number): Quantity => ({ value: v, ...unit });
  const m = /^([+-]?\d+(?:\.\d+)?)\s*[-~～〜]\s*([+-]?\d+(?:\.\d+)?)$/.exec(range);
  if (m) return { low: q(Number(m[1])), high: q(Number(m[2])), text: range };
  const c = COMPARATOR.exec(range);
  if (c) {
    const op = COMPARATORS[c[1]!];
    if (op === '<' || op === '<=') return { high: q(Number(c[2])), text: range };
    return { low: q(Number(c[2])), text: range };
  }
  return { text: range };
}

function personText(segment: Hl7Segment, rep: number): string | undefined {
  const c = clinician((i, j) => (i === 0 ? segment.get(5, rep) : segment.get(5, rep, i, j)));
  if (!c) return undefined;
  const name = [c.family, c.given].filter(Boolean).join(' ');
  return name || c.id;
}

/** The value of OBX-5 as the fields of an Observation. */
function value(ctx: MappingContext, obx: Hl7Segment, valueType: string | undefined): Partial<Observation> {
  const raw = obx.get(5);
  if (raw === undefined || raw.trim() === '' || raw.trim() === '""') return {};
  const unit = unitOf(ctx, obx, 6);
  switch (valueType) {
    case 'NM': {
      const n = decimal(raw);
      if (n !== undefined) {
        // A JSON number loses the precision the laboratory reported (10.20 → 10.2): keep the text.
        const sent = raw.trim();
        const original =
          String(n) === sent ? {} : { extension: [{ url: ORIGINAL_TEXT_EXTENSION, valueString: sent }] };
        return { valueQuantity: { ...original, value: n, ...unit } };
      }
      const c = COMPARATOR.exec(raw.trim());
      if (c) return comparatorValue(raw.trim(), c, unit);
      ctx.warn('BAD_NUMBER', `OBX-5 '${raw}' is not a number (OBX-2 NM): kept as valueString`, obx, 5);
      return { valueString: raw.trim() };
    }
    case 'CWE':
    case 'CE':
    case 'CNE':
    case 'ZRD': {
      const c = ctx.concept(obx, 5);
      return c ? { valueCodeableConcept: c } : {};
    }
    case 'TS':
    case 'DT': {
      const dt = toFhirDateTime(obx.get(5, 1, 1));
      if (dt) return { valueDateTime: dt };
      ctx.warn('BAD_DATE', `OBX-5 '${raw}' is not a date/time`, obx, 5);
      return { valueString: raw };
    }
    case 'XCN': {
      const who = personText(obx, 1);
      return who ? { valueString: who } : {};
    }
    case 'ST':
    case 'TX':
    case 'FT':
    case undefined: {
      const t = raw.trim();
      const c = valueType === 'ST' ? COMPARATOR.exec(t) : null;
      if (c) return comparatorValue(t, c, unit);
      return { valueString: t };
    }
    default:
      ctx.warn('UNKNOWN_VALUE_TYPE', `OBX-2 '${valueType}' is not mapped: value kept as text`, obx, 2);
      return { valueString: raw.trim() };
  }
}

function comparatorValue(
  original: string,
  c: RegExpExecArray,
  unit: Partial<Quantity>,
): Partial<Observation> {
  const comparator = COMPARATORS[c[1]!];
  return {
    valueQuantity: {
      extension: [{ url: ORIGINAL_TEXT_EXTENSION, valueString: original }],
      value: Number(c[2]),
      ...(comparator ? { comparator } : {}),
      ...unit,
    },
  };
}

function interpretation(obx: Hl7Segment): CodeableConcept[] | undefined {
  const out: CodeableConcept[] = [];
  for (let r = 1; r <= obx.repetitionCount(8); r++) {
    const flag = obx.get(8, r, 1)?.trim();
    if (!flag) continue;
    const system = INTERPRETATION.has(flag)
      ? SYSTEMS.interpretation
      : 'http://terminology.hl7.org/CodeSystem/v2-0078';
    const display = INTERPRETATION_TEXT[flag];
    out.push({ coding: [{ system, code: flag }], ...(display ? { text: display } : {}) });
  }
  return out.length ? out : undefined;
}

/** Maps one OBX; returns the Observation (already added to the context), or undefined when it has no code. */
export function observationFromObx(
  ctx: MappingContext,
  obx: Hl7Segment,
  o: ObxOptions,
): Observation | undefined {
  const code = ctx.concept(obx, 3, 1, o.defaultCodeSystem);
  if (!code) {
    ctx.warn('MISSING_CODE', 'OBX-3 has no observation identifier: OBX skipped', obx, 3);
    return undefined;
  }
  const valueType = text(obx, 2);
  const unit = unitOf(ctx, obx, 6);
  const range = referenceRange(text(obx, 7), unit);
  const effective = toFhirDateTime(text(obx, 14)) ?? o.effective;
  const subId = text(obx, 4);
  const flags = interpretation(obx);
  const status = STATUS[text(obx, 11) ?? 'F'] ?? 'final';
  const observation: Observation & { id: string } = {
    resourceType: 'Observation',
    id: ctx.idFor(obx),
    ...ctx.meta(o.profile),
    ...(o.identifier ? { identifier: [o.identifier] } : {}),
    ...(o.basedOn?.length ? { basedOn: o.basedOn } : {}),
    status,
    category: [{ coding: [{ system: SYSTEMS.observationCategory, code: o.observationCategory }] }],
    code,
    subject: ctx.patientRef,
    ...(effective ? { effectiveDateTime: effective } : {}),
    ...value(ctx, obx, valueType),
    ...(flags ? { interpretation: flags } : {}),
    ...(subId ? { note: [{ text: `OBX-4 sub-ID: ${subId}` }] } : {}),
    ...(o.specimen ? { specimen: o.specimen } : {}),
    ...(range ? { referenceRange: [range] } : {}),
  };
  const main = code.coding?.[0];
  ctx.add(observation, o.category, { date: effective, code: main, cancelled: o.cancelled ?? false });
  return observation;
}
