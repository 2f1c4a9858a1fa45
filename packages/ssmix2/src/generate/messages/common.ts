/**
 * Segments every message shares: PID from the facility's copy of the demographics, PV1 for an
 * outpatient or inpatient, and the ORC of an order with the facility's name, address and phone.
 */

import { DEPARTMENTS } from '../data/clinic.js';
import type { Facility, FacilityPatient } from '../world/facility.js';
import { e, type StaffMember, seg, xcn } from './hl7.js';

export interface PatientContext {
  readonly facility: Facility;
  readonly patient: FacilityPatient;
}

/** Where an inpatient lies: ward, room, bed. */
export interface Bed {
  readonly ward: string;
  readonly room: string;
  readonly bed: string;
}

export const bedText = (b: Bed): string => `${b.ward}^${b.room}^${b.bed}^^^N`;

/**
 * PID. `full` adds address and phones (ADT and orders carry them, as in the guideline samples);
 * `lastUpdate` fills PID-33.
 */
export function pid(ctx: PatientContext, full: boolean, lastUpdate?: string): string {
  const r = ctx.patient.recorded;
  const name = `${e(r.familyKanji)}^${e(r.givenKanji)}^^^^^L^I~${e(r.familyKana)}^${e(r.givenKana)}^^^^^L^P`;
  const fields: Record<number, string | undefined> = {
    1: '0001',
    3: `${ctx.patient.localId}^^^^PI`,
    5: name,
    7: r.birthDate,
    8: r.sex,
  };
  if (full) {
    fields[11] = `^^^^${r.postcode}^JPN^H^${e(r.addressText)}`;
    const phones: string[] = [];
    if (r.homePhone) phones.push(`^PRN^PH^^^^^^^^^${r.homePhone}`);
    if (r.mobilePhone) phones.push(`^PRN^CP^^^^^^^^^${r.mobilePhone}`);
    fields[13] = phones.join('~');
    fields[14] = r.workPhone ? `^WPN^PH^^^^^^^^^${r.workPhone}` : undefined;
    fields[33] = lastUpdate;
  }
  return seg('PID', fields);
}

export interface Pv1Input {
  readonly patientClass: 'O' | 'I';
  readonly dept: string;
  readonly doctor: StaffMember;
  readonly bed?: Bed;
  readonly priorBed?: Bed;
  readonly admitTime?: string;
  readonly dischargeTime?: string;
  readonly dischargeDisposition?: string;
}

export function pv1(p: Pv1Input): string {
  return seg('PV1', {
    1: '0001',
    2: p.patientClass,
    3: p.bed ? bedText(p.bed) : `${p.dept}^^^^^C`,
    6: p.priorBed ? bedText(p.priorBed) : undefined,
    7: xcn(p.doctor),
    10: p.dept,
    17: p.patientClass === 'I' ? xcn(p.doctor) : undefined,
    36: p.dischargeDisposition,
    44: p.admitTime,
    45: p.dischargeTime,
  });
}

export const deptCwe = (dept: string): string => `${dept}^${e(DEPARTMENTS[dept] ?? '')}^HL70069`;

export interface OrcInput {
  readonly control: 'NW' | 'XO' | 'CA' | 'SC' | 'PA' | 'CH';
  readonly orderNo: string;
  readonly fillerNo?: string;
  readonly group?: string;
  readonly status?: string;
  readonly parentOrderNo?: string;
  /** ORC-9, the order's transaction time: gives the care-date folder of order messages. */
  readonly time: string;
  readonly enterer?: StaffMember;
  readonly doctor: StaffMember;
  readonly dept: string;
  readonly patientClass: 'O' | 'I';
  readonly bed?: Bed;
  /** Adds ORC-21..23 (facility name, address, phone) as the prescription samples do. */
  readonly withFacility?: boolean;
}

export function orc(ctx: PatientContext, o: OrcInput): string {
  const f = ctx.facility;
  const town = f.address.town;
  return seg('ORC', {
    1: o.control,
    2: o.orderNo,
    3: o.fillerNo,
    4: o.group,
    5: o.status,
    8: o.parentOrderNo,
    9: o.time,
    10: o.enterer ? xcn(o.enterer) : undefined,
    12: xcn(o.doctor),
    13: o.bed ? bedText(o.bed) : `${o.dept}^^^^^C`,
    17: deptCwe(o.dept),
    21: o.withFacility ? e(f.name) : undefined,
    22: o.withFacility
      ? `^^^^${town.postcode}^JPN^^${e(town.prefecture + town.city + town.town + f.address.street)}`
      : undefined,
    23: o.withFacility ? `^^^^^^^^^^^${f.phone}` : undefined,
    29: o.patientClass === 'I' ? 'I^入院患者オーダ^HL70482' : 'O^外来患者オーダ^HL70482',
  });
}
