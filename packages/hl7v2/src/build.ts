import { DEFAULT_DELIMITERS, type Delimiters, escapeValue } from './escape.js';
import type { Hl7Segment } from './message.js';

/** A component: one value, or its sub-components. Strings are plain text; escaping happens on write. */
export type Hl7ComponentValue = string | readonly string[];
/** A repetition: one value, or its components. */
export type Hl7RepetitionValue = string | readonly Hl7ComponentValue[];
/** A field: one value, or its repetitions. */
export type Hl7FieldValue = string | readonly Hl7RepetitionValue[];

/**
 * A segment to write. fields[0] is field 1. For MSH, fields 1 and 2 (separator, encoding characters)
 * are written from the delimiters and whatever is given there is ignored.
 */
export interface Hl7SegmentValue {
  name: string;
  fields: readonly Hl7FieldValue[];
}

export interface EncodeOptions {
  delimiters?: Delimiters;
  /** Segment terminator; JAHIS and HL7 use CR. */
  terminator?: string;
}

function join<T>(items: readonly T[], sep: string, each: (item: T) => string): string {
  let out = '';
  for (let i = 0; i < items.length; i++) out += (i ? sep : '') + each(items[i]!);
  return out;
}

/** Encodes one field value with escaping at the leaves. */
export function encodeField(value: Hl7FieldValue, d: Delimiters = DEFAULT_DELIMITERS): string {
  const leaf = (s: string) => escapeValue(s, d);
  const component = (c: Hl7ComponentValue) =>
    typeof c === 'string' ? leaf(c) : join(c, d.subComponent, leaf);
  const repetition = (r: Hl7RepetitionValue) =>
    typeof r === 'string' ? leaf(r) : join(r, d.component, component);
  return typeof value === 'string' ? leaf(value) : join(value, d.repetition, repetition);
}

/** Writes segments as message text (each segment followed by the terminator). Parse it with parseHl7. */
export function encodeHl7Message(segments: readonly Hl7SegmentValue[], options: EncodeOptions = {}): string {
  const d = options.delimiters ?? DEFAULT_DELIMITERS;
  const terminator = options.terminator ?? '\r';
  let out = '';
  for (const seg of segments) {
    out += seg.name;
    if (seg.name === 'MSH') {
      out += d.field + d.component + d.repetition + d.escape + d.subComponent;
      for (let i = 2; i < seg.fields.length; i++) out += d.field + encodeField(seg.fields[i]!, d);
    } else {
      for (const f of seg.fields) out += d.field + encodeField(f, d);
    }
    out += terminator;
  }
  return out;
}

/**
 * The decoded structure of a written segment, in the shape encodeHl7Message takes (a leaf where a
 * level has one element): the inverse of encoding. MSH-1 and MSH-2 are given as written.
 */
export function readSegmentValue(segment: Hl7Segment, d: Delimiters): Hl7SegmentValue {
  const fields: Hl7FieldValue[] = [];
  const header = segment.name === 'MSH' && segment.fieldCount > 0;
  for (let f = 1; f <= segment.fieldCount; f++) {
    const raw = segment.raw(f);
    if (header && f <= 2) {
      fields.push(raw);
      continue;
    }
    const reps = raw === '' ? [''] : raw.split(d.repetition);
    const repetitions = reps.map((rep, r): Hl7RepetitionValue => {
      const comps = rep.split(d.component);
      const components = comps.map((comp, c): Hl7ComponentValue => {
        const subs = comp.split(d.subComponent);
        return subs.length === 1
          ? (segment.get(f, r + 1, c + 1, 1) ?? '')
          : subs.map((_, s) => segment.get(f, r + 1, c + 1, s + 1) ?? '');
      });
      return components.length === 1 && typeof components[0] === 'string' ? components[0] : components;
    });
    fields.push(
      repetitions.length === 1 && typeof repetitions[0] === 'string' ? repetitions[0] : repetitions,
    );
  }
  return { name: segment.name, fields };
}
