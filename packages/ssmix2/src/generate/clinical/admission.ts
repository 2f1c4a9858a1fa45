/**
 * An inpatient stay: planned admission (ADT-21), admission (ADT-22), diet (OMD), oral drugs with
 * their daily administration notices (OMP-01 IHP + OMP-11), drips (OMP-02 + OMP-12), labs every
 * few days, sometimes a transfer (ADT-41/42) or a night at home (ADT-31/32), then the planned
 * (ADT-51) and actual discharge (ADT-52).
 */

import { WARDS } from '../data/clinic.js';
import type { CtProcedure, Disease } from '../data/diseases.js';
import { type DrugKey, INJECTION_DRUGS, type InjectionDrug, USAGES } from '../data/drugs.js';
import type { LabKey } from '../data/labs.js';
import { LAB_PANELS } from '../data/labs.js';
import {
  admission,
  admissionPlanned,
  discharge,
  dischargePlanned,
  leaveOrReturn,
  type StayInput,
  transfer,
  transferPlanned,
} from '../messages/adt.js';
import type { Bed, OrcInput } from '../messages/common.js';
import { dietOrder } from '../messages/exams.js';
import {
  type Administration,
  administration,
  type InfusionBag,
  injectionOrder,
} from '../messages/medication.js';
import { ymdFromDay } from '../world/clock.js';
import type { AcuteState } from '../world/lab-values.js';
import { type Chart, type Moment, NO_ORDER, t12, t14 } from './chart.js';
import { ecg, imaging, labs, prescribe, type Setting } from './orders.js';

export interface Stay {
  readonly disease: Disease;
  readonly admitDay: number;
  readonly days: number;
  readonly planned: boolean;
  readonly acute: AcuteState;
  /** Drugs the patient keeps taking during the stay (chronic regimens). */
  readonly homeDrugs: readonly DrugKey[];
  readonly diabetic: boolean;
  /** The patient's registration day at the facility: nothing is booked before it. */
  readonly registeredDay: number;
  /** A CT in the admission work-up. */
  readonly workupCt?: CtProcedure;
}

const ymd = (m: Moment) => ymdFromDay(m.day);

const ADDITIVE: Readonly<Record<string, string>> = {
  pneumonia: 'ceftriaxone',
  cellulitis: 'ampicillinSulbactam',
  copd: 'ceftriaxone',
  heartFailure: 'furosemideInj',
  dehydration: 'vitaminB1',
  gastricUlcer: 'adona',
  gastroenteritis: 'vitaminB1',
};

function pickBed(chart: Chart, dept: string, except?: Bed): Bed {
  const wards = WARDS.filter((w) => w.depts.includes(dept));
  const ward = chart.rng.pick(wards.length > 0 ? wards : WARDS);
  for (;;) {
    const bed: Bed = {
      ward: ward.code,
      room: String(chart.rng.pick(ward.rooms)),
      bed: String(chart.rng.int(1, 4)),
    };
    if (!except || bed.room !== except.room || bed.bed !== except.bed) return bed;
  }
}

