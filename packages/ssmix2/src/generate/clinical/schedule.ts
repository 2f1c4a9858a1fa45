/**
 * A patient's calendar at one facility before anything is written: the regular visits of the chronic
 * conditions it manages (one schedule per department), acute episodes (rates per person-year), stays
 * caused by chronic conditions, and the episodes of a scenario (scenarios.ts), in the order they happen.
 */

import { DISEASE_BY_KEY, DISEASES, type Disease } from '../data/diseases.js';
import { ageOn, dayFromYmd, workday, ymdFromDay } from '../world/clock.js';
import type { ChronicCondition, Person } from '../world/population.js';
import { type Rng, rngFor } from '../world/random.js';
import { scenarioEpisodes } from './scenarios.js';

function poisson(rng: Rng, lambda: number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

export type Event =
  | {
      readonly day: number;
      readonly kind: 'visit';
      readonly dept: string;
      readonly conditions: readonly string[];
      readonly interval: number;
    }
  | {
      readonly day: number;
      readonly kind: 'acute';
      readonly disease: Disease;
      /** A scenario's episode (scenarios.ts): it happens even if it falls in a stay, after the discharge. */
      readonly scenario?: true;
    }
  | { readonly day: number; readonly kind: 'stay'; readonly disease: Disease; readonly planned: boolean };

const order = { stay: 0, acute: 1, visit: 2 } as const;

/** Patients of a hospital are admitted more often than the disease table's rough rates suggest. */
const ADMISSION_FACTOR = 2;

/** Admissions booked in advance (surgery, catheterisation, diabetes or CKD education stays). */
export const PLANNED_ADMISSIONS: ReadonlySet<string> = new Set([
  'cataract',
  'kneeOa',
  'angina',
  'dm2',
  'ckd',
]);

/**
 * The events of the simulated days `w`, sorted by day (stays, then acute visits, then regular ones on
 * the same day). Draws from the chart's stream `rng`, in the order the generator always has.
 */
export function scheduleEvents(
  seed: number,
  facilityCode: string,
  person: Person,
  w: { readonly startDay: number; readonly endDay: number },
  managed: readonly ChronicCondition[],
  rng: Rng,
): Event[] {
  const years = (w.endDay - w.startDay + 1) / 365.25;
  const events: Event[] = [];

  // Regular visits, one schedule per department.
  const byDept = new Map<string, typeof managed>();
  for (const c of managed) {
    const d = DISEASE_BY_KEY.get(c.disease);
    if (!d) continue;
    byDept.set(d.dept, [...(byDept.get(d.dept) ?? []), c]);
  }
  const registeredBefore = managed.some((c) => c.onsetDay < w.startDay);
  const firstDay = registeredBefore ? w.startDay + rng.int(0, 30) : undefined;
  for (const [dept, list] of byDept) {
    const interval = Math.min(
      ...list.map((c) => {
        const [lo, hi] = DISEASE_BY_KEY.get(c.disease)?.intervalDays ?? [28, 56];
        return Math.max(7, Math.round(rng.int(lo, hi) / 7) * 7);
      }),
    );
    let day = Math.max(firstDay ?? w.startDay, Math.min(...list.map((c) => c.onsetDay)));
    while (day <= w.endDay) {
      events.push({
        day: workday(day),
        kind: 'visit',
        dept,
        conditions: list.map((c) => c.disease),
        interval,
      });
      day += interval + rng.int(-3, 3);
    }
  }
  // Acute problems (rates per person-year) and admissions from chronic ones.
  const age = ageOn(person.birthDate, w.endDay);
  for (const d of DISEASES) {
    if (d.chronic) continue;
    const draws = d.ownStream ? rngFor(seed, 'episodes', d.key, facilityCode, person.index) : rng;
    const n = poisson(draws, d.rate(age, person.sex) * years * 0.6);
    for (let i = 0; i < n; i++) {
      let day = w.startDay + draws.int(0, w.endDay - w.startDay);
      if (d.months) {
        const month = draws.pick(d.months);
        const year = Number(ymdFromDay(day).slice(0, 4));
        day = dayFromYmd(
          `${year}${String(month).padStart(2, '0')}${String(draws.int(1, 28)).padStart(2, '0')}`,
        );
        if (day < w.startDay || day > w.endDay) continue;
      }
      events.push({ day: workday(day), kind: 'acute', disease: d });
    }
  }
  for (const c of managed) {
    const d = DISEASE_BY_KEY.get(c.disease);
    if (!d || d.admissionRate === 0) continue;
    const from = Math.max(c.onsetDay, w.startDay);
    const n = poisson(rng, d.admissionRate * ADMISSION_FACTOR * Math.max(0, (w.endDay - from) / 365.25));
    for (let i = 0; i < n; i++) {
      events.push({
        day: workday(from + rng.int(0, Math.max(0, w.endDay - from))),
        kind: 'stay',
        disease: d,
        planned: PLANNED_ADMISSIONS.has(d.key),
      });
    }
  }
  for (const e of scenarioEpisodes(seed, facilityCode, person, w))
    events.push({ day: e.day, kind: 'acute', disease: e.disease, scenario: true });
  if (events.length === 0) {
    const uri = DISEASE_BY_KEY.get('uri');
    if (uri)
      events.push({
        day: workday(w.startDay + rng.int(0, w.endDay - w.startDay)),
        kind: 'acute',
        disease: uri,
      });
  }
  events.sort((a, b) => a.day - b.day || order[a.kind] - order[b.kind]);
  return events;
}
