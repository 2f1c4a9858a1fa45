// Test support (not built): a simulator and a client that talk to it, and FHIR R4 schema validation.
import type { Resource } from '@medplum/fhirtypes';
// fhir-jp's schema validator is test support it does not export (see the README): reused by path
// rather than copied.
import { fhirValidator } from '../../../fhir-jp/src/testing/fhir-schema.js';
import { OrcaClient, type OrcaClientOptions } from '../client/client.js';
import type { OrcaMappingResult } from '../mapping/map.js';
import { type OrcaSimulator, type OrcaSimulatorOptions, startOrcaSimulator } from '../simulator/server.js';

export const USER = 'ormaster';
export const PASSWORD = 'ormaster-test';
export const FACILITY = { institutionCode: '3210000001', name: 'オルカ診療所' };

export async function simulator(options: Partial<OrcaSimulatorOptions> = {}): Promise<OrcaSimulator> {
  return startOrcaSimulator({
    username: USER,
    password: PASSWORD,
    today: '2024-06-28',
    seed: 7,
    patients: 6,
    ...options,
  });
}

/** A client of `sim` with no waiting between retries (the backoff itself is tested on its own). */
export function clientOf(sim: OrcaSimulator, options: Partial<OrcaClientOptions> = {}): OrcaClient {
  return new OrcaClient({
    baseUrl: sim.url,
    username: USER,
    password: PASSWORD,
    timeoutMs: 5_000,
    clock: { sleep: async () => {} },
    ...options,
  });
}

const validator = fhirValidator([
  'Patient',
  'Condition',
  'Encounter',
  'MedicationRequest',
  'MedicationDispense',
  'Coverage',
  'Medication',
]);

/** Throws with the schema errors when a resource is not valid FHIR R4 JSON. */
export function assertFhir(resources: readonly Resource[]): void {
  for (const r of resources) {
    const errors = validator.validate(r);
    if (errors.length)
      throw new Error(
        `${r.resourceType}/${r.id} is not valid FHIR R4: ${JSON.stringify(errors.slice(0, 3))}`,
      );
  }
}

/** What a store does with a mapping result: replace within the prefixes, delete, put (one transaction). */
export function applyTo(store: Map<string, unknown>, result: OrcaMappingResult): void {
  const kept = new Set(result.entries.map((e) => e.index.id));
  for (const id of [...store.keys()])
    if (result.replacePrefixes.some((p) => id.startsWith(p)) && !kept.has(id)) store.delete(id);
  for (const id of result.deleteIds) store.delete(id);
  for (const e of result.entries) store.set(e.index.id, e.resource);
}
