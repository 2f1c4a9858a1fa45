/**
 * Facilities and who they see. Each facility (by its 10-digit code) sees a deterministic subset of
 * the population — mostly people of its own prefecture — gives them its own local patient IDs,
 * and keeps its own slightly different copy of their demographics.
 */

import { TOWNS, type Town } from '../data/addresses.js';
import { DEFAULT_PRACTICE, DEPARTMENTS, KNOWN_FACILITIES, type Practice } from '../data/clinic.js';
import { GIVEN_NAMES, SURNAMES } from '../data/names.js';
import { isValidYmd } from './clock.js';
import { type Address, makeAddress, makePerson, mobilePhone, type Person, phoneIn } from './population.js';
import { hashUnit, rngFor } from './random.js';
import {
  birthDateTypos,
  hiragana,
  largeKana,
  longVowelKana,
  oldKanjiVariant,
  voicedKana,
} from './variants.js';

export interface Facility {
  readonly code: string;
  readonly name: string;
  readonly address: Address;
  readonly phone: string;
  /** Doctors by department code. */
  readonly doctors: Readonly<Record<string, readonly StaffMember[]>>;
  readonly nurses: readonly StaffMember[];
  readonly clerks: readonly StaffMember[];
  /** House habits: 院外処方 share, lab cadence. */
  readonly practice: Practice;
}

const HOSPITAL_SUFFIXES = ['中央病院', '総合病院', '記念病院', '協立病院', '医療センター', '市民病院'];

export function makeFacility(seed: number, code: string): Facility {
  const rng = rngFor(seed, 'facility', code);
  const prefecture = code.startsWith('34') ? '34' : '33';
  const known = KNOWN_FACILITIES[code];
  const generated = makeAddress(rng, prefecture);
  const knownTown = known && TOWNS.find((t) => t.city === known.city && t.town === known.town);
  const address = knownTown ? { ...generated, town: knownTown } : generated;
  const city = address.town.city.replace(/市.*$/, '');
  const name = known?.name ?? `${city}${rng.pick(HOSPITAL_SUFFIXES)}`;
  const staff = (prefix: string, i: number): StaffMember => {
    const sex = rng.chance(0.6) ? 'M' : 'F';
    return {
      id: `${prefix}${String(i).padStart(4, '0')}`,
      family: rng.weighted(SURNAMES, (n) => n.weight).kanji,
      given: rng.weighted(GIVEN_NAMES[sex]['1970s'], (n) => n.weight).kanji,
    };
  };
  const doctors: Record<string, StaffMember[]> = {};
  let n = 1;
  for (const dept of Object.keys(DEPARTMENTS)) {
    doctors[dept] = Array.from({ length: rng.int(2, 4) }, () => staff('D', n++));
  }
  return {
    code,
    name,
    address,
    phone: phoneIn(rng, address.town),
    doctors,
    nurses: Array.from({ length: 12 }, (_, i) => staff('N', i + 1)),
    clerks: Array.from({ length: 4 }, (_, i) => staff('C', i + 1)),
    practice: known
      ? { outOfHouseShare: known.outOfHouseShare, labEveryVisits: known.labEveryVisits }
      : DEFAULT_PRACTICE,
  };
}

/** The demographics as this facility recorded them. */
export interface RecordedPerson {
  readonly familyKanji: string;
  readonly givenKanji: string;
  readonly familyKana: string;
  readonly givenKana: string;
  readonly birthDate: string;
  readonly sex: 'M' | 'F';
  readonly postcode: string;
  readonly addressText: string;
  readonly town: Town;
  readonly homePhone: string | undefined;
  readonly mobilePhone: string | undefined;
  readonly workPhone: string | undefined;
}

export interface FacilityPatient {
  readonly person: Person;
  /** 1-based position in this facility's list. */
  readonly ordinal: number;
  readonly localId: string;
  readonly recorded: RecordedPerson;
  /** Labels of the variations applied (ground truth). */
  readonly variations: readonly string[];
}

/** Share of a prefecture's population a facility sees: mostly its own prefecture, a few from next door. */
export function inclusionProbability(facilityCode: string, person: Person): number {
  const facilityPref = facilityCode.slice(0, 2);
  if (facilityPref !== '33' && facilityPref !== '34') return 0.3;
  return person.address.town.prefectureCode === facilityPref ? 0.4 : 0.06;
}

