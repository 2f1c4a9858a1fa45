/**
 * Fellegi–Sunter record comparison for Japanese identities. Each field is compared into an agreement
 * level; each level has an m probability (the level's frequency among records of the same person)
 * and a u probability (among records of different people); its weight is log2(m/u). The score is the
 * sum of the weights. Thresholds turn a score into auto-link / review / new person, and a few guards
 * keep household members (twins: same family name, birth date and address) from being auto-linked.
 */
import type { LevelProbability, MatchField, MatchModel, MpiSettings } from '../settings/mpi-settings.js';
import {
  addressKey,
  KANJI_WILDCARD,
  kanaKey,
  kanjiKey,
  phoneKey,
  postcodeKey,
  splitName,
} from './normalize.js';

export type Sex = 'M' | 'F' | 'O' | 'U';

/** One patient identity as a facility sends it. */
export interface IdentityFeed {
  facilityOid: string;
  localId: string;
  /** 漢字氏名, family and given separated by a space. */
  nameKanji?: string;
  /** カナ氏名, family and given separated by a space. */
  nameKana?: string;
  /** YYYY-MM-DD */
  birthDate?: string;
  sex?: Sex;
  postcode?: string;
  address?: string;
  phone?: string;
}

/** The normalised form a record is compared by (also the mpi_record key columns). */
export interface MatchKeys {
  kanaKey: string | null;
  kanaFamily: string | null;
  kanaGiven: string | null;
  kanjiKey: string | null;
  kanjiFamily: string | null;
  kanjiGiven: string | null;
  birthDate: string | null;
  /** M or F; O/U/absent are unknown. */
  sex: string | null;
  postcode: string | null;
  address: string | null;
  phone: string | null;
}

const orNull = (s: string | null | undefined): string | null =>
  s === undefined || s === null || s === '' ? null : s;

export function matchKeysOf(feed: Omit<IdentityFeed, 'facilityOid' | 'localId'>): MatchKeys {
  const kana = feed.nameKana ? splitName(feed.nameKana) : undefined;
  const kanji = feed.nameKanji ? splitName(feed.nameKanji) : undefined;
  return {
    kanaKey: orNull(feed.nameKana && kanaKey(feed.nameKana)),
    kanaFamily: orNull(kana && kanaKey(kana.family)),
    kanaGiven: orNull(kana && kanaKey(kana.given)),
    kanjiKey: orNull(feed.nameKanji && kanjiKey(feed.nameKanji)),
    kanjiFamily: orNull(kanji && kanjiKey(kanji.family)),
    kanjiGiven: orNull(kanji && kanjiKey(kanji.given)),
    birthDate: orNull(feed.birthDate),
    sex: feed.sex === 'M' || feed.sex === 'F' ? feed.sex : null,
    postcode: orNull(feed.postcode && postcodeKey(feed.postcode)),
    address: orNull(feed.address && addressKey(feed.address)),
    phone: orNull(feed.phone && phoneKey(feed.phone)),
  };
}

export type { LevelProbability, MatchField, MatchModel, MpiSettings };

/**
 * Default probabilities. m from the variation rates seen between facilities (SS-MIX2 generator and
 * published 名寄せ studies); u from name and birth-date frequencies in a prefecture-sized
 * population. Kanji u is set high on purpose: kanji and kana agreement are not independent.
 */
export const DEFAULT_MATCH_MODEL: MatchModel = {
  kana: {
    exact: { m: 0.96, u: 3e-4 },
    similar: { m: 0.025, u: 1e-3 },
    'family-only': { m: 0.004, u: 0.012 },
    'given-only': { m: 0.006, u: 0.02 },
    disagree: { m: 0.005, u: 0.967 },
  },
  kanji: {
    exact: { m: 0.93, u: 5e-3 },
    similar: { m: 0.05, u: 0.01 },
    'family-only': { m: 0.006, u: 0.02 },
    'given-only': { m: 0.006, u: 0.05 },
    disagree: { m: 0.008, u: 0.915 },
  },
  birthDate: {
    exact: { m: 0.985, u: 4e-5 },
    typo: { m: 0.012, u: 3e-4 },
    disagree: { m: 0.003, u: 0.99966 },
  },
  sex: {
    agree: { m: 0.995, u: 0.5 },
    disagree: { m: 0.005, u: 0.5 },
  },
  postcode: {
    agree: { m: 0.85, u: 0.003 },
    disagree: { m: 0.15, u: 0.997 },
  },
  address: {
    exact: { m: 0.75, u: 0.002 },
    town: { m: 0.1, u: 0.01 },
    disagree: { m: 0.15, u: 0.988 },
  },
  phone: {
    agree: { m: 0.7, u: 1e-4 },
    disagree: { m: 0.3, u: 0.9999 },
  },
};

