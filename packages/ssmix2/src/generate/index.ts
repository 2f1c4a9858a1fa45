// Synthetic SS-MIX2 data (re-exported by the package's index.ts).

export { MOBILE_PREFIXES, TOWNS, type Town } from './data/addresses.js';
export { eraOfBirthYear, GIVEN_NAMES, type NameEra, type NameReading, SURNAMES } from './data/names.js';
export { EXTENDED_DATA_TYPES, type ExtendedSummary } from './extended/extended.js';
export { SCENARIO_NODULE_MM } from './extended/imaging-readings.js';
export {
  checkGenerateOptions,
  DEFAULT_END_DATE,
  type GenerateOptions,
  GenerateOptionsError,
  type GenerateSummary,
  generateStorage,
} from './generate.js';
export { type ImagingScenario, imagingScenario } from './scenario.js';
export { parseTruthLine, TRUTH_HEADER, type TruthRow } from './truth.js';
// Building blocks of the generator, for benches and other generators (bench/mpi builds a population
// of identities from them).
export { dayFromYmd, isValidYmd, ymdFromDay } from './world/clock.js';
export { hashUnit, Rng, rngFor } from './world/random.js';
export {
  birthDateTypos,
  hiragana,
  type KanjiVariant,
  largeKana,
  longVowelKana,
  oldKanjiVariant,
  voicedKana,
} from './world/variants.js';
