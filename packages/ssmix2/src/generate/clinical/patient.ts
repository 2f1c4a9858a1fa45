/**
 * One patient's years at one facility. Chronic diseases the facility manages (`care.ts`: mostly at
 * one home facility per person) bring regular visits (with prescriptions for the visit interval, lab
 * panels every few visits as the facility's cadence allows, yearly ECGs or X-rays); chronic diseases
 * followed elsewhere may still sit on the problem list; acute problems bring a visit, sometimes an
 * admission; demographics, allergies and the problem list are filed at registration and updated as
 * things change. Returns the drafts in write order.
 */

import { DISEASE_BY_KEY, DISEASES, type Disease } from '../data/diseases.js';
import type { DrugKey } from '../data/drugs.js';
import { LAB_PANELS, type LabKey } from '../data/labs.js';
import { allergies, attendingDoctor, demographics } from '../messages/adt.js';
import { ageOn, dayFromYmd, workday, ymdFromDay } from '../world/clock.js';
import type { Facility, FacilityPatient } from '../world/facility.js';
import { type AcuteState, NO_ACUTE } from '../world/lab-values.js';
import { hashUnit, type Rng, rngFor } from '../world/random.js';
import { hospitalStay } from './admission.js';
import { careRole } from './care.js';
import { Chart, type Draft, NO_ORDER, t14 } from './chart.js';
import { labs, prescribe, procedure, visit, writeProblems } from './orders.js';

export interface SimulationWindow {
  readonly startDay: number;
  readonly endDay: number;
}

/** How an acute problem shows in the blood. */
const ACUTE: Readonly<Record<string, AcuteState>> = {
  pneumonia: { crp: 9, ck: 0, dehydration: false },
  bronchitis: { crp: 2.5, ck: 0, dehydration: false },
  cellulitis: { crp: 7, ck: 0, dehydration: false },
  uti: { crp: 1.5, ck: 0, dehydration: false },
  influenza: { crp: 1.2, ck: 0, dehydration: false },
  gastroenteritis: { crp: 2, ck: 0, dehydration: true },
  uri: { crp: 0.6, ck: 0, dehydration: false },
  ami: { crp: 1.5, ck: 2500, dehydration: false },
  dehydration: { crp: 0.3, ck: 0, dehydration: true },
  copd: { crp: 4, ck: 0, dehydration: false },
  heartFailure: { crp: 0.8, ck: 0, dehydration: false },
};

/** YYYYMM when an allergy was first noticed: some time between age 2 and registration. */
function allergyOnset(birth: string, regDay: number, rng: Rng): string {
  const from = Math.min(regDay, dayFromYmd(birth) + 730);
  return ymdFromDay(from + rng.int(0, regDay - from)).slice(0, 6);
}

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

type Event =
  | {
      readonly day: number;
      readonly kind: 'visit';
      readonly dept: string;
      readonly conditions: readonly string[];
      readonly interval: number;
    }
  | { readonly day: number; readonly kind: 'acute'; readonly disease: Disease }
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

