/**
 * One patient's years at one facility. Chronic diseases the facility manages (`care.ts`: mostly at
 * one home facility per person) bring regular visits (with prescriptions for the visit interval, lab
 * panels every few visits as the facility's cadence allows, yearly ECGs or X-rays); chronic diseases
 * followed elsewhere may still sit on the problem list; acute problems bring a visit, sometimes an
 * admission; demographics, allergies and the problem list are filed at registration and updated as
 * things change. Returns the drafts in write order.
 */

import { type CtProcedure, DISEASE_BY_KEY, type Disease, isCt } from '../data/diseases.js';
import type { DrugKey } from '../data/drugs.js';
import { LAB_PANELS, type LabKey } from '../data/labs.js';
import { allergies, attendingDoctor, demographics } from '../messages/adt.js';
import { ageOn, dayFromYmd, ymdFromDay } from '../world/clock.js';
import type { Facility, FacilityPatient } from '../world/facility.js';
import { type AcuteState, NO_ACUTE } from '../world/lab-values.js';
import { hashUnit, type Rng, rngFor } from '../world/random.js';
import { hospitalStay } from './admission.js';
import { careRole } from './care.js';
import { Chart, type Draft, NO_ORDER, t14 } from './chart.js';
import { labs, prescribe, procedure, visit, writeProblems } from './orders.js';
import { scheduleEvents } from './schedule.js';

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
  // Whether a CT is done comes from a stream of its own: CT came after the first version of the
  // generator, and a patient who never has one keeps the record the chart's stream gave.
  const ctRng = rngFor(seed, 'ct', facility.code, person.index);
  const chart = new Chart(facility, fp, rng);
  const current = person.conditions.filter((c) => c.onsetDay <= w.endDay);
  const roles = current.map((c) => careRole(seed, facility.code, person, c.disease));
  const managed = current.filter((_, i) => roles[i] === 'manages');
  /** Followed elsewhere, known here: on the problem list, no visits, drugs or labs of its own. */
  const comorbid = current.filter((_, i) => roles[i] === 'knows');
  const events = scheduleEvents(seed, facility.code, person, w, managed, rng);

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

  /** The CT of a stay's work-up, if the disease brings one this time. */
  const admissionCt = (d: Disease): CtProcedure | undefined =>
    d.admissionCt && ctRng.chance(d.admissionCt.share) ? d.admissionCt.procedure : undefined;

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
    const scenario = ev.kind === 'acute' && ev.scenario === true;
    if (ev.day <= busyUntil && !scenario) continue; // in hospital
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
        workupCt: admissionCt(ev.disease),
        acute: ACUTE[ev.disease.key] ?? NO_ACUTE,
        homeDrugs,
        diabetic: knownDiabetic(ev.day),
        registeredDay: regDay,
      });
      continue;
    }
    let day = scenario ? Math.max(ev.day, busyUntil + 1) : ev.day;
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
          if ((isCt(p.procedure) ? ctRng : rng).chance((p.perYear * ev.interval) / 365))
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
    // Each procedure of the episode (1 = always), the next one once the last is done (an X-ray, then the
    // CT it calls for); a CT by its chance, unless the patient is admitted: the stay's work-up decides.
    d.procedures.forEach((p, i) => {
      const done = isCt(p.procedure) ? !admitted && ctRng.chance(p.perYear) : p.perYear >= 1;
      if (done) procedure(chart, setting, chart.after(when, 25 + 150 * i), p.procedure, d.name);
    });
    if (admitted) {
      const [alo, ahi] = d.admissionDays ?? [5, 10];
      busyUntil = hospitalStay(chart, {
        disease: d,
        admitDay: day,
        days: rng.int(alo, ahi),
        planned: false,
        workupCt: admissionCt(d),
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
