import type { FacilityType } from './facility-types.js';
import type { Profession } from './professions.js';

/**
 * The professions a facility administrator may register at a facility of each kind. A profession is a
 * licensed fact (the seed: the network office authorises; HPKI carries the role), so a facility can
 * only register what it plausibly employs — a care manager office cannot create a doctor — and only the
 * network office sets or changes a profession beyond this.
 */
export const PROFESSIONS_BY_FACILITY_TYPE: Readonly<Record<FacilityType, readonly Profession[]>> = {
  hospital: [
    'doctor',
    'dentist',
    'pharmacist',
    'nurse',
    'public-health-nurse',
    'midwife',
    'lab-technician',
    'radiology-technician',
    'therapist',
    'dietitian',
    'social-worker',
    'care-worker',
    'clerk',
  ],
  clinic: [
    'doctor',
    'nurse',
    'midwife',
    'lab-technician',
    'radiology-technician',
    'therapist',
    'dietitian',
    'clerk',
  ],
  dental: ['dentist', 'nurse', 'dietitian', 'clerk'],
  pharmacy: ['pharmacist', 'clerk'],
  'visiting-nursing': ['nurse', 'public-health-nurse', 'midwife', 'therapist', 'clerk'],
  'care-facility': [
    'nurse',
    'therapist',
    'dietitian',
    'social-worker',
    'care-worker',
    'care-manager',
    'helper',
    'clerk',
  ],
  'care-manager-office': ['care-manager', 'social-worker', 'clerk'],
  administration: ['public-health-nurse', 'dietitian', 'social-worker', 'care-manager', 'clerk'],
  'network-office': ['clerk'],
  other: ['clerk'],
};

/** Whether a facility of this kind may register staff of this profession itself. */
export const professionFitsFacility = (profession: Profession, facilityType: FacilityType): boolean =>
  PROFESSIONS_BY_FACILITY_TYPE[facilityType].includes(profession);
