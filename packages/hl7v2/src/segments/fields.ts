import { SEGMENT_TABLE } from './table.js';

/** What the SS-MIX2 reference table says about one field. */
export interface FieldInfo {
  /** HL7 data type (CWE, XPN, TS …; '*' for OBX-5). */
  type: string;
  name: string;
  /** 日本語名 as the SS-MIX2 specification writes it. */
  jaName: string;
}

const parsed = new Map<string, readonly FieldInfo[]>();

/** Field definitions of a segment (index 0 = field 1), or undefined for segments the table lacks. */
export function segmentFields(segment: string): readonly FieldInfo[] | undefined {
  const cached = parsed.get(segment);
  if (cached) return cached;
  const row = SEGMENT_TABLE[segment];
  if (row === undefined) return undefined;
  const fields = row.split(';').map((entry) => {
    const space = entry.indexOf(' ');
    const bar = entry.lastIndexOf('|');
    return {
      type: entry.slice(0, space),
      name: entry.slice(space + 1, bar).trim(),
      jaName: entry.slice(bar + 1).trim(),
    };
  });
  parsed.set(segment, fields);
  return fields;
}

/** Definition of SEG-n, or undefined when unknown. */
export function fieldInfo(segment: string, field: number): FieldInfo | undefined {
  return segmentFields(segment)?.[field - 1];
}
