/**
 * Segment-building helpers shared by the message builders. Segments are assembled as text with the
 * default delimiters `|^~\&`; every free-text value goes through `escapeHl7` (via `e`) so names or
 * comments containing a delimiter cannot break the structure.
 */

import { escapeHl7 } from '@hie/hl7v2';
import type { StaffMember } from '../world/facility.js';

export const e = escapeHl7;

/** A segment from field values by HL7 field number (1-based); trailing empty fields are dropped. */
export function seg(name: string, fields: Readonly<Record<number, string | undefined>>): string {
  let max = 0;
  for (const k of Object.keys(fields)) {
    const n = Number(k);
    if (fields[n] !== undefined && fields[n] !== '' && n > max) max = n;
  }
  const parts: string[] = [name];
  for (let i = 1; i <= max; i++) parts.push(fields[i] ?? '');
  return parts.join('|');
}

export type { StaffMember };

/** A person in XCN form, `id^family^given^^^^^^^L^^^^^I` (XCN.10 name type, XCN.15 representation). */

export function xcn(staff: StaffMember): string {
  return `${e(staff.id)}^${e(staff.family)}^${e(staff.given)}^^^^^^^L^^^^^I`;
}

/** CWE `code^text^system`. */
export function cwe(code: string, text: string, system: string): string {
  return `${e(code)}^${e(text)}^${e(system)}`;
}

export interface MshInput {
  readonly facilityCode: string;
  /** MSH-7, `YYYYMMDDHHMMSS.fff`. */
  readonly time: string;
  readonly type: string;
  readonly controlId: string;
}

/** MSH with the SS-MIX2 charset declarations (MSH-18 `~ISO IR87`, MSH-20, MSH-21 profile). */
export function msh(m: MshInput): string {
  return (
    `MSH|^~\\&|HIS|${m.facilityCode}|GW|RCV|${m.time}||${m.type}|${m.controlId}|P|2.5||||||~ISO IR87||` +
    'ISO 2022-1994|SS-MIX2_1.20^SS-MIX2^1.2.392.200250.2.1.100.1.2.120^ISO'
  );
}

/** Joins segments with CR, the SS-MIX2 segment terminator (also after the last segment). */
export function message(segments: readonly string[]): string {
  return `${segments.join('\r')}\r`;
}
