/**
 * Generates the demo network's SS-MIX2 storage once for every browser test file: each file copies it
 * into a folder of its own and starts its own hub and gateways there (a file's writes never reach
 * another's). E2E_DEMO_DIR: use (and keep) that folder instead, for every file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemoStorage } from '@hie/demo';
import type { TestProject } from 'vitest/node';

/** Patients per hospital: enough that some are followed at two hospitals and some were admitted. */
export const DEFAULT_PATIENTS = 80;

declare module 'vitest' {
  export interface ProvidedContext {
    /** The generated storage every file copies, or '' when E2E_DEMO_DIR is used as it is. */
    e2eStorage: string;
  }
}

export default async function setup(project: TestProject) {
  if (process.env.E2E_DEMO_DIR) {
    project.provide('e2eStorage', '');
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'hie-e2e-storage-'));
  await generateDemoStorage({
    dir,
    patients: Number(process.env.E2E_PATIENTS ?? DEFAULT_PATIENTS),
    onProgress: (line) => process.stderr.write(`[e2e] ${line}\n`),
  });
  project.provide('e2eStorage', dir);
  return async () => rm(dir, { recursive: true, force: true });
}
