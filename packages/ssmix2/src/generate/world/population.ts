/**
 * The population: person `k` of a seed is the same whoever asks for it (any facility, any N, any
 * number of years), because every draw comes from the stream `(seed, 'person', k)`. Ages are
 * anchored on a fixed reference day, not on the run's end date, for the same reason.
 */

import { MOBILE_PREFIXES, TOWNS, type Town } from '../data/addresses.js';
import { ALLERGENS, type Allergen } from '../data/clinic.js';
import { DISEASES } from '../data/diseases.js';
import { eraOfBirthYear, GIVEN_NAMES, type NameReading, type Sex, SURNAMES } from '../data/names.js';
import { dayFromYmd, ymdFromDay } from './clock.js';
import { type Rng, rngFor } from './random.js';

/** Ages and disease onsets are computed on this day so that the population does not depend on options. */
export const REFERENCE_DAY = dayFromYmd('20261031');

export interface Address {
  readonly town: Town;
  /** Street number and building, full-width as Japanese systems print it (`１－３－５`). */
  readonly street: string;
}

export interface ChronicCondition {
  readonly disease: string;
  readonly onsetDay: number;
  /** Index into the disease's regimens. */
  readonly regimen: number;
}

export interface Person {
  readonly id: string;
  readonly index: number;
  readonly sex: Sex;
  readonly birthDate: string;
  readonly family: NameReading;
  readonly given: NameReading;
  readonly address: Address;
  /** Where the person lived before moving (some facilities still have it). */
  readonly previousAddress: Address;
  readonly homePhone: string;
  readonly mobilePhone: string | undefined;
  /** A home number from before a move or a contract change. */
  readonly oldPhone: string;
  /** Work number (PID-14) of some working-age people. */
  readonly workPhone: string | undefined;
  readonly bloodType: 'A' | 'B' | 'O' | 'AB';
  readonly heightCm: number;
  readonly weightKg: number;
  readonly allergies: readonly Allergen[];
  readonly conditions: readonly ChronicCondition[];
  /** Per-person physiology that drives lab values (see clinical/lab-values.ts). */
  readonly physiology: Physiology;
}

export interface Physiology {
  readonly hba1c: number;
  readonly egfrAt40: number;
  readonly ldl: number;
  readonly hdl: number;
  readonly tg: number;
  readonly ua: number;
  readonly alt: number;
  readonly ggt: number;
  readonly hb: number;
  readonly plt: number;
  readonly wbc: number;
  /** HbA1c drift per year once diabetic (0.05–0.35). */
  readonly hba1cDrift: number;
  /** Extra eGFR loss per year in CKD (1.5–4). */
  readonly egfrLoss: number;
}

/** Age distribution of hospital patients: older people are seen far more often. */
const AGE_BANDS: readonly { from: number; to: number; weight: number }[] = [
  { from: 0, to: 9, weight: 5 },
  { from: 10, to: 19, weight: 4 },
  { from: 20, to: 29, weight: 5 },
  { from: 30, to: 39, weight: 7 },
  { from: 40, to: 49, weight: 10 },
  { from: 50, to: 59, weight: 12 },
  { from: 60, to: 69, weight: 17 },
  { from: 70, to: 79, weight: 22 },
  { from: 80, to: 89, weight: 15 },
  { from: 90, to: 99, weight: 3 },
];

const FULL_DIGITS = '０１２３４５６７８９';
export const fullWidth = (n: number): string => [...String(n)].map((c) => FULL_DIGITS[Number(c)]).join('');

const BUILDINGS = ['コーポ', 'ハイツ', 'メゾン', 'グランドール', 'サンシャイン'];

function pickTown(rng: Rng, prefectureCode?: string): Town {
  const towns = prefectureCode ? TOWNS.filter((t) => t.prefectureCode === prefectureCode) : TOWNS;
  return rng.weighted(towns, (t) => t.weight * (t.prefectureCode === '33' ? 1.3 : 1));
}

export function makeAddress(rng: Rng, prefectureCode?: string): Address {
  const town = pickTown(rng, prefectureCode);
  let street = `${fullWidth(rng.int(1, 6))}－${fullWidth(rng.int(1, 28))}－${fullWidth(rng.int(1, 20))}`;
  if (rng.chance(0.2))
    street += `　${rng.pick(BUILDINGS)}${town.town.slice(0, 2)}${fullWidth(rng.int(1, 5) * 100 + rng.int(1, 9))}`;
  return { town, street };
}

export function phoneIn(rng: Rng, town: Town): string {
  if (town.areaCode.length === 3) return `${town.areaCode}-${rng.int(2, 9)}${rng.digits(2)}-${rng.digits(4)}`;
  return `${town.areaCode}-${rng.int(2, 9)}${rng.digits(1)}-${rng.digits(4)}`;
}

