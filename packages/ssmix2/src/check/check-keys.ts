import { formatFileName, type Ssmix2FileName, timestampKey } from '../names/file-name.js';
import { groupByKey, resolveKey } from '../storage/condition.js';
import { WHOLE_RECORD_TYPES } from '../types/data-types.js';
import type { Finding } from './findings.js';

/**
 * Checks the files of one data-type folder together (a key's history lives in one folder):
 * condition-flag anomalies per key, and more than one current record where the newest file holds
 * the whole record (PPR-01, ADT-00, ADT-61). Findings name the file they concern (`folder/name`).
 */
export function checkFolderKeys(folder: string, names: readonly Ssmix2FileName[]): Finding[] {
  const findings: Finding[] = [];
  const at = (n: Ssmix2FileName) => (folder === '' ? formatFileName(n) : `${folder}/${formatFileName(n)}`);
  const currentByPatient = new Map<string, Ssmix2FileName[]>();
  for (const names_ of groupByKey(names).values()) {
    const resolved = resolveKey(names_);
    if (!resolved) continue;
    for (const a of resolved.anomalies) {
      if (a.code === 'MIXED_KEYS') continue;
      findings.push({
        severity: 'warning',
        code: a.code,
        message: a.message,
        file: at(a.names[a.names.length - 1]!),
      });
    }
    if (resolved.state === 'current' && WHOLE_RECORD_TYPES.has(resolved.newest.dataType)) {
      const list = currentByPatient.get(resolved.newest.patientId) ?? [];
      list.push(resolved.newest);
      currentByPatient.set(resolved.newest.patientId, list);
    }
  }
  for (const [patientId, current] of currentByPatient) {
    if (current.length < 2) continue;
    current.sort((a, b) => (timestampKey(a.timestamp) < timestampKey(b.timestamp) ? -1 : 1));
    for (const older of current.slice(0, -1)) {
      findings.push({
        severity: 'warning',
        code: 'MULTIPLE_CURRENT_RECORDS',
        message: `${current.length} current ${older.dataType} files for patient ${patientId}: each holds the whole record, so this older one should be flagged 2`,
        file: at(older),
      });
    }
  }
  return findings;
}
