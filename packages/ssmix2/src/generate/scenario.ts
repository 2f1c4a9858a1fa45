// The generator's scenario patients as the demo names them (clinical/scenarios.ts makes their records).
import { IMAGING_SCENARIO_FACILITY, imagingScenarioPerson } from './clinical/scenarios.js';

export interface ImagingScenario {
  /** The person's id in the population (the ground truth's first column). */
  personId: string;
  /** The facility holding the two chest X-rays a year apart and the thin-section chest CT. */
  facilityCode: string;
}

/** The `imaging` scenario's person for a seed: undefined when no candidate fits (not for seed 2013). */
export function imagingScenario(seed: number): ImagingScenario | undefined {
  const person = imagingScenarioPerson(seed);
  return person && { personId: person.id, facilityCode: IMAGING_SCENARIO_FACILITY };
}