export function mobilePhone(rng: Rng): string {
  return `${rng.pick(MOBILE_PREFIXES)}-${rng.int(1, 9)}${rng.digits(3)}-${rng.digits(4)}`;
}

function birthDate(rng: Rng): string {
  const band = rng.weighted(AGE_BANDS, (b) => b.weight);
  const ageDays = Math.floor((band.from + rng.next() * (band.to - band.from + 1)) * 365.25);
  return ymdFromDay(REFERENCE_DAY - ageDays);
}

function physiology(rng: Rng, sex: Sex): Physiology {
  const male = sex === 'M';
  return {
    hba1c: rng.normal(5.5, 0.25),
    egfrAt40: rng.normal(88, 10),
    ldl: rng.normal(118, 25),
    hdl: rng.normal(male ? 55 : 66, 12),
    tg: Math.exp(rng.normal(Math.log(male ? 115 : 85), 0.4)),
    ua: rng.normal(male ? 5.8 : 4.4, 0.9),
    alt: Math.exp(rng.normal(Math.log(male ? 20 : 15), 0.3)),
    ggt: Math.exp(rng.normal(Math.log(male ? 30 : 18), 0.45)),
    hb: rng.normal(male ? 14.8 : 13.0, 0.9),
    plt: rng.normal(24, 4.5),
    wbc: rng.normal(5.8, 1.2),
    hba1cDrift: 0.05 + rng.next() * 0.3,
    egfrLoss: 1.5 + rng.next() * 2.5,
  };
}

export function ageAtReference(birth: string): number {
  return Math.floor((REFERENCE_DAY - dayFromYmd(birth)) / 365.25);
}

function chronicConditions(rng: Rng, sex: Sex, birth: string): ChronicCondition[] {
  const age = ageAtReference(birth);
  const birthDay = dayFromYmd(birth);
  const out: ChronicCondition[] = [];
  for (const disease of DISEASES) {
    if (!disease.chronic) continue;
    if (!rng.chance(disease.rate(age, sex))) continue;
    // Onset somewhere in the last 15 years, never before age 15 (age 2 for asthma and allergies).
    const earliest = Math.max(birthDay + (age < 20 ? 2 : 15) * 365, REFERENCE_DAY - 15 * 365);
    const onsetDay = earliest + Math.floor(rng.next() * Math.max(1, REFERENCE_DAY - earliest));
    out.push({
      disease: disease.key,
      onsetDay,
      regimen: rng.int(0, Math.max(0, disease.regimens.length - 1)),
    });
  }
  return out;
}

export function makePerson(seed: number, index: number): Person {
  const rng = rngFor(seed, 'person', index);
  const sex: Sex = rng.chance(0.48) ? 'M' : 'F';
  const birth = birthDate(rng);
  const family = rng.weighted(SURNAMES, (n) => n.weight);
  const given = rng.weighted(GIVEN_NAMES[sex][eraOfBirthYear(Number(birth.slice(0, 4)))], (n) => n.weight);
  const prefecture = rng.chance(0.65) ? '33' : '34';
  const address = makeAddress(rng, prefecture);
  const previousAddress = makeAddress(rng, rng.chance(0.8) ? prefecture : undefined);
  const age = ageAtReference(birth);
  const heightCm =
    age < 15
      ? 80 + age * 5.5 + rng.normal(0, 4)
      : rng.normal(sex === 'M' ? 168 : 155, 6) - (age > 70 ? 3 : 0);
  const bmi = age < 15 ? rng.normal(16.5, 1.5) : rng.normal(sex === 'M' ? 23.8 : 22.2, 3);
  const allergyCount = rng.chance(0.22) ? rng.int(1, 3) : 0;
  const allergies: Allergen[] = [];
  for (let i = 0; i < allergyCount; i++) {
    const a = rng.weighted(ALLERGENS, (x) => x.weight);
    if (!allergies.includes(a)) allergies.push(a);
  }
  const conditions = chronicConditions(rng, sex, birth);
  const body = physiology(rng, sex);
  const workPhone =
    age >= 20 && age < 65 && rng.chance(0.35) ? phoneIn(rng, makeAddress(rng, prefecture).town) : undefined;
  return {
    id: `P${String(index).padStart(7, '0')}`,
    index,
    sex,
    birthDate: birth,
    family,
    given,
    address,
    previousAddress,
    homePhone: phoneIn(rng, address.town),
    mobilePhone: rng.chance(0.55) ? mobilePhone(rng) : undefined,
    oldPhone: phoneIn(rng, previousAddress.town),
    bloodType: rng.weighted(['A', 'O', 'B', 'AB'] as const, (b) => ({ A: 38, O: 31, B: 22, AB: 9 })[b]),
    heightCm: Math.round(heightCm * 10) / 10,
    weightKg: Math.round(bmi * (heightCm / 100) ** 2 * 10) / 10,
    allergies,
    workPhone,
    conditions,
    physiology: body,
  };
}