/**
 * Whether the person is on the facility's books at all (before `facilityPatients` cuts the list at
 * the requested count). One rule for who a facility sees and for where a person's chronic care can
 * be (`clinical/care.ts`), so the two never disagree.
 */
export function seesPerson(seed: number, facilityCode: string, person: Person): boolean {
  return hashUnit(seed, 'member', facilityCode, person.index) < inclusionProbability(facilityCode, person);
}

function applyVariations(
  seed: number,
  facilityCode: string,
  person: Person,
): Pick<FacilityPatient, 'recorded' | 'variations'> {
  const rng = rngFor(seed, 'variation', facilityCode, person.index);
  const variations: string[] = [];
  let familyKanji = person.family.kanji;
  let givenKanji = person.given.kanji;
  let familyKana = person.family.kana;
  let givenKana = person.given.kana;
  let birthDate = person.birthDate;
  let address = person.address;
  let homePhone: string | undefined = person.homePhone;
  let mobile = person.mobilePhone;

  if (rng.chance(0.35)) {
    const v = oldKanjiVariant(familyKanji) ?? oldKanjiVariant(givenKanji);
    if (v) {
      if (oldKanjiVariant(familyKanji)) familyKanji = v.text;
      else givenKanji = v.text;
      variations.push(v.label);
    }
  }
  if (rng.chance(0.12)) {
    const kinds = [
      ['large-kana', largeKana],
      ['long-vowel', longVowelKana],
      ['voiced-kana', voicedKana],
    ] as const;
    for (const [label, f] of kinds) {
      const family = f(familyKana);
      const given = family === undefined ? f(givenKana) : undefined;
      if (family === undefined && given === undefined) continue;
      if (family !== undefined) familyKana = family;
      if (given !== undefined) givenKana = given;
      variations.push(`${label}:${family ?? given}`);
      break;
    }
  }
  if (rng.chance(0.04)) {
    familyKana = hiragana(familyKana);
    givenKana = hiragana(givenKana);
    variations.push('hiragana-kana');
  }
  if (rng.chance(0.015)) {
    const typo = birthDateTypos(birthDate).filter(isValidYmd);
    if (typo.length > 0) {
      birthDate = rng.pick(typo);
      variations.push(`birth-date-typo:${person.birthDate}>${birthDate}`);
    }
  }
  if (rng.chance(0.1)) {
    address = person.previousAddress;
    variations.push('previous-address');
  }
  if (rng.chance(0.15)) {
    if (mobile && rng.chance(0.5)) {
      homePhone = undefined;
      variations.push('mobile-phone-only');
    } else if (rng.chance(0.5)) {
      homePhone = person.oldPhone;
      variations.push('old-phone');
    } else {
      mobile = mobilePhone(rng);
      variations.push('other-mobile-phone');
    }
  }
  const town = address.town;
  return {
    variations,
    recorded: {
      familyKanji,
      givenKanji,
      familyKana,
      givenKana,
      birthDate,
      sex: person.sex,
      postcode: town.postcode,
      addressText: `${town.prefecture}${town.city}${town.town}${address.street}`,
      town,
      homePhone,
      mobilePhone: mobile,
      workPhone: person.workPhone,
    },
  };
}

/**
 * The facility's first `count` patients, in the order it registered them. Lazy: one person at a
 * time, so memory stays flat however many patients are generated.
 */
export function* facilityPatients(
  seed: number,
  facilityCode: string,
  count: number,
  /** People born after this YYYYMMDD (the last simulated day, minus a week) are not patients yet. */
  bornBy = '99991231',
): Generator<FacilityPatient> {
  const idRng = rngFor(seed, 'patient-ids', facilityCode);
  let nextId = 100000 + idRng.int(0, 4_000_000);
  let ordinal = 0;
  for (let index = 0; ordinal < count; index++) {
    const person = makePerson(seed, index);
    if (person.birthDate > bornBy) continue;
    if (!seesPerson(seed, facilityCode, person)) continue;
    ordinal++;
    nextId += idRng.int(1, 7);
    yield {
      person,
      ordinal,
      localId: String(nextId).padStart(10, '0'),
      ...applyVariations(seed, facilityCode, person),
    };
  }
}

/** A member of staff, as messages name them (XCN). */
export interface StaffMember {
  readonly id: string;
  readonly family: string;
  readonly given: string;
}
