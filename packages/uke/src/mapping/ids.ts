// Deterministic ids: importing the same monthly file again PUTs the same ids, and the gateway deletes
// whatever the file's earlier import made that this one did not (every claim id starts with the file's
// key prefix). Like fhir-jp's ids they are unique within one facility's store.
//
//   Patient            uke.<カルテ番号>                       (one per clinic patient, across months)
//   claim resources    uke.<請求年月>.<審査支払機関>.<レセプト番号>.<SY|IY><n>
//
// 請求年月 + 審査支払機関 name the file: a clinic sends one file a month to 支払基金 (1) and one to
// 国保連 (2). レセプト番号 is unique in a file (checked by the parser); n counts the claim's SY (or IY)
// records from 1. Patient numbers are escaped by fhir-jp's rule ([A-Za-z0-9] kept, others `-XX`); the
// parser bounds them to 20 ASCII characters, so no id exceeds FHIR's 64 (checked here all the same).
import { escapeIdPart, ID_PATTERN } from '@hie/fhir-jp';
import type { UkeInstitution } from '../file/types.js';

function checked(id: string): string {
  if (!ID_PATTERN.test(id)) throw new Error(`id '${id}' is not a FHIR id`);
  return id;
}

/** Prefix of every claim-derived id of the file (ends with '.'). */
export function fileKeyPrefix(institution: Pick<UkeInstitution, 'billingMonth' | 'payer'>): string {
  return `uke.${institution.billingMonth.replace('-', '')}.${institution.payer}.`;
}

/** The Patient of a clinic's patient number. It never starts with a file prefix (it has one dot). */
export function ukePatientId(patientNumber: string): string {
  return checked(`uke.${escapeIdPart(patientNumber)}`);
}

/** A resource made from the n-th SY or IY record (1-based) of the claim. */
export function claimItemId(prefix: string, receiptNumber: string, kind: 'SY' | 'IY', n: number): string {
  return checked(`${prefix}${receiptNumber}.${kind}${n}`);
}
