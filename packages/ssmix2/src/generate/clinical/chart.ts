/**
 * A patient's chart at one facility while it is being simulated: the files written so far (as
 * drafts, not yet encoded), order numbers, attending doctors and the current problem list.
 */

import type { PatientContext } from '../messages/common.js';
import { msh, type StaffMember } from '../messages/hl7.js';
import type { Problem } from '../messages/problems.js';
import { stamp12, stamp14, stamp17 } from '../world/clock.js';
import type { Facility, FacilityPatient } from '../world/facility.js';
import type { Rng } from '../world/random.js';

/** "No order" order number for data without an order (SS-MIX2 §2). */
export const NO_ORDER = '999999999999999';

/** A moment on the simulated clock. */
export interface Moment {
  readonly day: number;
  readonly minute: number;
  readonly second: number;
  readonly ms: number;
}

export interface Draft {
  readonly op: 'write' | 'delete';
  readonly dataType: string;
  readonly careDate: string;
  readonly orderNo: string;
  readonly department: string;
  /** File-name timestamp (17 digits): when the file was written. */
  readonly timestamp: string;
  readonly text: string;
}

export class Chart implements PatientContext {
  readonly drafts: Draft[] = [];
  problems: Problem[] = [];
  private orderCounter = 0;
  private messageCounter = 0;
  private readonly attending = new Map<string, StaffMember>();
  /** Newest timestamp per storage key: a key's versions must have strictly increasing timestamps. */
  private readonly newest = new Map<string, string>();

  constructor(
    readonly facility: Facility,
    readonly patient: FacilityPatient,
    readonly rng: Rng,
  ) {}

  /** A moment on a day at a minute, with random seconds and milliseconds. */
  at(day: number, minute: number): Moment {
    return { day, minute, second: this.rng.int(0, 59), ms: this.rng.int(0, 999) };
  }

  /** A later moment: `minutes` after `m` (plus a few random seconds). */
  after(m: Moment, minutes: number): Moment {
    const total = m.minute + minutes;
    return this.at(m.day + Math.floor(total / 1440), total % 1440);
  }

  /**
   * A new order number: 8 digits of the patient's place in the facility, 5 of a counter, and two
   * zero digits left free for the child orders of a radiology or endoscopy order (`…01`, `…02`).
   */
  nextOrderNo(): string {
    this.orderCounter++;
    return `${String(this.patient.ordinal).padStart(8, '0')}${String(this.orderCounter).padStart(5, '0')}00`;
  }

  doctorFor(dept: string): StaffMember {
    let doctor = this.attending.get(dept);
    if (!doctor) {
      const list = this.facility.doctors[dept] ?? this.facility.doctors['01'] ?? [];
      doctor = this.rng.pick(list);
      this.attending.set(dept, doctor);
    }
    return doctor;
  }

  nurse(): StaffMember {
    return this.rng.pick(this.facility.nurses);
  }

  clerk(): StaffMember {
    return this.rng.pick(this.facility.clerks);
  }

  /** Files a message. `written` is when the system wrote it (file-name timestamp, MSH-7). */
  file(
    op: 'write' | 'delete',
    dataType: string,
    careDate: string,
    orderNo: string,
    department: string,
    written: Moment,
    type: string,
    body: readonly string[],
  ): void {
    let timestamp = stamp17(written.day, written.minute, written.second, written.ms);
    const key = `${dataType}|${careDate}|${orderNo}`;
    const last = this.newest.get(key);
    if (last !== undefined && timestamp <= last) timestamp = String(BigInt(last) + 1n);
    this.newest.set(key, timestamp);
    this.messageCounter = (this.messageCounter + 1) % 1000;
    const header = msh({
      facilityCode: this.facility.code,
      time: `${stamp14(written.day, written.minute, written.second)}.${String(written.ms).padStart(3, '0')}`,
      type,
      controlId: `${timestamp}${String(this.messageCounter).padStart(3, '0')}`,
    });
    this.drafts.push({
      op,
      dataType,
      careDate,
      orderNo,
      department,
      timestamp,
      text: `${[header, ...body].join('\r')}\r`,
    });
  }
}

export const t12 = (m: Moment): string => stamp12(m.day, m.minute);
export const t14 = (m: Moment): string => stamp14(m.day, m.minute, m.second);
