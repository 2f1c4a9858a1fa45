// Deterministic logical ids (SSMIX2.md §12): Patient `<PID>.ADT-00`; everything else
// `<PID>.<care date>.<data type>.<order no>.<seq>`, seq = the source segment's index (MSH = 0).
//
// Our choices, documented for the gateway:
// - No timestamp part. The id then depends only on the storage key (patient, care date, data type,
//   order no) and the segment's place, so an update (`_1` → new `_1`) PUTs the same ids, and the
//   gateway can delete a whole key by the prefix `keyPrefix(name)` (cancel events, flag `_0`).
// - Escape rule: patient IDs and order numbers keep [A-Za-z0-9]; every other character (also `-`,
//   `.` and `_`) becomes `-` + two upper-case hex digits per UTF-8 byte (`A-1` → `A-2D1`). It is
//   injective, so distinct keys never share an id. The data type (`OMP-01`) and the care date
//   (`YYYYMMDD` or `-`) come from fixed vocabularies and are written as they are.
// - If an id would exceed 64 characters (only with heavily escaped IDs), it is cut to 55 characters
//   and `.` + 8 hex digits of an FNV-1a hash of the full id are appended — still deterministic.
import type { Ssmix2FileName } from '@hie/ssmix2';

export const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;
const MAX = 64;

/** Escapes one free-text id part (patient ID, order number). */
export function escapeIdPart(value: string): string {
  // Fast path (perf): nearly every patient ID and order number is plain alphanumeric.
  if (ALNUM_ONLY.test(value)) return value;
  let out = '';
  for (const ch of value) {
    if (ALNUM.test(ch)) out += ch;
    else for (const byte of UTF8.encode(ch)) out += `-${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
const ALNUM_ONLY = /^[A-Za-z0-9]*$/;
const ALNUM = /^[A-Za-z0-9]$/;
/** One encoder for every call (constructing one per character showed in profiles). */
const UTF8 = new TextEncoder();

function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** Fits an id to FHIR's 64 characters, deterministically (cut + FNV-1a hash of the whole). */
export function fit(id: string): string {
  return id.length <= MAX ? id : `${id.slice(0, MAX - 9)}.${fnv1a(id)}`;
}

const careDatePart = (d: string) => (/^\d{8}$/.test(d) ? d : '-');
const dataTypePart = (t: string) => (/^[A-Z]{3}(-\d{2})?$/.test(t) ? t : escapeIdPart(t));

/** The Patient id of a facility's patient: `<PID>.ADT-00`. */
export function patientResourceId(patientId: string): string {
  return fit(`${escapeIdPart(patientId)}.ADT-00`);
}

/** Every id produced from files of this storage key starts with this prefix (ends with '.'). */
export function keyPrefix(
  name: Pick<Ssmix2FileName, 'patientId' | 'careDate' | 'dataType' | 'orderNo'>,
): string {
  return `${escapeIdPart(name.patientId)}.${careDatePart(name.careDate)}.${dataTypePart(name.dataType)}.${escapeIdPart(name.orderNo)}.`;
}

/**
 * Id of a resource made from the segment at `seq` (MSH = 0). `suffix` distinguishes several resources
 * made from one segment. Hashed ids keep their first 55 characters, so they still start with the
 * key prefix whenever that prefix is ≤ 55 characters (always, unless IDs are heavily escaped).
 */
export function resourceId(name: Ssmix2FileName, seq: number, suffix?: string): string {
  return resourceIdWithPrefix(keyPrefix(name), seq, suffix);
}

/** `resourceId` for a caller that already holds `keyPrefix(name)` (one per message, not per resource). */
export function resourceIdWithPrefix(prefix: string, seq: number, suffix?: string): string {
  return fit(`${prefix}${seq}${suffix ? `.${suffix}` : ''}`);
}
