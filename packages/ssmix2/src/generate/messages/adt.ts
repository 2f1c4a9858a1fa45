/**
 * ADT messages: demographics (ADT-00), attending doctor (ADT-01), outpatient visit (ADT-12),
 * admission, transfer, leave and discharge (ADT-21 … ADT-52) and allergies (ADT-61). Each builder
 * returns the segments after MSH; field positions follow the guideline samples.
 */

import type { Allergen } from '../data/clinic.js';
import type { Person } from '../world/population.js';
import { type Bed, type PatientContext, pid, pv1 } from './common.js';
import { cwe, e, type StaffMember, seg } from './hl7.js';

const evn = (recorded: string, occurred?: string, facilityCode?: string) =>
  seg('EVN', { 2: recorded, 6: occurred, 7: facilityCode });

export interface Demographics {
  readonly recorded: string;
  readonly lastUpdate: string;
  readonly heightCm: number;
  readonly weightKg: number;
  readonly person: Person;
  readonly allergies: readonly Allergen[];
  readonly insuranceStart: string;
  readonly ageYears: number;
  readonly insurerNo: string;
}

/** ADT-00 (ADT^A08): the whole current demographics, with height, weight and ABO blood type as OBX. */
export function demographics(ctx: PatientContext, d: Demographics): string[] {
  const out = [
    evn(d.recorded, undefined, ctx.facility.code),
    pid(ctx, true, d.lastUpdate),
    seg('PV1', { 1: '0001', 2: 'O' }),
    `OBX|1|NM|9N001000000000001^身長^JC10||${d.heightCm.toFixed(1)}|cm^cm^ISO+|||||F`,
    `OBX|2|NM|9N006000000000001^体重^JC10||${d.weightKg.toFixed(1)}|kg^kg^ISO+|||||F`,
    `OBX|3|CWE|5H010000009199911^血液型-ABO式^JC10||${d.person.bloodType}^${d.person.bloodType}^JSHR002||||||F`,
  ];
  d.allergies.forEach((a, i) => {
    out.push(
      seg('AL1', {
        1: String(i + 1),
        2: cwe(a.type, a.typeName, 'HL70127'),
        3: cwe(a.code, a.name, a.system),
      }),
    );
  });
  const plan =
    d.ageYears >= 75
      ? cwe('39', '後期高齢者医療', 'JHSD0001')
      : cwe('01', '全国健康保険協会管掌健康保険', 'JHSD0001');
  out.push(seg('IN1', { 1: '1', 2: plan, 3: d.insurerNo, 12: d.insuranceStart, 17: 'SEL^本人^HL70063' }));
  return out;
}

/** ADT-01 (ADT^A54): the attending doctor. */
export function attendingDoctor(
  ctx: PatientContext,
  recorded: string,
  dept: string,
  doctor: StaffMember,
): string[] {
  return [evn(recorded), pid(ctx, false), pv1({ patientClass: 'O', dept, doctor })];
}

/** ADT-12 (ADT^A04): outpatient visit; PV1-44 is the visit time and the care date. */
export function outpatientVisit(
  ctx: PatientContext,
  visitTime: string,
  dept: string,
  doctor: StaffMember,
): string[] {
  return [evn(visitTime), pid(ctx, true), pv1({ patientClass: 'O', dept, doctor, admitTime: visitTime })];
}

export interface StayInput {
  readonly dept: string;
  readonly doctor: StaffMember;
  readonly bed: Bed;
  readonly admitTime: string;
}

/** ADT-21 (ADT^A14): planned admission; PV2-8 (expected admission) is the care date. */
export function admissionPlanned(ctx: PatientContext, recorded: string, s: StayInput): string[] {
  return [
    evn(recorded),
    pid(ctx, false),
    pv1({ patientClass: 'I', dept: s.dept, doctor: s.doctor, bed: s.bed }),
    seg('PV2', { 8: s.admitTime }),
  ];
}

/** ADT-22 (ADT^A01): admission; PV1-44 is the care date. */
export function admission(ctx: PatientContext, recorded: string, s: StayInput): string[] {
  return [
    evn(recorded),
    pid(ctx, true),
    pv1({ patientClass: 'I', dept: s.dept, doctor: s.doctor, bed: s.bed, admitTime: s.admitTime }),
  ];
}

/** ADT-41 (ADT^A15): planned transfer; PV2-8 is the care date. */
export function transferPlanned(
  ctx: PatientContext,
  recorded: string,
  s: StayInput,
  to: Bed,
  when: string,
): string[] {
  return [
    evn(recorded),
    pid(ctx, false),
    pv1({ patientClass: 'I', dept: s.dept, doctor: s.doctor, bed: to, priorBed: s.bed }),
    seg('PV2', { 8: when }),
  ];
}

/** ADT-42 (ADT^A02): transfer; EVN-6 is the care date. */
export function transfer(
  ctx: PatientContext,
  recorded: string,
  s: StayInput,
  to: Bed,
  when: string,
): string[] {
  return [
    evn(recorded, when),
    pid(ctx, false),
    pv1({
      patientClass: 'I',
      dept: s.dept,
      doctor: s.doctor,
      bed: to,
      priorBed: s.bed,
      admitTime: s.admitTime,
    }),
  ];
}

/** ADT-31 (ADT^A21) leave of absence and ADT-32 (ADT^A22) return; EVN-6 is the care date. */
export function leaveOrReturn(ctx: PatientContext, recorded: string, s: StayInput, when: string): string[] {
  return [
    evn(recorded, when),
    pid(ctx, false),
    pv1({ patientClass: 'I', dept: s.dept, doctor: s.doctor, bed: s.bed, admitTime: s.admitTime }),
  ];
}

/** ADT-51 (ADT^A16): planned discharge; PV2-9 is the care date. */
export function dischargePlanned(
  ctx: PatientContext,
  recorded: string,
  s: StayInput,
  when: string,
): string[] {
  return [
    evn(recorded),
    pid(ctx, false),
    pv1({ patientClass: 'I', dept: s.dept, doctor: s.doctor, bed: s.bed, admitTime: s.admitTime }),
    seg('PV2', { 9: when }),
  ];
}

/** ADT-52 (ADT^A03): discharge; PV1-45 is the care date. */
export function discharge(ctx: PatientContext, recorded: string, s: StayInput, when: string): string[] {
  return [
    evn(recorded, when),
    pid(ctx, false),
    pv1({
      patientClass: 'I',
      dept: s.dept,
      doctor: s.doctor,
      bed: s.bed,
      admitTime: s.admitTime,
      dischargeTime: when,
      dischargeDisposition: '01',
    }),
  ];
}

const SEVERITY: Readonly<Record<Allergen['type'], string>> = {
  DA: 'MO^中等度^HL70128',
  FA: 'MO^中等度^HL70128',
  LA: 'MI^軽度^HL70128',
  EA: 'MI^軽度^HL70128',
};

/** ADT-61 (ADT^A60): the whole allergy list as IAM segments. */
export function allergies(
  ctx: PatientContext,
  recorded: string,
  list: readonly Allergen[],
  onset: string,
): string[] {
  return [
    evn(recorded),
    pid(ctx, false),
    ...list.map((a, i) =>
      seg('IAM', {
        1: String(i + 1),
        2: cwe(a.type, a.typeName, 'HL70127'),
        3: cwe(a.code, a.name, a.system),
        4: SEVERITY[a.type],
        5: e(a.reaction),
        6: 'A^追加^HL70323',
        11: onset,
      }),
    ),
  ];
}
