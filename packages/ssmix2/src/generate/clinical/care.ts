/**
 * Who follows a person's chronic condition. In real life a diabetic's diabetes is followed at one
 * place, its *home*: regular visits, prescriptions, lab panels, planned stays. Another hospital the
 * person also attends knows of it (its problem list carries the condition as a comorbidity about
 * half the time) but leaves the follow-up to the home, except now and then, when the patient is
 * followed at both — the 重複受診 that gives the 重複投薬 the network exists to catch. So the merged
 * record of a person holds one series per condition, not one per hospital.
 *
 * Stateless (hash draws of the seed, no stream): every facility's simulation reaches the same answer
 * for the same person without knowing the others' output.
 */

import { KNOWN_FACILITIES } from '../data/clinic.js';
import { DISEASE_BY_KEY } from '../data/diseases.js';
import { inclusionProbability, seesPerson } from '../world/facility.js';
import type { Person } from '../world/population.js';
import { hashUnit } from '../world/random.js';

/** `manages`: visits, prescriptions, labs here. `knows`: on the problem list only. `none`: unknown here. */
export type CareRole = 'manages' | 'knows' | 'none';

/** A facility the tables do not know: each manages a condition on its own, as before homes existed. */
const UNKNOWN_FACILITY_MANAGES = 0.75;
/** Another facility of the person records the condition on its problem list. */
const KNOWS_ELSEWHERE = 0.5;
/** Another facility of the person follows the condition too (重複受診). */
const CO_MANAGES = 0.08;

const KNOWN_CODES = Object.keys(KNOWN_FACILITIES).sort();

/**
 * The facility that follows the person's conditions of one department: one of the known facilities
 * that see the person, more likely one that sees many people of the person's prefecture (a hospital
 * near home). By department, not by condition, because one doctor of a clinic follows its conditions
 * together (diabetes, hypertension and lipids at the same 内科). Undefined when no known facility
 * sees the person.
 */
export function homeFacility(seed: number, person: Person, dept: string): string | undefined {
  const candidates = KNOWN_CODES.filter((code) => seesPerson(seed, code, person));
  let total = 0;
  for (const code of candidates) total += inclusionProbability(code, person);
  let r = hashUnit(seed, 'home', person.index, dept) * total;
  for (const code of candidates) {
    r -= inclusionProbability(code, person);
    if (r < 0) return code;
  }
  return candidates[candidates.length - 1];
}

/** What the facility does about one chronic condition of one of its patients. */
export function careRole(seed: number, facilityCode: string, person: Person, disease: string): CareRole {
  if (!KNOWN_FACILITIES[facilityCode])
    return hashUnit(seed, 'manages', facilityCode, person.index, disease) < UNKNOWN_FACILITY_MANAGES
      ? 'manages'
      : 'none';
  const dept = DISEASE_BY_KEY.get(disease)?.dept ?? '01';
  if (homeFacility(seed, person, dept) === facilityCode) return 'manages';
  if (hashUnit(seed, 'co-manages', facilityCode, person.index, disease) < CO_MANAGES) return 'manages';
  return hashUnit(seed, 'knows', facilityCode, person.index, disease) < KNOWS_ELSEWHERE ? 'knows' : 'none';
}
