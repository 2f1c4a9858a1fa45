import { type Ssmix2FileName, storageKey, WHOLE_RECORD_TYPES } from '@hie/ssmix2';

/**
 * The key whose newest file decides the projection. SS-MIX2's storage key is (patient, care date,
 * data type, order no); PPR-01, ADT-00 and ADT-61 each hold a patient's whole list, so every file of
 * such a type for a patient is one record whatever its order no (SSMIX2.md §3).
 */
export function recordKey(n: Ssmix2FileName): string {
  if (WHOLE_RECORD_TYPES.has(n.dataType)) return `${n.patientId}_${n.careDate}_${n.dataType}_*`;
  return storageKey(n);
}