export function simulatePatient(
  seed: number,
  facility: Facility,
  fp: FacilityPatient,
  window: SimulationWindow,
): Draft[] {
  const person = fp.person;
  // A baby born during the simulated years is seen from its first week on.
  const w = { ...window, startDay: Math.max(window.startDay, dayFromYmd(person.birthDate) + 7) };
  if (w.startDay > w.endDay) return [];
  const rng = rngFor(seed, 'chart', facility.code, person.index);
  const chart = new Chart(facility, fp, rng);
  const years = (w.endDay - w.startDay + 1) / 365.25;
  const current = person.conditions.filter((c) => c.onsetDay <= w.endDay);
  const roles = current.map((c) => careRole(seed, facility.code, person, c.disease));
  const managed = current.filter((_, i) => roles[i] === 'manages');
  /** Followed elsewhere, known here: on the problem list, no visits, drugs or labs of its own. */
  const comorbid = current.filter((_, i) => roles[i] === 'knows');
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
    const n = poisson(rng, d.rate(age, person.sex) * years * 0.6);
    for (let i = 0; i < n; i++) {
      let day = w.startDay + rng.int(0, w.endDay - w.startDay);
      if (d.months) {
        const month = rng.pick(d.months);
        const year = Number(ymdFromDay(day).slice(0, 4));
        day = dayFromYmd(
          `${year}${String(month).padStart(2, '0')}${String(rng.int(1, 28)).padStart(2, '0')}`,
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

  // Registration: demographics, attending doctor, allergies, the problem list known so far.
  const first = events[0];
  if (!first) return [];
  const regDay = first.day;
  const primaryDept = first.kind === 'visit' ? first.dept : first.disease.dept;
  const reception = chart.at(regDay, rng.int(8 * 60, 8 * 60 + 25)); // before the first visit (8:30 on)
  let weight = person.weightKg;
  const insuranceStart = ymdFromDay(regDay - rng.int(30, 3000));
  const insurerDigits = rng.digits(4);
  const writeDemographics = (when: ReturnType<Chart['at']>) =>
    chart.file(
      'write',
      'ADT-00',
      '-',
      NO_ORDER,
      '-',
      when,
      'ADT^A08^ADT_A01',
      demographics(chart, {
        recorded: t14(when),
        lastUpdate: t14(when),
        heightCm: person.heightCm,
        weightKg: weight,
        person,
        allergies: knownAllergies,
        insuranceStart,
        ageYears: ageOn(person.birthDate, when.day),
        insurerNo: ageOn(person.birthDate, when.day) >= 75 ? `3933${insurerDigits}` : `0133${insurerDigits}`,
      }),
    );
  const knownAllergies = person.allergies.filter(
    (_, i) => hashUnit(seed, 'allergy', facility.code, person.index, i) < 0.8,
  );
  writeDemographics(reception);
  chart.file(
    'write',
    'ADT-01',
    '-',
    NO_ORDER,
    '-',
    chart.after(reception, 2),
    'ADT^A54^ADT_A54',
    attendingDoctor(chart, t14(reception), primaryDept, chart.doctorFor(primaryDept)),
  );
  if (knownAllergies.length > 0) {
    chart.file(
      'write',
      'ADT-61',
      '-',
      NO_ORDER,
      '-',
      chart.after(reception, 4),
      'ADT^A60^ADT_A60',
      allergies(chart, t14(reception), knownAllergies, allergyOnset(person.birthDate, regDay, rng)),
    );
  }
  let problemSeq = 0;
  const addProblem = (
    disease: Disease,
    onsetDay: number,
    day: number,
    inpatient: boolean,
    resolvedDay?: number,
    comorbidity = false,
  ) => {
    const p = {
      disease,
      instanceId: `${fp.localId}${String(++problemSeq).padStart(3, '0')}`,
      onset: ymdFromDay(onsetDay),
      recorded: ymdFromDay(day),
      // The main diagnosis is the first problem treated here, never one followed elsewhere.
      main: !comorbidity && !chart.problems.some((q) => q.main),
      inpatient,
    };
    chart.problems.push(p);
    if (resolvedDay !== undefined) pendingResolutions.push({ day: resolvedDay, instanceId: p.instanceId });
  };
  const pendingResolutions: { day: number; instanceId: string }[] = [];
  const known = new Set<string>();
  for (const c of managed) {
    const d = DISEASE_BY_KEY.get(c.disease);
    if (d && c.onsetDay <= regDay) {
      addProblem(d, c.onsetDay, Math.max(c.onsetDay, Math.min(regDay, w.startDay)), false);
      known.add(c.disease);
    }
  }
  /** Comorbidities the patient reports (お薬手帳, a referral letter) once they have begun. */
  const noteComorbidities = (day: number, recorded: (onsetDay: number) => number): boolean => {
    let added = false;
    for (const c of comorbid) {
      const d = DISEASE_BY_KEY.get(c.disease);
      if (!d || known.has(c.disease) || c.onsetDay > day) continue;
      addProblem(d, c.onsetDay, recorded(c.onsetDay), false, undefined, true);
      known.add(c.disease);
      added = true;
    }
    return added;
  };
  noteComorbidities(regDay, (onset) => Math.max(onset, Math.min(regDay, w.startDay)));
  writeProblems(chart, chart.after(reception, 6));

  const flushResolutions = (upTo: number) => {
    pendingResolutions.sort((a, b) => a.day - b.day);
    while (pendingResolutions.length > 0 && (pendingResolutions[0]?.day ?? Infinity) <= upTo) {
      const r = pendingResolutions.shift()!;
      chart.problems = chart.problems.map((p) =>
        p.instanceId === r.instanceId ? { ...p, resolved: ymdFromDay(r.day) } : p,
      );
      writeProblems(chart, chart.at(r.day, rng.int(16 * 60, 18 * 60)));
    }
  };

  let lastDemographics = regDay;
  let busyUntil = -1;
  const visitDays = new Set<number>();
  const visitCount = new Map<string, number>();
  /** Visit number (per department) at which each condition's panel was last drawn. */
  const panelDrawn = new Map<string, number>();
  const labEvery = facility.practice.labEveryVisits;
  // Diabetic diet in hospital whether the diabetes is treated here or only known from elsewhere.
  const knownDiabetic = (day: number) =>
    managed.some((c) => c.disease === 'dm2' && c.onsetDay <= day) ||
    (known.has('dm2') && comorbid.some((c) => c.disease === 'dm2'));
  const drugsOf = (keys: readonly string[], day: number): DrugKey[] =>
    managed
      .filter((c) => keys.includes(c.disease) && c.onsetDay <= day)
      .flatMap((c) => DISEASE_BY_KEY.get(c.disease)?.regimens[c.regimen] ?? []);

  for (const ev of events) {
    if (ev.day > w.endDay) continue;
    flushResolutions(ev.day - 1); // same-day resolutions are written in the evening, after this event
    if (ev.day <= busyUntil) continue; // in hospital
    if (ev.day - lastDemographics > 365 && rng.chance(0.4)) {
      weight = Math.round((weight + rng.normal(0, 1.5)) * 10) / 10;
      lastDemographics = ev.day;
      writeDemographics(chart.at(ev.day, rng.int(8 * 60, 9 * 60)));
    }
    if (ev.kind === 'stay') {
      const homeDrugs = drugsOf(
        managed.map((c) => c.disease),
        ev.day,
      );
      const [lo, hi] = ev.disease.admissionDays ?? [5, 10];
      busyUntil = hospitalStay(chart, {
        disease: ev.disease,
        admitDay: ev.day,
        days: rng.int(lo, hi),
        planned: ev.planned,
        acute: ACUTE[ev.disease.key] ?? NO_ACUTE,
        homeDrugs,
        diabetic: knownDiabetic(ev.day),
        registeredDay: regDay,
      });
      continue;
    }
    let day = ev.day;
    while (visitDays.has(day)) day++;
    visitDays.add(day);
    const when = chart.at(day, rng.int(8 * 60 + 30, 11 * 60 + 30));
    if (ev.kind === 'visit') {
      const active = ev.conditions.filter(
        (k) => (managed.find((c) => c.disease === k)?.onsetDay ?? Infinity) <= day,
      );
      if (active.length === 0) continue;
      visit(chart, when, ev.dept);
      const setting = { dept: ev.dept, patientClass: 'O' as const };
      const fresh = active.filter((k) => !known.has(k));
      for (const k of fresh) {
        const d = DISEASE_BY_KEY.get(k);
        if (d) addProblem(d, managed.find((c) => c.disease === k)?.onsetDay ?? day, day, false);
        known.add(k);
      }
      if (noteComorbidities(day, () => day) || fresh.length > 0) writeProblems(chart, chart.after(when, 15));
      const n = (visitCount.get(ev.dept) ?? 0) + 1;
      visitCount.set(ev.dept, n);
      // Blood is taken at every `labEvery`-th visit; then each panel that is due (its own spacing
      // in visits since it was last drawn) is drawn.
      const labVisit = (n - 1) % labEvery === 0;
      const tests: LabKey[] = [];
      for (const k of active) {
        const d = DISEASE_BY_KEY.get(k);
        for (const p of labVisit ? (d?.panels ?? []) : []) {
          const key = `${k}|${p.panel}`;
          const last = panelDrawn.get(key);
          if (last !== undefined && n - last < p.everyVisits) continue;
          panelDrawn.set(key, n);
          tests.push(...LAB_PANELS[p.panel].tests);
        }
        for (const p of d?.procedures ?? []) {
          if (rng.chance((p.perYear * ev.interval) / 365))
            procedure(chart, setting, chart.after(when, 20), p.procedure, d?.name ?? '');
        }
      }
      labs(chart, setting, chart.after(when, 5), tests, NO_ACUTE);
      prescribe(
        chart,
        setting,
        chart.after(when, rng.int(10, 40)),
        drugsOf(active, day),
        Math.min(90, ev.interval),
      );
      continue;
    }
    // An acute problem: a visit, a diagnosis, drugs, tests; sometimes straight into hospital.
    const d = ev.disease;
    visit(chart, when, d.dept);
    const setting = { dept: d.dept, patientClass: 'O' as const };
    const admitted = rng.chance(d.admissionRate);
    const [lo, hi] = d.intervalDays;
    const days = rng.int(lo, hi);
    noteComorbidities(day, () => day);
    addProblem(d, day - rng.int(0, 3), day, admitted, day + days + (admitted ? 10 : 0));
    writeProblems(chart, chart.after(when, 15));
    const acute = ACUTE[d.key] ?? NO_ACUTE;
    const tests = d.panels.flatMap((p) => [...LAB_PANELS[p.panel].tests]);
    labs(chart, setting, chart.after(when, 5), tests, acute);
    for (const p of d.procedures)
      if (p.perYear >= 1) procedure(chart, setting, chart.after(when, 25), p.procedure, d.name);
    if (admitted) {
      const [alo, ahi] = d.admissionDays ?? [5, 10];
      busyUntil = hospitalStay(chart, {
        disease: d,
        admitDay: day,
        days: rng.int(alo, ahi),
        planned: false,
        acute,
        homeDrugs: drugsOf(
          managed.map((c) => c.disease),
          day,
        ),
        diabetic: knownDiabetic(day),
        registeredDay: regDay,
      });
    } else {
      prescribe(
        chart,
        setting,
        chart.after(when, rng.int(10, 40)),
        d.regimens[rng.int(0, Math.max(0, d.regimens.length - 1))] ?? [],
        days,
      );
    }
  }
  flushResolutions(w.endDay);

  // Nothing after the end of the simulated period (an endoscopy booked for next month, …).
  const end = ymdFromDay(w.endDay);
  return chart.drafts
    .filter((d) => d.timestamp.slice(0, 8) <= end && (d.careDate === '-' || d.careDate <= end))
    .map((d, i) => ({ d, i }))
    .sort((a, b) => (a.d.timestamp < b.d.timestamp ? -1 : a.d.timestamp > b.d.timestamp ? 1 : a.i - b.i))
    .map(({ d }) => d);
}
