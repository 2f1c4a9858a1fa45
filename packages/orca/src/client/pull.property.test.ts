// Property: for any simulated clinic, a full pull maps every patient, every disease and every
// prescribed drug exactly once, with unique ids scoped to their patient, as valid FHIR R4.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapOrcaPatient } from '../mapping/map.js';
import { assertFhir, clientOf, FACILITY, simulator } from '../testing/support.js';
import { pullChanges } from './pull.js';

describe('a full pull of a random clinic', () => {
  it('maps every patient, disease and prescribed drug exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
          patients: fc.integer({ min: 0, max: 6 }),
          testPatients: fc.integer({ min: 0, max: 1 }),
          recorded: fc.boolean(),
        }),
        async (o) => {
          const sim = await simulator(o);
          try {
            const pull = await pullChanges(clientOf(sim));
            expect(pull.failures).toEqual([]);
            const real = [...sim.clinic.patients.values()].filter((p) => !p.testPatient);
            const billed = real.flatMap((p) => p.visits.filter((v) => v.billed));
            const drugs = billed.flatMap((v) => v.rps.flatMap((rp) => rp.drugs.map(() => v)));
            const results = pull.patients.map((p) => mapOrcaPatient(p, { facility: FACILITY }));
            const entries = results.flatMap((r) => r.entries);
            const count = (type: string) => entries.filter((e) => e.index.resourceType === type).length;

            expect(pull.patients.map((p) => p.patientId).sort()).toEqual(real.map((p) => p.id).sort());
            expect(count('Patient')).toBe(real.length);
            expect(count('Condition')).toBe(real.reduce((n, p) => n + p.diseases.length, 0));
            expect(count('Encounter')).toBe(billed.length);
            expect(count('MedicationRequest')).toBe(drugs.length);
            expect(count('MedicationDispense')).toBe(drugs.filter((v) => !v.outside).length);
            // Exactly once: no id twice, each resource under its own patient's scope.
            expect(new Set(entries.map((e) => e.index.id)).size).toBe(entries.length);
            for (const e of entries)
              expect(
                e.index.id === `${e.index.patientId}.ADT-00` ||
                  e.index.id.startsWith(`${e.index.patientId}.-.ORCA.`),
              ).toBe(true);
            assertFhir(entries.map((e) => e.resource));
          } finally {
            await sim.close();
          }
        },
      ),
      { numRuns: 15 },
    );
  });
});
