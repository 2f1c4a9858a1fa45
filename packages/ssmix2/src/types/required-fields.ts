import { REQUIRED_FIELDS } from './required-fields.generated.js';

export { REQUIRED_FIELDS };

/** Segments the SS-MIX2 field table defines (HL7_SEGMENT.json). */
export const KNOWN_SEGMENTS: ReadonlySet<string> = new Set(Object.keys(REQUIRED_FIELDS));

/** Field numbers that must not be empty in `segment` for files of `dataType` (SS-MIX2 option R). */
export function requiredFields(segment: string, dataType: string): readonly number[] {
  const bySegment = REQUIRED_FIELDS[segment];
  if (!bySegment) return [];
  return bySegment[dataType] ?? bySegment['*'] ?? [];
}