/** Simulates the stay; returns the discharge day. */
export function hospitalStay(chart: Chart, stay: Stay): number {
  const rng = chart.rng;
  const dept = stay.disease.dept;
  const doctor = chart.doctorFor(dept);
  let bed = pickBed(chart, dept);
  // From 9:00 (after the registration desk) for planned stays; emergencies any time of the day.
  const admitAt = chart.at(
    stay.admitDay,
    stay.planned ? rng.int(9 * 60, 11 * 60) : rng.int(8 * 60 + 30, 20 * 60),
  );
  const s: StayInput = { dept, doctor, bed, admitTime: t12(admitAt) };
  const dischargeDay = stay.admitDay + stay.days;
  const setting = (): Setting => ({ dept, patientClass: 'I', bed });

  if (stay.planned) {
    const bookedDay = Math.max(stay.registeredDay, stay.admitDay - rng.int(7, 21));
    const booked = chart.at(bookedDay, bookedDay === stay.admitDay ? 8 * 60 + 30 : rng.int(9 * 60, 16 * 60));
    chart.file(
      'write',
      'ADT-21',
      ymd(admitAt),
      NO_ORDER,
      dept,
      booked,
      'ADT^A14^ADT_A05',
      admissionPlanned(chart, t14(booked), s),
    );
  }
  chart.file(
    'write',
    'ADT-22',
    ymd(admitAt),
    NO_ORDER,
    dept,
    chart.after(admitAt, rng.int(1, 20)),
    'ADT^A01^ADT_A01',
    admission(chart, t14(admitAt), s),
  );

  // Diet from the first meal; changed once on longer stays (e.g. rice porridge → regular).
  const dietCode = stay.disease.diet ?? (stay.diabetic ? '003' : '001');
  const orderDiet = (day: number, code: string) => {
    const when = chart.at(day, rng.int(9 * 60, 15 * 60));
    const orderNo = chart.nextOrderNo();
    const o: OrcInput = {
      control: 'NW',
      orderNo,
      time: t14(when),
      enterer: chart.nurse(),
      doctor,
      dept,
      patientClass: 'I',
      bed,
    };
    chart.file(
      'write',
      'OMD',
      ymd(when),
      orderNo,
      dept,
      chart.after(when, 1),
      'OMD^O03^OMD_O03',
      dietOrder(chart, o, code, `${ymdFromDay(day + 1)}07`),
    );
  };
  orderDiet(stay.admitDay, dietCode);
  if (stay.days > 5) orderDiet(stay.admitDay + rng.int(3, 5), dietCode === '002' ? '001' : dietCode);

  // Admission work-up.
  const workup = chart.after(admitAt, rng.int(20, 60));
  const tests: LabKey[] = [
    ...LAB_PANELS.cbc.tests,
    ...LAB_PANELS.renal.tests,
    ...LAB_PANELS.liver.tests,
    'crp',
  ];
  if (['heartFailure', 'ami', 'angina'].includes(stay.disease.key)) tests.push(...LAB_PANELS.heart.tests);
  labs(chart, setting(), workup, tests, stay.acute);
  if (['pneumonia', 'heartFailure', 'copd', 'ami'].includes(stay.disease.key))
    imaging(chart, setting(), workup, 'chestXray');
  if (stay.workupCt) imaging(chart, setting(), chart.after(workup, 40), stay.workupCt, stay.disease.name);
  if (['heartFailure', 'ami', 'angina', 'af'].includes(stay.disease.key))
    ecg(chart, setting(), workup, stay.disease.name, true);

  // Oral drugs and their administration notices.
  const regimen = stay.disease.regimens[0] ?? [];
  const rxDays = Math.min(stay.days, 7);
  const rx = prescribe(
    chart,
    setting(),
    chart.after(admitAt, rng.int(30, 120)),
    [...stay.homeDrugs, ...regimen],
    rxDays,
  );
  if (rx) {
    for (let d = 1; d <= rxDays && stay.admitDay + d < dischargeDay; d++) {
      const day = stay.admitDay + d;
      const given: Administration[] = [];
      const groups = [...new Set(rx.drugs.map((p) => p.rp))].map((rp) => {
        const items = rx.drugs.filter((p) => p.rp === rp);
        const times = USAGES[items[0]?.drug.usage ?? 'morning'].timesPerDay;
        const hours = [8, 18, 12].slice(0, times).sort((a, b) => a - b);
        const list: Administration[] = [];
        for (const h of hours) {
          const at = t12(chart.at(day, h * 60 + rng.int(0, 30)));
          for (const p of items)
            list.push({
              hot9: p.drug.hot9,
              name: p.drug.name,
              amount: p.dose,
              unit: p.drug.unit,
              start: at,
              end: at,
            });
        }
        given.push(...list);
        return {
          orc: {
            control: 'NW' as const,
            orderNo: rx.orderNo,
            group: String(rp),
            time: t14(admitAt),
            doctor,
            dept,
            patientClass: 'I' as const,
            bed,
          },
          given: list,
          route: 'PO' as const,
        };
      });
      if (given.length === 0) continue;
      chart.file(
        'write',
        'OMP-11',
        ymdFromDay(day),
        rx.orderNo,
        dept,
        chart.at(day, 21 * 60 + rng.int(0, 90)),
        'RAS^O17^RAS_O17',
        administration(chart, groups, chart.nurse(), bed, t14(chart.at(day, 20 * 60))),
      );
    }
  }

  // Drips for the first days of an emergency stay (with an antibiotic, diuretic … where the disease calls for one).
  const additiveKey = ADDITIVE[stay.disease.key];
  const base = INJECTION_DRUGS.solitaT3;
  const additive = additiveKey ? INJECTION_DRUGS[additiveKey] : undefined;
  if (base && (additive || !stay.planned)) {
    for (let d = 0; d < Math.min(stay.days - 1, 5); d++) {
      const day = stay.admitDay + d;
      const ordered = chart.at(
        day - (d === 0 ? 0 : 1),
        d === 0 ? admitAt.minute + 30 : rng.int(14 * 60, 17 * 60),
      );
      const orderNo = chart.nextOrderNo();
      const bags: InfusionBag[] = [10, 16].map((h) => ({
        base,
        additives: additive ? [additive] : [],
        start: t12(chart.at(day, h * 60)),
        end: t12(chart.at(day, h * 60 + 300)),
        rateMlPerHour: 100,
      }));
      const o: OrcInput = {
        control: 'NW',
        orderNo,
        time: t14(ordered),
        enterer: chart.nurse(),
        doctor,
        dept,
        patientClass: 'I',
        bed,
      };
      chart.file(
        'write',
        'OMP-02',
        ymd(ordered),
        orderNo,
        dept,
        chart.after(ordered, 2),
        'RDE^O11^RDE_O11',
        injectionOrder(chart, o, bags, ymd(ordered)),
      );
      const given = (b: InfusionBag, drug: InjectionDrug): Administration => ({
        hot9: drug.hot9,
        name: drug.name,
        amount: 1,
        unit: drug.unit,
        start: b.start,
        end: b.end,
      });
      const groups = bags.map((b, i) => ({
        orc: { ...o, group: `${orderNo}_01_${String(i + 1).padStart(3, '0')}` },
        given: [given(b, b.base), ...b.additives.map((a) => given(b, a))],
        route: 'IV' as const,
      }));
      chart.file(
        'write',
        'OMP-12',
        ymdFromDay(day),
        orderNo,
        dept,
        chart.at(day, 22 * 60 + rng.int(0, 60)),
        'RAS^O17^RAS_O17',
        administration(chart, groups, chart.nurse(), bed, t14(chart.at(day, 21 * 60))),
      );
    }
  }

  // Follow-up labs every 3–4 days.
  for (let day = stay.admitDay + rng.int(3, 4); day < dischargeDay - 1; day += rng.int(3, 4)) {
    const recovered = (day - stay.admitDay) / stay.days;
    const acute: AcuteState = {
      crp: stay.acute.crp * (1 - recovered) ** 2,
      ck: stay.acute.ck * (1 - recovered) ** 3,
      dehydration: false,
    };
    labs(
      chart,
      setting(),
      chart.at(day, rng.int(6 * 60, 7 * 60)),
      [...LAB_PANELS.cbc.tests, ...LAB_PANELS.renal.tests, 'crp'],
      acute,
    );
  }

  // Transfer to another room or ward on longer stays.
  if (stay.days >= 7 && rng.chance(0.35)) {
    const day = stay.admitDay + rng.int(2, stay.days - 3);
    const to = pickBed(chart, dept, bed);
    const when = chart.at(day, rng.int(10 * 60, 15 * 60));
    const decided = chart.at(day - 1, rng.int(13 * 60, 17 * 60));
    chart.file(
      'write',
      'ADT-41',
      ymd(when),
      NO_ORDER,
      dept,
      chart.after(decided, 3),
      'ADT^A15^ADT_A15',
      transferPlanned(chart, t14(decided), { ...s, bed }, to, t12(when)),
    );
    chart.file(
      'write',
      'ADT-42',
      ymd(when),
      NO_ORDER,
      dept,
      chart.after(when, rng.int(1, 30)),
      'ADT^A02^ADT_A02',
      transfer(chart, t14(when), { ...s, bed }, to, t12(when)),
    );
    bed = to;
  }

  // A night at home (外泊) before a longer stay ends.
  if (stay.days >= 9 && rng.chance(0.45)) {
    const out = chart.at(dischargeDay - rng.int(4, 6), rng.int(13 * 60, 16 * 60));
    const back = chart.at(out.day + 1, rng.int(14 * 60, 18 * 60));
    chart.file(
      'write',
      'ADT-31',
      ymd(out),
      NO_ORDER,
      dept,
      chart.after(out, 5),
      'ADT^A21^ADT_A21',
      leaveOrReturn(chart, t14(out), { ...s, bed }, t12(out)),
    );
    chart.file(
      'write',
      'ADT-32',
      ymd(back),
      NO_ORDER,
      dept,
      chart.after(back, 5),
      'ADT^A22^ADT_A21',
      leaveOrReturn(chart, t14(back), { ...s, bed }, t12(back)),
    );
  }

  const leaving = chart.at(dischargeDay, rng.int(10 * 60, 12 * 60));
  const planned = chart.at(Math.max(stay.admitDay, dischargeDay - rng.int(1, 3)), rng.int(13 * 60, 17 * 60));
  chart.file(
    'write',
    'ADT-51',
    ymd(leaving),
    NO_ORDER,
    dept,
    planned,
    'ADT^A16^ADT_A16',
    dischargePlanned(chart, t14(planned), { ...s, bed }, ymd(leaving)),
  );
  chart.file(
    'write',
    'ADT-52',
    ymd(leaving),
    NO_ORDER,
    dept,
    chart.after(leaving, rng.int(1, 30)),
    'ADT^A03^ADT_A03',
    discharge(chart, t14(leaving), { ...s, bed }, t12(leaving)),
  );
  return dischargeDay;
}
