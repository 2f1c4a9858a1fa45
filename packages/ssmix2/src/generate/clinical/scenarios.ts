/**
 * Scenario patients: records the demo and its browser tests rely on, made on purpose instead of hoped
 * for from the draws. Stateless like `care.ts`: a function of the seed, so the demo can name the person
 * without reading the storage.
 *
 * `imaging` (issue 12: compare this year's chest X-ray with last year's, scroll a CT): at 岡山大学病院,
 * the first of its first ten patients aged 55–79 on the reference day. About 13 months before the end
 * date an acute bronchitis brings a chest X-ray (clear lungs); a year later, 3–4 weeks before the end
 * date, a 胸部異常陰影 found at a health check brings a chest X-ray again and, the same morning, a
 * thin-section chest CT (a nodule in the right upper lobe), each with its 読影レポート. Both X-rays fall
 * in the demo's imaging window (14 months, `@hie/demo` images.ts).
 */

import { DISEASE_BY_KEY, type Disease } from '../data/diseases.js';
import { workday } from '../world/clock.js';
import { facilityPatients } from '../world/facility.js';
import { ageAtReference, type Person } from '../world/population.js';

export const IMAGING_SCENARIO_FACILITY = '3319800011';
/** Among the facility's first patients, so that any demo or test of at least this many has the person. */
const CANDIDATES = 10;
/** Days before the end date: last year's X-ray, then this year's X-ray and CT, a year apart. */
const LAST_YEAR = 392;
const THIS_YEAR = 27;

const chosen = new Map<number, Person | null>();

/** The person of the `imaging` scenario for a seed (undefined if none of the candidates fits). */
export function imagingScenarioPerson(seed: number): Person | undefined {
  let person = chosen.get(seed);
  if (person === undefined) {
    person = null;
    for (const fp of facilityPatients(seed, IMAGING_SCENARIO_FACILITY, CANDIDATES)) {
      const age = ageAtReference(fp.person.birthDate);
      if (age >= 55 && age < 80) {
        person = fp.person;
        break;
      }
    }
    chosen.set(seed, person);
  }
  return person ?? undefined;
}

export interface ScenarioEpisode {
  readonly day: number;
  readonly disease: Disease;
}

/** The acute episodes a scenario adds to a person's record at a facility, within the simulated days. */
export function scenarioEpisodes(
  seed: number,
  facilityCode: string,
  person: Person,
  window: { readonly startDay: number; readonly endDay: number },
): ScenarioEpisode[] {
  if (facilityCode !== IMAGING_SCENARIO_FACILITY || imagingScenarioPerson(seed)?.index !== person.index)
    return [];
  const episodes: [number, string][] = [
    [window.endDay - LAST_YEAR, 'bronchitis'],
    [window.endDay - THIS_YEAR, 'lungShadow'],
  ];
  return episodes.flatMap(([day, key]) => {
    const disease = DISEASE_BY_KEY.get(key);
    const on = workday(day);
    return disease && on >= window.startDay && on <= window.endDay ? [{ day: on, disease }] : [];
  });
}