export const DEFAULT_MPI_SETTINGS: MpiSettings = {
  autoLinkThreshold: 24,
  reviewThreshold: 14,
  model: DEFAULT_MATCH_MODEL,
};

/**
 * How common a name is among the index's records (frequency.ts). With it, the weight of an exact
 * reading agreement is value-specific: u = share(family) × share(given), so a rare name agreeing
 * counts for more than 佐藤 ヒロシ agreeing.
 */
export interface NameFrequencies {
  familyShare(kanaFamily: string): number;
  givenShare(kanaGiven: string): number;
}

/**
 * Given names cluster by sex and birth era, which the birth-date and sex weights already count:
 * among people of the same sex and era a given name is about this much more common than overall.
 */
export const GIVEN_NAME_CLUSTERING = 6;
/** Bounds of a value-specific u (no name is certain proof; a very common one still says something). */
const MIN_NAME_U = 1e-8;
const MAX_NAME_U = 0.01;

/** u of an exact reading agreement on this name, or undefined without frequencies. */
export function nameAgreementU(
  keys: MatchKeys,
  frequencies: NameFrequencies | undefined,
): number | undefined {
  if (!frequencies || !keys.kanaFamily || !keys.kanaGiven) return undefined;
  const u =
    frequencies.familyShare(keys.kanaFamily) *
    Math.min(1, frequencies.givenShare(keys.kanaGiven) * GIVEN_NAME_CLUSTERING);
  return Math.min(MAX_NAME_U, Math.max(MIN_NAME_U, u));
}

export interface FieldComparison {
  field: MatchField;
  /** exact | similar | family-only | given-only | typo | agree | town | disagree | missing */
  level: string;
  /** log2(m/u); 0 when missing. */
  weight: number;
}

export interface Comparison {
  score: number;
  fields: FieldComparison[];
  /** Why an auto-link is not allowed whatever the score (household members, conflicting ids). */
  guards: string[];
}

/** Equal, reading the wildcard (〓) as any one character. */
export function sameWritten(a: string, b: string): boolean {
  if (a === b) return true;
  if (!a.includes(KANJI_WILDCARD) && !b.includes(KANJI_WILDCARD)) return false;
  const x = [...a];
  const y = [...b];
  if (x.length !== y.length) return false;
  return x.every((c, i) => c === y[i] || c === KANJI_WILDCARD || y[i] === KANJI_WILDCARD);
}

const xFlags = new Uint8Array(64);
const yFlags = new Uint8Array(64);

