import { isCalendarDate } from '../names/file-name.js';
import { CARE_DATE_FIELDS } from './data-types.js';

/** The part of a parsed HL7 message the storage rules read (satisfied by `Hl7Message`). */
export interface SegmentSource {
  segmentsNamed(name: string): readonly FieldSource[];
}
export interface FieldSource {
  /** 1-based position in the message and physical line, when the parser knows them. */
  readonly index?: number;
  readonly line?: number;
  get(field: number, repetition?: number, component?: number, subComponent?: number): string | undefined;
}

export interface CareDateValue {
  /** `YYYYMMDD`, or undefined when the field is empty or does not start with a date. */
  date: string | undefined;
  /** The field read, e.g. `ORC[2]-9`. */
  field: string;
  segmentIndex: number | undefined;
  line: number | undefined;
  raw: string | undefined;
}

/**
 * The care date of a message by its MSH-9 (SSMIX2.md §4): `-` for types filed under `-`, YYYYMMDD
 * from the first occurrence of the rule's field, undefined when the type is unknown or the field
 * holds no date.
 */
export function careDateOf(messageType: string, message: SegmentSource): string | undefined {
  const field = CARE_DATE_FIELDS[messageType];
  if (field === undefined) return undefined;
  if (field === '-') return '-';
  return careDateValues(field, message)[0]?.date;
}

/**
 * Every occurrence of the care-date field (one per ORC, RXA, SPM, OBR…), so a checker can see
 * messages whose later groups disagree with the folder.
 */
export function careDateValues(field: string, message: SegmentSource): CareDateValue[] {
  const m = /^([A-Z][A-Z0-9]{2})-([0-9]+)$/.exec(field);
  if (!m) return [];
  const name = m[1]!;
  const fieldNo = Number(m[2]);
  return message.segmentsNamed(name).map((segment, i) => {
    // TS / DTM: the time is component 1 (TS.1), and its first 8 characters are the day.
    const raw = segment.get(fieldNo, 1, 1, 1);
    const day = raw?.slice(0, 8);
    return {
      date: day && isCalendarDate(day) ? day : undefined,
      field: `${name}[${i + 1}]-${fieldNo}`,
      segmentIndex: segment.index,
      line: segment.line,
      raw,
    };
  });
}
