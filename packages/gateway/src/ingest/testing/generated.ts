import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateStorage } from '@hie/ssmix2';
import { FACILITY } from './fixtures.js';

/** A freshly generated storage in a temporary folder the test may change; `remove` deletes it. */
export async function generatedStorage(
  patients: number,
  years = 2,
  seed = 11,
): Promise<{ root: string; files: number; remove: () => void }> {
  const root = mkdtempSync(join(tmpdir(), 'hie-storage-'));
  const summary = await generateStorage({
    patients,
    years,
    seed,
    facilityCode: FACILITY.institutionCode,
    out: root,
  });
  return { root, files: summary.files, remove: () => rmSync(root, { recursive: true, force: true }) };
}