/** Jaro–Winkler similarity (UTF-16 units: readings are all in the BMP). Hot: no allocation. */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  const la = Math.min(a.length, 64);
  const lb = Math.min(b.length, 64);
  if (la === 0 || lb === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  xFlags.fill(0, 0, la);
  yFlags.fill(0, 0, lb);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const c = a.charCodeAt(i);
    const end = Math.min(lb, i + window + 1);
    for (let j = Math.max(0, i - window); j < end; j++) {
      if (yFlags[j] || b.charCodeAt(j) !== c) continue;
      xFlags[i] = 1;
      yFlags[j] = 1;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let k = 0;
  let transpositions = 0;
  for (let i = 0; i < la; i++) {
    if (!xFlags[i]) continue;
    while (!yFlags[k]) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
    k++;
  }
  const jaro = (matches / la + matches / lb + (matches - transpositions / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < la && prefix < lb && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** One substituted character, same length (a keying slip or an unfolded variant). */
function oneCharApart(a: string, b: string): boolean {
  const x = [...a];
  const y = [...b];
  if (x.length !== y.length || x.length < 3) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i] && ++diff > 1) return false;
  return diff === 1;
}

function nameLevel(
  full: [string | null, string | null],
  family: [string | null, string | null],
  given: [string | null, string | null],
  same: (a: string, b: string) => boolean,
  similar: (a: string, b: string) => boolean,
): string {
  const [a, b] = full;
  if (a === null || b === null) return 'missing';
  if (same(a, b)) return 'exact';
  const familySame = family[0] !== null && family[1] !== null && same(family[0], family[1]);
  const givenSame = given[0] !== null && given[1] !== null && given[0] !== '' && same(given[0], given[1]);
  // A name differing only in its given part is a different given name, not a slip, when the
  // given names are short (twins: 健一/健二 are one character apart).
  if (familySame && !givenSame) {
    const g0 = given[0] ?? '';
    const g1 = given[1] ?? '';
    return g0 !== '' && g1 !== '' && similar(g0, g1) && [...g0].length >= 4 ? 'similar' : 'family-only';
  }
  if (givenSame && !familySame) return similar(a, b) ? 'similar' : 'given-only';
  return similar(a, b) ? 'similar' : 'disagree';
}

const DIGITS = /^\d{4}-\d{2}-\d{2}$/;

/** A plausible keying error: one digit, two adjacent digits swapped, day and month swapped, year ±1. */
export function birthDateTypo(a: string, b: string): boolean {
  if (!DIGITS.test(a) || !DIGITS.test(b) || a === b) return false;
  const x = a.replaceAll('-', '');
  const y = b.replaceAll('-', '');
  const diffs: number[] = [];
  for (let i = 0; i < 8; i++) if (x[i] !== y[i]) diffs.push(i);
  if (diffs.length === 1) return true;
  const [i, j] = diffs;
  if (diffs.length === 2 && i !== undefined && j === i + 1 && x[i] === y[j] && x[j] === y[i]) return true;
  if (x.slice(0, 4) === y.slice(0, 4) && x.slice(4, 6) === y.slice(6, 8) && x.slice(6, 8) === y.slice(4, 6))
    return true;
  return x.slice(4) === y.slice(4) && Math.abs(Number(x.slice(0, 4)) - Number(y.slice(0, 4))) === 1;
}

/** The town part of an address key: everything before the first digit. */
const townOf = (address: string): string => address.replace(/[0-9].*$/, '');

const weights = new WeakMap<MatchModel, Map<string, number>>();

/** log2(m/u) of a level, rounded to 0.01 (cached per model). */
const weightOf = (model: MatchModel, field: MatchField, level: string): number => {
  if (level === 'missing') return 0;
  let cache = weights.get(model);
  if (!cache) {
    cache = new Map();
    weights.set(model, cache);
  }
  const key = `${field}/${level}`;
  let w = cache.get(key);
  if (w === undefined) {
    const p = model[field][level];
    if (!p) throw new Error(`no m/u for ${field} ${level}`);
    w = round2(Math.log2(p.m / p.u));
    cache.set(key, w);
  }
  return w;
};

/**
 * Compares two identities field by field. With `frequencies`, an exact reading agreement weighs
 * by how common the name is (nameAgreementU); `nameU` is that u when the caller computed it already.
 */
export function compareKeys(
  a: MatchKeys,
  b: MatchKeys,
  model: MatchModel = DEFAULT_MATCH_MODEL,
  frequencies?: NameFrequencies,
  nameU: number | undefined = nameAgreementU(a, frequencies),
): Comparison {
  const kana = nameLevel(
    [a.kanaKey, b.kanaKey],
    [a.kanaFamily, b.kanaFamily],
    [a.kanaGiven, b.kanaGiven],
    (x, y) => x === y,
    (x, y) => jaroWinkler(x, y) >= 0.92,
  );
  const kanji = nameLevel(
    [a.kanjiKey, b.kanjiKey],
    [a.kanjiFamily, b.kanjiFamily],
    [a.kanjiGiven, b.kanjiGiven],
    sameWritten,
    oneCharApart,
  );
  const birthDate =
    a.birthDate === null || b.birthDate === null
      ? 'missing'
      : a.birthDate === b.birthDate
        ? 'exact'
        : birthDateTypo(a.birthDate, b.birthDate)
          ? 'typo'
          : 'disagree';
  const sex = a.sex === null || b.sex === null ? 'missing' : a.sex === b.sex ? 'agree' : 'disagree';
  const postcode =
    a.postcode === null || b.postcode === null ? 'missing' : a.postcode === b.postcode ? 'agree' : 'disagree';
  const address =
    a.address === null || b.address === null
      ? 'missing'
      : a.address === b.address
        ? 'exact'
        : townOf(a.address) !== '' && townOf(a.address) === townOf(b.address)
          ? 'town'
          : 'disagree';
  const phone = a.phone === null || b.phone === null ? 'missing' : a.phone === b.phone ? 'agree' : 'disagree';
  const levels: [MatchField, string][] = [
    ['kanji', kanji],
    ['kana', kana],
    ['birthDate', birthDate],
    ['sex', sex],
    ['postcode', postcode],
    ['address', address],
    ['phone', phone],
  ];
  const fields = levels.map(([field, level]) => ({
    field,
    level,
    weight:
      field === 'kana' && level === 'exact' && nameU !== undefined
        ? round2(Math.log2((model.kana.exact?.m ?? 1) / nameU))
        : round2(weightOf(model, field, level)),
  }));
  const score = round2(fields.reduce((sum, f) => sum + f.weight, 0));
  const guards: string[] = [];
  const nameAgrees = (l: string) => l === 'exact' || l === 'similar';
  if (!nameAgrees(kana) && !nameAgrees(kanji)) guards.push('name-differs');
  if (birthDate !== 'exact' && birthDate !== 'typo') guards.push('birth-date-differs');
  return { score, fields, guards };
}

const round2 = (n: number): number => Math.round(n * 100) / 100;
