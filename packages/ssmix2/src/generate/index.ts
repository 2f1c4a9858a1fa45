// Synthetic SS-MIX2 data (re-exported by the package's index.ts).

// Building blocks of the generator, for benches and other generators (bench/mpi builds a population
// of identities from them).
export { dayFromYmd, isValidYmd, ymdFromDay } from './clock.js';
export { MOBILE_PREFIXES, TOWNS, type Town } from './data/addresses.js';
export { eraOfBirthYear, GIVEN_NAMES, type NameEra, type NameReading, SURNAMES } from './data/names.js';
export { EXTENDED_DATA_TYPES, type ExtendedSummary } from './extended/extended.js';
export {
  checkGenerateOptions,
  DEFAULT_END_DATE,
  type GenerateOptions,
  GenerateOptionsError,
  type GenerateSummary,
  generateStorage,
} from './generate.js';
export { hashUnit, Rng, rngFor } from './random.js';
export { parseTruthLine, TRUTH_HEADER, type TruthRow } from './truth.js';
export {
  birthDateTypos,
  hiragana,
  type KanjiVariant,
  largeKana,
  longVowelKana,
  oldKanjiVariant,
  voicedKana,
} from './variants.js';
