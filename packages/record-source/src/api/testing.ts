// Test support: fills a store's projection straight from SS-MIX2 files (mapMessage → gw_resource /
// gw_patient rows), without the ingest pipeline, so the API's tests stand on their own.

import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { withCategoryTag } from '@hie/contract';
import { mapMessage } from '@hie/fhir-jp';
import { parseHl7 } from '@hie/hl7v2';
import type { Store } from '@hie/platform';
import { parseFileName } from '@hie/ssmix2';
import type { GatewayFacility } from '../facility.js';
import type { GwResourceTable, Schema } from '../store/schema.js';

export const TEST_FACILITY: GatewayFacility = {
  institutionCode: '3319800011',
  oid: '1.2.392.200284.33.3319800011',
  name: '岡山テスト病院',
};

/** Rows of every current (`_1`) file under a standardized storage root; later files win per id. */
export function projectionRows(root: string, facility: GatewayFacility = TEST_FACILITY): GwResourceTable[] {
  const byKey = new Map<string, GwResourceTable>();
  for (const path of storageFiles(root)) {
    const name = parseFileName(basename(path));
    if (!name.ok || name.value.flag !== '1') continue;
    const parsed = parseHl7(new Uint8Array(readFileSync(path)));
    if (!parsed.ok) continue;
    const mapped = mapMessage(parsed.message, { fileName: name.value, facility });
    if (mapped.delete) continue;
    for (const { resource, index } of mapped.entries) {
      byKey.set(`${index.resourceType}/${index.id}`, {
        resource_type: index.resourceType,
        id: index.id,
        patient_id: index.patientId,
        category: index.category,
        date: index.date ?? null,
        code: index.code ?? null,
        record_key: mapped.keyPrefix,
        file_path: path,
        version_id: 1,
        last_updated: '2026-11-01T00:00:00.000Z',
        json: JSON.stringify(withCategoryTag(resource, index.category)),
      });
    }
  }
  return [...byKey.values()];
}

export async function insertProjection(
  store: Store<Schema>,
  rows: readonly GwResourceTable[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await store.db
      .insertInto('gw_resource')
      .values(rows.slice(i, i + 500))
      .execute();
  }
  const patients = [...new Set(rows.map((r) => r.patient_id))];
  for (let i = 0; i < patients.length; i += 500) {
    await store.db
      .insertInto('gw_patient')
      .values(
        patients.slice(i, i + 500).map((patient_id) => ({ patient_id, updated_at: '2026-11-01T00:00:00Z' })),
      )
      .execute();
  }
}

function storageFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) out.push(path);
    }
  };
  walk(root);
  return out.sort();
}

/** A bare Patient row of the projection: a patient the gateway knows (DICOM files are matched to it). */
export const patientRowOf = (patientId: string): GwResourceTable => ({
  resource_type: 'Patient',
  id: `${patientId}.ADT-00`,
  patient_id: patientId,
  category: 'demographics',
  date: null,
  code: null,
  record_key: `${patientId}.-.ADT-00.`,
  file_path: '',
  version_id: 1,
  last_updated: '2026-10-01T00:00:00Z',
  json: JSON.stringify({ resourceType: 'Patient', id: `${patientId}.ADT-00` }),
});
