// One storage key → one IntakeBatch, decided as the gateway decides it (gateway/src/ingest/apply.ts and
// record-key.ts): the newest file of the key is the record; flag 0 or a cancel message removes what the
// key produced; ADT-00 carries the patient's search row.
import { escapeIdPart, keyPrefix, type MappedResource, patientResourceId } from '@hie/fhir-jp';
import { type Ssmix2FileName, storageKey, WHOLE_RECORD_TYPES } from '@hie/ssmix2';
import type { IntakeBatch } from '../batch.js';

/**
 * The key whose newest file decides (gw_resource.record_key, as a gateway writes it). PPR-01, ADT-00
 * and ADT-61 hold a patient's whole list, so every file of such a type is one record whatever its
 * order number (SSMIX2.md §3).
 */
export function recordKey(n: Ssmix2FileName): string {
  if (WHOLE_RECORD_TYPES.has(n.dataType)) return `${n.patientId}_${n.careDate}_${n.dataType}_*`;
  return storageKey(n);
}

/**
 * Every resource id the record key produces starts with this (fhir-jp ids.ts): the key prefix, or for a
 * whole-record type the same without the order number, so a newer list under another order number
 * replaces the older one as it does at a gateway.
 */
export function replacePrefix(n: Ssmix2FileName): string {
  if (!WHOLE_RECORD_TYPES.has(n.dataType)) return keyPrefix(n);
  const careDate = /^\d{8}$/.test(n.careDate) ? n.careDate : '-';
  return `${escapeIdPart(n.patientId)}.${careDate}.${n.dataType}.`;
}

export interface KeyDecision {
  name: Ssmix2FileName;
  /** The entry path of the deciding file. */
  path: string;
  /** Flag 0, or a message that cancels (mapMessage's `delete`). */
  deleting: boolean;
  entries: readonly MappedResource[];
  /** Ids the message cancels block by block (ORC-1 = CA). */
  deleteIds: readonly string[];
}

/** The batch of one key: its resources PUT, everything else it produced before deleted. */
export function keyBatch(d: KeyDecision): IntakeBatch {
  const { name } = d;
  const demographics = name.dataType === 'ADT-00';
  const entries = d.deleting ? [] : d.entries;
  // The Patient (`<PID>.ADT-00`) lies outside the key prefix: it goes by id, with its search row,
  // when its ADT-00 is deleted or no longer yields one.
  const patientGone = demographics && !entries.some((e) => e.resource.resourceType === 'Patient');
  return {
    recordKey: recordKey(name),
    origin: `ssmix2:${d.path}`,
    entries,
    replacePrefixes: [replacePrefix(name)],
    deleteIds: [...d.deleteIds, ...(patientGone ? [patientResourceId(name.patientId)] : [])],
    ...(patientGone ? { deletePatients: [name.patientId] } : {}),
  };
}
